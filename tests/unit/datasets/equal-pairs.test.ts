// A ranking of a task whose completions repeat a text (imported, or generated before K
// distinct completions) implies pairs of equal texts: the exports never write them, the
// CLI's summary counts them, and the reward model's training set drops them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users } from "@/db/schema";
import { exportLines, exportRows } from "@/lib/datasets/export";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { loadTrainingSet } from "@/lib/reward/training-set";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";
import { palateInProcess } from "@/tests/helpers/cli";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let project: number;
let annotator: number;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  annotator = db.insert(users).values({ email: "a@x", name: "A", role: "annotator" }).returning().get().id;
  project = createProject(db, { name: "Dupes" }).id;
});
afterEach(() => temp.cleanup());

/** A task with these completion texts, ranked as groups of their positions (best first). */
function ranked(prompt: string, texts: string[], groups: number[][]) {
  const task = insertTask(db, project, { messages: [{ role: "user", content: prompt }], completions: texts.map((text) => ({ text })) });
  insertRanking(db, { taskId: task.taskId, userId: annotator, groups: groups.map((g) => g.map((i) => task.completionIds[i])), flags: [], secondsSpent: 2 });
}

describe("pairs of equal texts", () => {
  beforeEach(() => {
    // "Paris." three times (once with other whitespace), ranked apart; "Lyon." last.
    ranked("Capital of France?", ["Paris.", "Lyon.", " Paris.\n", "Paris."], [[0], [2], [3], [1]]);
    // Every completion the same: no pair at all.
    ranked("Say hi.", ["hi", "hi", "hi "], [[0], [1], [2]]);
    // Distinct texts: untouched.
    ranked("2 + 2?", ["4.", "5."], [[0], [1]]);
  });

  it.each(["all", "best-vs-rest", "adjacent"] as const)("are never exported in the trl formats (%s), and are counted", (pairs) => {
    for (const format of ["trl", "trl-conversational"] as const) {
      const stats = { equalPairsSkipped: 0 };
      const rows = [...exportRows(db, project, { format, pairs }, stats)] as {
        chosen: string | { content: string }[];
        rejected: string | { content: string }[];
      }[];
      const text = (v: string | { content: string }[]) => (typeof v === "string" ? v : v[0].content).trim();
      for (const r of rows) expect(text(r.chosen)).not.toBe(text(r.rejected));
      const expected = { all: { rows: 3 + 1, skipped: 3 + 3 }, "best-vs-rest": { rows: 1 + 1, skipped: 2 + 2 }, adjacent: { rows: 1 + 1, skipped: 2 + 2 } }[
        pairs
      ];
      expect(rows).toHaveLength(expected.rows);
      expect(stats.equalPairsSkipped).toBe(expected.skipped);
    }
  });

  it("the rankings format keeps the whole ranking", () => {
    expect([...exportLines(db, project, { format: "rankings" })]).toHaveLength(3);
  });

  it("palate export says how many pairs it skipped", async () => {
    const out = join(temp.dir, "pairs.jsonl");
    const run = await palateInProcess(temp.path, ["export", "--project", "Dupes", "--format", "trl", "--out", out]);
    expect(run.status).toBe(0);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(4);
    expect(run.stderr).toContain(`Wrote 4 rows to ${out} (6 pairs skipped: chosen and rejected texts equal).`);
  });

  it("are left out of the reward model's training set, and a task with no pair left gives no example", () => {
    const set = loadTrainingSet(db, project);
    expect(set.examples.map((e) => e.prompt[0].content)).toEqual(["Capital of France?", "2 + 2?"]);
    const [paris] = set.examples;
    // Positions 0, 2, 3 are one text: only their pairs against "Lyon." (index 1) remain.
    expect(paris.preferences).toEqual([
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(set.equalPairsSkipped).toBe(3 + 3);
    expect(set.comparisons).toBe(3 + 1);
    expect(set.rankings).toBe(2);
  });
});
