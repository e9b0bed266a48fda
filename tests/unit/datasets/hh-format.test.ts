import { describe, expect, it } from "vitest";
import { parseHhLine } from "@/lib/datasets/hh-format";
import { hhTranscript, parseHhTranscript } from "@/lib/datasets/hh-transcript";

const user = (content: string) => ({ role: "user" as const, content });
const assistant = (content: string) => ({ role: "assistant" as const, content });
const system = (content: string) => ({ role: "system" as const, content });

function record(v: unknown) {
  const r = parseHhLine(v);
  if ("error" in r) throw new Error(r.error);
  expect(r.records).toHaveLength(1);
  return r.records[0];
}
const err = (v: unknown) => {
  const r = parseHhLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("HH transcripts", () => {
  it("write each turn after its marker and a space, a system prompt before the first turn, and read back the same messages", () => {
    const messages = [system("Be brief."), user("Hi"), assistant("Hello!\n\nHow can I help?"), user(" two  spaces ")];
    const text = hhTranscript(messages, "Sure.");
    expect(text).toBe("Be brief.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHow can I help?\n\nHuman:  two  spaces \n\nAssistant: Sure.");
    expect(parseHhTranscript(text)).toEqual({ messages: [...messages, assistant("Sure.")] });
    expect(hhTranscript([user("Q")], "A")).toBe("\n\nHuman: Q\n\nAssistant: A");
  });
});

describe("the hh import format", () => {
  it("takes the prompt from what both transcripts share before their final Assistant turn, chosen ranked above rejected", () => {
    expect(record({ chosen: "\n\nHuman: Hi\n\nAssistant: Hello! How can I help?", rejected: "\n\nHuman: Hi\n\nAssistant: What." })).toEqual({
      messages: [user("Hi")],
      completions: [{ text: "Hello! How can I help?" }, { text: "What." }],
      ranking: [[0], [1]],
    });
  });

  it("turns earlier turns of a multi-turn transcript into user and assistant messages, and reads a first turn without the leading blank line", () => {
    const context = "Human: What is 2+2?\n\nAssistant: 4.\n\nHuman: And 3+3?";
    expect(record({ chosen: `${context}\n\nAssistant: 6.`, rejected: `${context}\n\nAssistant: 7.`, id: 3 })).toEqual({
      messages: [user("What is 2+2?"), assistant("4."), user("And 3+3?")],
      completions: [{ text: "6." }, { text: "7." }],
      ranking: [[0], [1]],
    });
  });

  it("names the field of each kind of bad line", () => {
    const ok = "\n\nHuman: Hi\n\nAssistant: Hello";
    expect(err("text")).toBe("expected a JSON object");
    expect(err({ rejected: ok })).toBe("chosen: missing field");
    expect(err({ chosen: ok })).toBe("rejected: missing field");
    expect(err({ chosen: [user("Hi")], rejected: ok })).toBe("chosen: expected a transcript string, got array");
    expect(err({ chosen: ok, rejected: "Hello there" })).toMatch(/^rejected: expected a transcript of .*found no turn$/);
    expect(err({ chosen: "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Thanks", rejected: ok })).toMatch(
      /^chosen: expected the transcript to end with an "\\n\\nAssistant:" turn/,
    );
    expect(err({ chosen: "\n\nAssistant: Hello", rejected: ok })).toMatch(/^chosen: expected a "\\n\\nHuman:" turn before the final Assistant turn$/);
    expect(err({ chosen: "\n\nHuman: Hi\n\nAssistant: Hello", rejected: "\n\nHuman: Hey\n\nAssistant: Hello" })).toMatch(
      /^chosen, rejected: the transcripts do not share a prefix ending in an Assistant turn/,
    );
    expect(err({ chosen: "\n\nHuman: Hi\n\nAssistant: A\n\nHuman: More\n\nAssistant: B", rejected: ok })).toMatch(
      /^chosen, rejected: the transcripts do not share a prefix ending in an Assistant turn/,
    );
  });
});
