import { describe, expect, it } from "vitest";
import type { ExportedRanking } from "@/lib/datasets/export-source";
import { rankingsRow } from "@/lib/datasets/rankings-writer";
import { trlConversationalRows, trlRows } from "@/lib/datasets/trl-writer";

const ranking: ExportedRanking = {
  id: 9,
  taskId: 4,
  promptId: 3,
  userId: 2,
  messages: [
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello" },
    { role: "user", content: "Sky?" },
  ],
  completions: [
    { id: 10, text: "blue", model: "m1" },
    { id: 11, text: "green", model: null },
    { id: 12, text: "azure", model: "m1" },
    { id: 13, text: "red", model: null },
  ],
  // blue ~ azure > green > red
  groups: [[10, 12], [11], [13]],
  noneAcceptable: false,
  flags: [{ completionId: 13, flag: "factually_wrong" }],
  answers: [
    { completionId: 10, questionKey: "quality", value: 6 },
    { completionId: 13, questionKey: "quality", value: 1 },
    { completionId: 13, questionKey: "issues", value: ["wrong", "short"] },
  ],
  comment: "red is wrong",
  secondsSpent: 12.5,
  source: "annotator",
  createdAt: 1700000000000,
};

const pairsOf = (rows: { chosen: unknown; rejected: unknown }[]) => rows.map((r) => `${JSON.stringify(r.chosen)}>${JSON.stringify(r.rejected)}`).sort();

describe("trl writers", () => {
  it("emit every pair of different groups for `all`, none for ties, with the ids", () => {
    const rows = trlRows(ranking, "all");
    expect(pairsOf(rows)).toEqual(['"azure">"green"', '"azure">"red"', '"blue">"green"', '"blue">"red"', '"green">"red"']);
    expect(rows.find((r) => r.chosen === "blue" && r.rejected === "green")).toEqual({
      prompt: "User: Hi\n\nAssistant: Hello\n\nUser: Sky?\n\nAssistant:",
      chosen: "blue",
      rejected: "green",
      prompt_id: 3,
      task_id: 4,
      ranking_id: 9,
    });
  });

  it("follow the pair modes", () => {
    expect(pairsOf(trlRows(ranking, "best-vs-rest"))).toEqual(['"azure">"green"', '"azure">"red"', '"blue">"green"', '"blue">"red"']);
    expect(pairsOf(trlRows(ranking, "adjacent"))).toEqual(['"azure">"green"', '"blue">"green"', '"green">"red"']);
    expect(trlRows({ ...ranking, groups: [[10, 11, 12, 13]] }, "all")).toEqual([]);
  });

  it("write the conversational form as TRL documents it", () => {
    const rows = trlConversationalRows(ranking, "adjacent");
    expect(rows.find((r) => r.chosen[0].content === "green")).toEqual({
      prompt: ranking.messages,
      chosen: [{ role: "assistant", content: "green" }],
      rejected: [{ role: "assistant", content: "red" }],
      prompt_id: 3,
      task_id: 4,
      ranking_id: 9,
    });
  });

  it("refuse a ranking that names a completion its task lacks", () => {
    expect(() => trlRows({ ...ranking, groups: [[10], [99]] }, "all")).toThrow(/ranking 9/);
  });
});

describe("rankings writer", () => {
  it("keeps the whole ranking: prompt, completions with their answers, groups, annotator, flags, comment, time", () => {
    expect(rankingsRow(ranking, "Ada")).toEqual({
      ranking_id: 9,
      task_id: 4,
      prompt_id: 3,
      prompt: ranking.messages,
      completions: [
        { id: 10, text: "blue", model: "m1", answers: { quality: 6 } },
        { id: 11, text: "green", model: null, answers: {} },
        { id: 12, text: "azure", model: "m1", answers: {} },
        { id: 13, text: "red", model: null, answers: { quality: 1, issues: ["wrong", "short"] } },
      ],
      groups: [[10, 12], [11], [13]],
      annotator_id: 2,
      annotator: "Ada",
      source: "annotator",
      flags: [{ completion_id: 13, flag: "factually_wrong" }],
      none_acceptable: false,
      comment: "red is wrong",
      seconds_spent: 12.5,
      created_at: 1700000000000,
      strength: null,
    });
    expect(rankingsRow({ ...ranking, strength: 2 }, "Ada").strength).toBe(2);
  });
});
