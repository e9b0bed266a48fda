import { describe, expect, it } from "vitest";
import { ImportValidator } from "@/lib/datasets/import";
import { parseImportLine } from "@/lib/datasets/import-formats";
import { MAX_REPLY_DEPTH, parseOasstLine } from "@/lib/datasets/oasst-format";

interface M {
  message_id: string;
  text: string;
  role: "prompter" | "assistant";
  rank?: number | null;
  deleted?: boolean;
  synthetic?: boolean;
  model_name?: string;
  replies?: M[];
}
let n = 0;
const prompter = (text: string, replies: M[] = [], extra: Partial<M> = {}): M => ({ message_id: `p${++n}`, text, role: "prompter", replies, ...extra });
const assistant = (text: string, rank: number | null | undefined, replies: M[] = [], extra: Partial<M> = {}): M => ({
  message_id: `a${++n}`,
  text,
  role: "assistant",
  ...(rank === undefined ? {} : { rank }),
  replies,
  ...extra,
});

function records(tree: M) {
  const r = parseOasstLine({ message_tree_id: "t1", tree_state: "ready_for_export", prompt: tree });
  if ("error" in r) throw new Error(r.error);
  return r.records;
}
const err = (v: unknown) => {
  const r = parseOasstLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("the oasst import format", () => {
  it("turns each prompter message with two or more ranked replies into a task with its conversation and ranking", () => {
    const tree = prompter("Q1", [
      assistant("A-second", 1, [prompter("Q2", [assistant("B-best", 0), assistant("B-worst", 2), assistant("B-mid", 1)])]),
      assistant("A-best", 0, [], { synthetic: true, model_name: "chip20b" }),
    ]);
    const out = records(tree);
    expect(out).toHaveLength(2);
    expect(out[0].messages).toEqual([{ role: "user", content: "Q1" }]);
    expect(out[0].completions.map((c) => c.text)).toEqual(["A-second", "A-best"]); // the tree's order
    expect(out[0].ranking).toEqual([[1], [0]]);
    expect(out[0].completions[1]).toMatchObject({ model: "chip20b", metadata: { synthetic: true, rank: 0 } });
    expect(out[0].promptMetadata).toMatchObject({ source: "oasst", message_tree_id: "t1" });
    expect(out[1].messages).toEqual([
      { role: "user", content: "Q1" },
      { role: "assistant", content: "A-second" },
      { role: "user", content: "Q2" },
    ]);
    expect(out[1].completions.map((c) => c.text)).toEqual(["B-best", "B-worst", "B-mid"]);
    expect(out[1].ranking).toEqual([[0], [2], [1]]);
  });

  it("leaves out unranked replies, and the task when fewer than two ranked replies remain; walks their subtrees", () => {
    const tree = prompter("Q", [
      assistant("ranked0", 0),
      assistant("unranked", null, [prompter("Q-below", [assistant("x", 0), assistant("y", 1)])]),
      assistant("ranked1", 1),
      assistant("missing-rank", undefined),
    ]);
    const out = records(tree);
    expect(out).toHaveLength(2);
    expect(out[0].completions.map((c) => c.text)).toEqual(["ranked0", "ranked1"]);
    expect(out[1].messages.map((m) => m.content)).toEqual(["Q", "unranked", "Q-below"]);
    expect(records(prompter("Q", [assistant("a", 0), assistant("b", null)]))).toEqual([]);
    expect(records(prompter("Q", [assistant("only", 0)]))).toEqual([]);
  });

  it("leaves out deleted messages with their subtrees", () => {
    const tree = prompter("Q", [
      assistant("a", 0),
      assistant("gone", 1, [prompter("Q2", [assistant("x", 0), assistant("y", 1)])], { deleted: true }),
      assistant("c", 2),
    ]);
    const out = records(tree);
    expect(out).toHaveLength(1);
    expect(out[0].completions.map((c) => c.text)).toEqual(["a", "c"]);
    expect(out[0].ranking).toEqual([[0], [1]]);
    expect(records(prompter("Q", [assistant("a", 0), assistant("b", 1)], { deleted: true }))).toEqual([]);
  });

  it("treats equal ranks as a tie", () => {
    expect(records(prompter("Q", [assistant("a", 1), assistant("b", 0), assistant("c", 1)]))[0].ranking).toEqual([[1], [0, 2]]);
  });

  it("names the field of a malformed tree", () => {
    expect(err({})).toBe("prompt: missing field");
    expect(err([])).toBe("expected a JSON object");
    expect(err({ prompt: { message_id: "x", role: "prompter" } })).toBe("prompt.text: missing field");
    expect(err({ prompt: prompter("Q", [{ ...assistant("a", 0), text: 5 } as unknown as M]) })).toBe("prompt.replies[0].text: expected string, got number");
    expect(err({ prompt: prompter("Q", [assistant("a", -1)]) })).toMatch(/^prompt\.replies\[0\]\.rank: /);
    expect(err({ prompt: prompter("Q", [assistant("a", 0, [assistant("b", 0)])]) })).toBe(
      "prompt.replies[0].replies[0].role: a assistant message's replies must be prompter messages",
    );
    expect(err({ prompt: assistant("a", 0) })).toBe('prompt.role: a tree starts with a prompter message, got "assistant"');
  });

  it("gives a line error, not a stack overflow, for replies nested deeper than the limit", () => {
    // 100k levels of replies as one JSONL line: JSON.parse reads it, the schema would recurse past the stack.
    const levels = 100_000;
    const text = `{"message_tree_id":"deep","prompt":${'{"message_id":"m","text":"t","role":"prompter","replies":['.repeat(levels)}${"]}".repeat(levels)}}`;
    expect(JSON.parse(text)).toBeTypeOf("object");
    expect(parseImportLine("oasst", { line: 7, text })).toEqual({ error: `prompt: replies nested deeper than ${MAX_REPLY_DEPTH} levels` });
    // Through the import's first pass: the line is named, the line before it is fine.
    const validator = new ImportValidator("oasst");
    validator.check({ line: 1, text: JSON.stringify({ prompt: prompter("Q", [assistant("a", 0), assistant("b", 1)]) }) });
    validator.check({ line: 2, text });
    expect(validator.errors).toEqual([{ line: 2, message: `prompt: replies nested deeper than ${MAX_REPLY_DEPTH} levels` }]);
    expect(validator.tasks).toBe(1);
  });

  it("reads a conversation exactly at the depth limit and refuses one level more", () => {
    const chain = (depth: number): M => {
      let message: M = depth % 2 === 0 ? prompter("leaf") : assistant("leaf", 0);
      for (let d = depth - 1; d >= 0; d--) message = d % 2 === 0 ? prompter(`q${d}`, [message]) : assistant(`a${d}`, 0, [message]);
      return message;
    };
    expect(() => records(chain(MAX_REPLY_DEPTH))).not.toThrow();
    expect(err({ prompt: chain(MAX_REPLY_DEPTH + 1) })).toBe(`prompt: replies nested deeper than ${MAX_REPLY_DEPTH} levels`);
  });
});
