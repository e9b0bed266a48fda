import { describe, expect, it } from "vitest";
import { parseRankingsLine } from "@/lib/datasets/rankings-format";

const user = (content: string) => ({ role: "user" as const, content });

const line = {
  prompt: "What is 2+2?",
  completions: [
    { id: 11, text: "4", model: "sft" },
    { id: 12, text: "5" },
    { id: 13, text: "four", model: null },
  ],
  groups: [[13, 11], [12]],
  annotator: "Ada",
};

function record(v: unknown) {
  const r = parseRankingsLine(v);
  if ("error" in r) throw new Error(r.error);
  expect(r.records).toHaveLength(1);
  return r.records[0];
}
const err = (v: unknown) => {
  const r = parseRankingsLine(v);
  if (!("error" in r)) throw new Error("expected an error");
  return r.error;
};

describe("the rankings import format", () => {
  it("reads a minimal line: prompt, completions, groups (ties shared) and annotator, as one annotator's ranking of a shared task", () => {
    expect(record(line)).toEqual({
      messages: [user("What is 2+2?")],
      completions: [
        { text: "4", model: "sft" },
        { text: "5", model: null },
        { text: "four", model: null },
      ],
      ranking: [[2, 0], [1]],
      rankedBy: { annotator: "Ada", noneAcceptable: false, comment: null, secondsSpent: null, createdAt: null, flags: [] },
      sharedTask: true,
    });
  });

  it("reads everything the export writes: messages, string ids, none acceptable, comment, time, flags, answers and the exporting database's ids", () => {
    const r = record({
      ranking_id: 7,
      task_id: 3,
      prompt_id: 3,
      prompt: [{ role: "system", content: "Be brief." }, user("Hi")],
      completions: [
        { id: "a", text: "Hello", model: "m", answers: { quality: 6 } },
        { id: "b", text: "Yo", model: null, answers: {} },
      ],
      groups: [["b"], ["a"]],
      annotator_id: 4,
      annotator: "Bo (#4)",
      source: "annotator",
      flags: [{ completion_id: "a", flag: "off_topic" }],
      none_acceptable: true,
      comment: "both meh",
      seconds_spent: 41.5,
      created_at: 1795872798425,
      some_later_key: { ignored: true },
    });
    expect(r.messages).toEqual([{ role: "system", content: "Be brief." }, user("Hi")]);
    expect(r.ranking).toEqual([[1], [0]]);
    expect(r.rankedBy).toEqual({
      annotator: "Bo (#4)",
      noneAcceptable: true,
      comment: "both meh",
      secondsSpent: 41.5,
      createdAt: 1795872798425,
      flags: [{ completion: 0, flag: "off_topic" }],
    });
  });

  it("names the field of each kind of bad line", () => {
    const without = (key: string) => Object.fromEntries(Object.entries(line).filter(([k]) => k !== key));
    expect(err([line])).toBe("expected a JSON object");
    expect(err(without("prompt"))).toBe("prompt: missing field");
    expect(err({ ...line, prompt: "" })).toBe("prompt: expected a non-empty string");
    expect(err({ ...line, prompt: 42 })).toBe("prompt: expected a string or a list of messages, got 42");
    expect(err({ ...line, prompt: [] })).toBe("prompt: expected at least one message");
    expect(err({ ...line, prompt: [{ role: "robot", content: "x" }] })).toMatch(
      /^prompt\[0\]\.role: expected one of "system", "user", "assistant", got "robot"$/,
    );
    expect(err(without("completions"))).toBe("completions: missing field");
    expect(err({ ...line, completions: [line.completions[0]], groups: [[11]] })).toBe("completions: expected at least 2 completions");
    expect(err({ ...line, completions: [line.completions[0], { id: 12 }] })).toBe("completions[1].text: missing field");
    expect(err({ ...line, completions: [...line.completions, { id: 1.5, text: "x" }] })).toMatch(/^completions\[3\]\.id: /);
    expect(err({ ...line, completions: [...line.completions, { id: 11, text: "again" }] })).toBe("completions[3].id: 11 is the id of completions[0] too");
    expect(err(without("groups"))).toBe("groups: missing field");
    expect(err({ ...line, groups: [[13, 11], []] })).toBe("groups[1]: expected a non-empty group");
    expect(err({ ...line, groups: [[13, 11], [99]] })).toBe("groups[1][0]: 99 is not the id of any of the completions");
    expect(
      err({
        ...line,
        groups: [
          [13, 11],
          [12, 11],
        ],
      }),
    ).toBe("groups[1][1]: 11 is ranked twice (also at groups[0][1])");
    expect(err({ ...line, groups: [[13, 11]] })).toBe("groups: completion 12 (completions[1]) is in no group");
    expect(err({ ...line, groups: [["13"], [11, 12]] })).toBe('groups[0][0]: "13" is not the id of any of the completions');
    expect(err(without("annotator"))).toBe("annotator: missing field");
    expect(err({ ...line, annotator: "  " })).toBe("annotator: expected a non-empty name");
    expect(err({ ...line, annotator: "x".repeat(201) })).toBe("annotator: expected at most 200 characters");
    expect(err({ ...line, annotator: 4 })).toBe("annotator: expected string, got number");
    expect(err({ ...line, none_acceptable: "yes" })).toBe("none_acceptable: expected boolean, got string");
    // A strength belongs to a pairwise answer: two completions, apart (1, 2) or tied (0).
    const pair = { ...line, completions: line.completions.slice(0, 2), groups: [[11], [12]] };
    expect(record({ ...pair, strength: 2 }).strength).toBe(2);
    expect(record({ ...pair, groups: [[11, 12]], strength: 0 }).strength).toBe(0);
    expect(record({ ...pair, strength: null }).strength).toBeUndefined();
    expect(err({ ...pair, strength: 3 })).toBe("strength: expected 0, 1 or 2");
    expect(err({ ...pair, strength: 1.5 })).toBe("strength: expected 0, 1 or 2");
    expect(err({ ...line, strength: 1 })).toBe("strength: a strength belongs to a pairwise answer of 2 completions, this line has 3");
    expect(err({ ...pair, groups: [[11, 12]], strength: 1 })).toBe("strength: 1 says one completion is better, but groups ties them");
    expect(err({ ...pair, strength: 0 })).toBe("strength: 0 says the two are tied (or both bad), but groups orders them");
    expect(err({ ...line, seconds_spent: -1 })).toBe("seconds_spent: expected a number >= 0");
    expect(err({ ...line, created_at: 1.5 })).toMatch(/^created_at: /);
    expect(err({ ...line, flags: [{ completion_id: 11, flag: "rude" }] })).toMatch(/^flags\[0\]\.flag: expected one of "harmful", /);
    expect(err({ ...line, flags: [{ completion_id: 14, flag: "harmful" }] })).toBe("flags[0].completion_id: 14 is not the id of any of the completions");
    expect(err({ ...line, source: "robot" })).toMatch(/^source: expected one of "annotator", "imported"/);
    expect(err({ ...line, ranking_id: "7" })).toBe("ranking_id: expected number, got string");
  });
});
