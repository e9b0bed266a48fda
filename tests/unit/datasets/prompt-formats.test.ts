// The gsm8k and qa line parsers: what a line becomes, and errors that name the field.
import { describe, expect, it } from "vitest";
import { gsm8kFinalAnswer, parseGsm8kLine } from "@/lib/datasets/gsm8k-format";
import { parsePromptLine } from "@/lib/datasets/prompt-formats";
import { parseQaLine } from "@/lib/datasets/qa-format";

const NATALIA = {
  question:
    "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?",
  answer: "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72",
};

describe("gsm8k", () => {
  it("makes the question the prompt, the number after #### the reference, and keeps the worked answer", () => {
    expect(parseGsm8kLine(NATALIA)).toEqual({
      record: {
        messages: [{ role: "user", content: NATALIA.question }],
        externalId: null,
        metadata: { reference: "72", solution: NATALIA.answer },
        reference: "72",
        promptField: "question",
      },
    });
  });

  it.each<[string, string | undefined]>([
    ["… #### 1,000", "1000"],
    ["… ####   -7 \n", "-7"],
    ["#### 3 #### 4", "4"],
    ["#### 12,345,678", "12345678"],
    ["no final answer", undefined],
    ["… ####  ", undefined],
  ])("final answer of %j is %j", (solution, expected) => {
    expect(gsm8kFinalAnswer(solution)).toBe(expected);
  });

  it("keeps an id as the external id", () => {
    const parsed = parseGsm8kLine({ ...NATALIA, id: 17 });
    expect("record" in parsed && parsed.record.externalId).toBe("17");
  });

  it.each<[unknown, string]>([
    [{ answer: "#### 1" }, "question: missing field"],
    [{ question: "  ", answer: "#### 1" }, "question: expected a non-empty string"],
    [{ question: 3, answer: "#### 1" }, "question: expected string, got number"],
    [{ question: "q" }, "answer: missing field"],
    [{ question: "q", answer: 72 }, "answer: expected string, got number"],
    [{ question: "q", answer: "it is 72" }, 'answer: no final answer (expected "#### <answer>" at its end)'],
    [{ question: "q", answer: "72 ####" }, "answer: nothing after ####"],
    [{ question: "q", answer: "#### 1", extra: 1 }, 'unknown field "extra"'],
    [[NATALIA], "expected a JSON object"],
  ])("%j → %s", (value, message) => {
    expect(parseGsm8kLine(value)).toEqual({ error: message });
  });
});

describe("qa", () => {
  it("takes a prompt or messages, the answer as the reference, an id and metadata", () => {
    expect(parseQaLine({ prompt: "What is 7 + 5?", answer: " 12 " })).toEqual({
      record: {
        messages: [{ role: "user", content: "What is 7 + 5?" }],
        externalId: null,
        metadata: { reference: "12" },
        reference: "12",
        promptField: "prompt",
      },
    });
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Capital of Peru?" },
    ];
    expect(parseQaLine({ messages, answer: "Lima", id: "geo-17", metadata: { source: "atlas" } })).toEqual({
      record: { messages, externalId: "geo-17", metadata: { source: "atlas", reference: "Lima" }, reference: "Lima", promptField: "messages" },
    });
    expect(parseQaLine({ prompt: "7 - 12?", answer: -5 })).toMatchObject({ record: { reference: "-5", metadata: { reference: "-5" } } });
  });

  it.each<[unknown, RegExp]>([
    [{ answer: "1" }, /^prompt: missing field \(give "prompt" or "messages"\)$/],
    [{ prompt: "q", messages: [{ role: "user", content: "q" }], answer: "1" }, /^messages: give either "prompt" or "messages", not both$/],
    [{ prompt: "q" }, /^answer: missing field$/],
    [{ prompt: "q", answer: "  " }, /^answer: expected a non-empty string$/],
    [{ prompt: "q", answer: ["1"] }, /^answer: expected a string or a number$/],
    [{ prompt: "", answer: "1" }, /^prompt: expected a non-empty string$/],
    [{ messages: [], answer: "1" }, /^messages: expected at least one message$/],
    [{ messages: [{ role: "bot", content: "q" }], answer: "1" }, /^messages\[0\]\.role: expected one of/],
    [{ prompt: "q", answer: "1", metadata: { reference: "2" } }, /^metadata\.reference: the reference is the line's "answer"/],
    [{ prompt: "q", answer: "1", metadata: "x" }, /^metadata: expected record, got string$/],
    [{ prompt: "q", answer: "1", completions: ["a", "b"] }, /^unknown field "completions"$/],
  ])("%j fails: %s", (value, message) => {
    const parsed = parseQaLine(value);
    expect("error" in parsed && parsed.error).toMatch(message);
  });

  it("reads a line as JSON first, and skips blank lines", () => {
    expect(parsePromptLine("qa", { line: 1, text: "  " })).toBeNull();
    expect(parsePromptLine("qa", { line: 1, text: "{nope" })).toEqual({ error: expect.stringMatching(/^bad JSON: /) });
    expect(parsePromptLine("qa", { line: 1, error: "invalid UTF-8" })).toEqual({ error: "invalid UTF-8" });
    expect(parsePromptLine("gsm8k", { line: 1, text: JSON.stringify(NATALIA) })).toMatchObject({ record: { reference: "72" } });
  });
});
