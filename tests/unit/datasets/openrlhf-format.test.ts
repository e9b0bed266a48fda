import { describe, expect, it } from "vitest";
import { parseOpenRlhfLine } from "@/lib/datasets/openrlhf-format";

const user = (content: string) => ({ role: "user" as const, content });
const assistant = (content: string) => ({ role: "assistant" as const, content });

function record(v: unknown) {
  const r = parseOpenRlhfLine(v);
  if ("error" in r) throw new Error(r.error);
  expect(r.records).toHaveLength(1);
  return r.records[0];
}
const err = (v: unknown) => {
  const r = parseOpenRlhfLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("the openrlhf import format", () => {
  it("reads whole conversations (OpenRLHF's default keys, no prompt key): the shared messages are the prompt; a margin goes to the prompt's metadata and the ranking's strength", () => {
    expect(record({ chosen: [user("Sky?"), assistant("Blue.")], rejected: [user("Sky?"), assistant("Green.")], margin: 0.5 })).toEqual({
      messages: [user("Sky?")],
      completions: [{ text: "Blue." }, { text: "Green." }],
      ranking: [[0], [1]],
      promptMetadata: { margin: 0.5 },
      strength: 0.5,
    });
  });

  it("reads a prompt or input key, strings or messages, and rejected spelled reject", () => {
    expect(record({ input: "The sky is", chosen: " blue.", reject: " green." })).toEqual({
      messages: [user("The sky is")],
      completions: [{ text: " blue." }, { text: " green." }],
      ranking: [[0], [1]],
    });
    expect(record({ prompt: [user("Sky?")], chosen: [assistant("Blue.")], rejected: [assistant("Green.")], margin: null }).completions).toEqual([
      { text: "Blue." },
      { text: "Green." },
    ]);
  });

  it("names the field of each kind of bad line, as the row spells it", () => {
    expect(err(["x"])).toBe("expected a JSON object");
    expect(err({ prompt: "p", input: "p", chosen: "a", rejected: "b" })).toBe('input: give either "prompt" or "input", not both');
    expect(err({ prompt: "p", chosen: "a", rejected: "b", reject: "c" })).toBe('reject: give either "rejected" or "reject", not both');
    expect(err({ prompt: "p", chosen: "a", rejected: "b", margin: "big" })).toBe("margin: expected a number, got string");
    expect(err({ input: "p", chosen: "a" })).toBe("rejected: missing field");
    expect(err({ input: "", chosen: "a", reject: "b" })).toBe("input: expected a non-empty string");
    expect(err({ input: 3, chosen: "a", reject: "b" })).toMatch(/^input: expected string/);
    expect(err({ chosen: "a", rejected: "b" })).toMatch(/^prompt: missing field/);
    expect(err({ chosen: [user("Q"), assistant("A")], reject: [user("Other"), assistant("B")] })).toMatch(
      /^prompt: missing field, and chosen and rejected share no leading messages/,
    );
  });
});
