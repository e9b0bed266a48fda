import { describe, expect, it } from "vitest";
import { parseTrlLine } from "@/lib/datasets/trl-format";

const user = (content: string) => ({ role: "user" as const, content });
const assistant = (content: string) => ({ role: "assistant" as const, content });

function record(v: unknown) {
  const r = parseTrlLine(v);
  if ("error" in r) throw new Error(r.error);
  expect(r.records).toHaveLength(1);
  return r.records[0];
}
const err = (v: unknown) => {
  const r = parseTrlLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("the trl import format", () => {
  it("reads standard rows as a user prompt, chosen then rejected, ranked chosen > rejected", () => {
    expect(record({ prompt: "The sky is", chosen: " blue.", rejected: " green.", score: 3 })).toEqual({
      messages: [user("The sky is")],
      completions: [{ text: " blue." }, { text: " green." }],
      ranking: [[0], [1]],
    });
  });

  it("reads conversational rows with an explicit prompt", () => {
    const system = { role: "system" as const, content: "Be nice." };
    expect(record({ prompt: [system, user("Sky?")], chosen: [assistant("Blue.")], rejected: [assistant("Green.")] })).toEqual({
      messages: [system, user("Sky?")],
      completions: [{ text: "Blue." }, { text: "Green." }],
      ranking: [[0], [1]],
    });
  });

  it("takes an implicit prompt from the messages chosen and rejected share", () => {
    const context = [user("Hi"), assistant("Hello!"), user("Sky?")];
    expect(record({ chosen: [...context, assistant("Blue.")], rejected: [...context, assistant("Green.")] })).toEqual({
      messages: context,
      completions: [{ text: "Blue." }, { text: "Green." }],
      ranking: [[0], [1]],
    });
  });

  it("names the field of every kind of mistake", () => {
    expect(err({ prompt: "p", chosen: "a" })).toBe("rejected: missing field");
    expect(err({ prompt: "p", rejected: "a" })).toBe("chosen: missing field");
    expect(err({ chosen: "a", rejected: "b" })).toBe("prompt: missing field (implicit prompts are read from conversational rows only)");
    expect(err({ prompt: 1, chosen: "a", rejected: "b" })).toBe("prompt: expected string, got number");
    expect(err({ prompt: "p", chosen: "a", rejected: null })).toBe("rejected: expected string, got null");
    expect(err({ prompt: "", chosen: "a", rejected: "b" })).toBe("prompt: expected a non-empty string");
    expect(err({ prompt: [user("q")], chosen: [assistant("a")], rejected: "b" })).toBe("rejected: expected a list of messages like chosen, got string");
    expect(err({ prompt: [], chosen: [assistant("a")], rejected: [assistant("b")] })).toBe("prompt: expected at least one message");
    expect(err({ prompt: [user("q")], chosen: [assistant("a"), assistant("b")], rejected: [assistant("b")] })).toBe(
      "chosen: expected exactly one assistant message, got 2 messages",
    );
    expect(err({ prompt: [user("q")], chosen: [assistant("a")], rejected: [user("b")] })).toBe('rejected[0].role: expected "assistant", got "user"');
    expect(err({ prompt: [user("q")], chosen: [{ role: "assistant" }], rejected: [assistant("b")] })).toBe("chosen[0].content: missing field");
    expect(err({ chosen: [user("a"), assistant("x")], rejected: [user("b"), assistant("y")] })).toMatch(/^prompt: missing field/);
    expect(err({ chosen: [user("a"), assistant("x")], rejected: [user("a"), assistant("x")] })).toBe(
      "prompt: missing field, and chosen and rejected are the same conversation",
    );
    expect(err({ chosen: [user("a"), assistant("x")], rejected: [user("a"), assistant("x"), user("more"), assistant("y")] })).toBe(
      "chosen (after the shared prompt): expected exactly one assistant message, got 0 messages",
    );
    expect(err([])).toBe("expected a JSON object");
  });
});
