import { describe, expect, it } from "vitest";
import { parsePalateLine } from "@/lib/datasets/palate-format";

const err = (v: unknown) => {
  const r = parsePalateLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("the palate import format", () => {
  it("reads a plain prompt with string completions as one user message", () => {
    expect(parsePalateLine({ prompt: "What is 2+2?", completions: ["4", "5"] })).toEqual({
      records: [
        {
          messages: [{ role: "user", content: "What is 2+2?" }],
          completions: [
            { text: "4", model: null, metadata: null },
            { text: "5", model: null, metadata: null },
          ],
          externalId: null,
          promptMetadata: null,
        },
      ],
    });
  });

  it("reads messages, completion objects, id and metadata", () => {
    const r = parsePalateLine({
      id: 17,
      metadata: { source: "x" },
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      completions: [{ text: "Hello", model: "sft-1", metadata: { t: 0.7 } }, "Hey"],
    });
    expect(r).toEqual({
      records: [
        {
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "Hi" },
          ],
          completions: [
            { text: "Hello", model: "sft-1", metadata: { t: 0.7 } },
            { text: "Hey", model: null, metadata: null },
          ],
          externalId: "17",
          promptMetadata: { source: "x" },
        },
      ],
    });
    expect(parsePalateLine({ prompt: "p", completions: ["a", "b"] })).not.toHaveProperty("records.0.ranking");
  });

  it("names the field of every kind of mistake", () => {
    expect(err({ completions: ["a", "b"] })).toBe('prompt: missing field (give "prompt" or "messages")');
    expect(err({ prompt: "p" })).toBe("completions: missing field");
    expect(err({ prompt: 3, completions: ["a", "b"] })).toBe("prompt: expected string, got number");
    expect(err({ prompt: "p", completions: ["a"] })).toBe("completions: expected at least 2 completions");
    expect(err({ prompt: "p", completions: "ab" })).toBe("completions: expected a list of completions");
    expect(err({ prompt: "p", completions: ["a", 4] })).toBe("completions[1]: expected a string or an object {text, model?, metadata?}");
    expect(err({ prompt: "p", completions: ["a", { text: 4 }] })).toBe("completions[1].text: expected string, got number");
    expect(err({ prompt: "p", completions: ["a", { txt: "b" }] })).toMatch(/^completions\[1\]\.text: missing field/);
    expect(err({ prompt: "", completions: ["a", "b"] })).toBe("prompt: expected a non-empty string");
    expect(err({ messages: [], completions: ["a", "b"] })).toBe("messages: expected at least one message");
    expect(err({ messages: [{ role: "tool", content: "x" }], completions: ["a", "b"] })).toBe(
      'messages[0].role: expected one of "system", "user", "assistant", got "tool"',
    );
    expect(err({ prompt: "p", messages: [{ role: "user", content: "x" }], completions: ["a", "b"] })).toBe(
      'messages: give either "prompt" or "messages", not both',
    );
    expect(err({ prompt: "p", completions: ["a", "b"], completion: "c" })).toBe('unknown field "completion"');
    expect(err([1, 2])).toBe("expected a JSON object");
    expect(err("text")).toBe("expected a JSON object");
  });
});
