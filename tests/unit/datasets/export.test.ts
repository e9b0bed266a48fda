import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users } from "@/db/schema";
import { exportFileName, exportLines, exportRows, exportStream } from "@/lib/datasets/export";
import { projectRankings } from "@/lib/datasets/export-source";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let project: number;
let other: number;
let annotator: number;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  annotator = db.insert(users).values({ email: "a@x", name: "A", role: "annotator" }).returning().get().id;
  project = createProject(db, { name: "Main" }).id;
  other = createProject(db, { name: "Other" }).id;
});
afterEach(() => temp.cleanup());

/** A task with completions named by `texts` and a ranking given as groups of those texts. */
function ranked(projectId: number, prompt: string, groups: string[][], extra: { noneAcceptable?: boolean; comment?: string } = {}) {
  const texts = groups.flat();
  const task = insertTask(db, projectId, { messages: [{ role: "user", content: prompt }], completions: texts.map((text) => ({ text })) });
  const id = (t: string) => task.completionIds[texts.indexOf(t)];
  return insertRanking(db, {
    taskId: task.taskId,
    userId: annotator,
    groups: groups.map((g) => g.map(id)),
    flags: [{ completionId: id(texts[texts.length - 1]), flag: "off_topic" }],
    secondsSpent: 3,
    ...extra,
  });
}

const triples = (rows: object[]) =>
  rows.map((r) => r as { prompt: string; chosen: string; rejected: string }).map((r) => `${r.prompt}|${r.chosen}>${r.rejected}`);

describe("export", () => {
  it("reads the project's rankings in id order across batches, and no other project's", () => {
    const ids = Array.from({ length: 7 }, (_, i) => ranked(project, `q${i}`, [["a"], ["b"]]));
    ranked(other, "elsewhere", [["a"], ["b"]]);
    expect([...projectRankings(db, project, { batchSize: 3 })].map((r) => r.id)).toEqual(ids);
    expect([...projectRankings(db, project, { batchSize: 7 })].map((r) => r.id)).toEqual(ids);
  });

  it("emits the pairs of each mode, skipping ties", () => {
    ranked(project, "Q", [["best"], ["mid1", "mid2"], ["worst"]]);
    expect(triples([...exportRows(db, project, { format: "trl" })]).sort()).toEqual(
      ["Q|best>mid1", "Q|best>mid2", "Q|best>worst", "Q|mid1>worst", "Q|mid2>worst"].sort(),
    );
    expect(triples([...exportRows(db, project, { format: "trl", pairs: "best-vs-rest" })]).sort()).toEqual(["Q|best>mid1", "Q|best>mid2", "Q|best>worst"]);
    expect(triples([...exportRows(db, project, { format: "trl", pairs: "adjacent" })]).sort()).toEqual([
      "Q|best>mid1",
      "Q|best>mid2",
      "Q|mid1>worst",
      "Q|mid2>worst",
    ]);
  });

  it("leaves out none-acceptable rankings unless asked, in every format", () => {
    const kept = ranked(project, "kept", [["a"], ["b"]]);
    const none = ranked(project, "none", [["a"], ["b"]], { noneAcceptable: true });
    for (const format of ["trl", "trl-conversational", "rankings"] as const) {
      expect([...exportRows(db, project, { format })].map((r) => (r as { ranking_id: number }).ranking_id)).toEqual([kept]);
      expect([...exportRows(db, project, { format, includeNoneAcceptable: true })].map((r) => (r as { ranking_id: number }).ranking_id)).toEqual([kept, none]);
    }
  });

  it("writes one rankings line per ranking with its flags and comment", () => {
    const id = ranked(project, "Q", [["a", "b"], ["c"]], { comment: "meh" });
    const [row] = [...exportRows(db, project, { format: "rankings" })] as Record<string, unknown>[];
    expect(row).toMatchObject({
      ranking_id: id,
      prompt: [{ role: "user", content: "Q" }],
      annotator_id: annotator,
      annotator: "A",
      source: "annotator",
      none_acceptable: false,
      comment: "meh",
      seconds_spent: 3,
    });
    const completions = row.completions as { id: number; text: string }[];
    expect(completions.map((c) => c.text)).toEqual(["a", "b", "c"]);
    expect(row.groups).toEqual([[completions[0].id, completions[1].id], [completions[2].id]]);
    expect(row.flags).toEqual([{ completion_id: completions[2].id, flag: "off_topic" }]);
  });

  it("streams the same bytes as the lines, and one JSON value per line", async () => {
    for (let i = 0; i < 150; i++) ranked(project, `question ${i} ${"x".repeat(200)}`, [["a"], ["b"], ["c"]]);
    const expected = [...exportLines(db, project, { format: "trl-conversational" })].join("");
    const streamed = await new Response(exportStream(db, project, { format: "trl-conversational" })).text();
    expect(streamed).toBe(expected);
    const lines = streamed.trimEnd().split("\n");
    expect(lines).toHaveLength(450);
    expect(JSON.parse(lines[0])).toMatchObject({ chosen: [{ role: "assistant", content: "a" }], rejected: [{ role: "assistant", content: "b" }] });
    expect(await new Response(exportStream(db, other, { format: "trl" })).text()).toBe("");
  });

  it("rejects unknown options and names download files safely", () => {
    expect(() => [...exportRows(db, project, { format: "csv" as "trl" })]).toThrow();
    expect(exportFileName("Demo: capitals, sums & words", { format: "trl", pairs: "adjacent" })).toBe("demo-capitals-sums-words-trl-adjacent.jsonl");
    expect(exportFileName("Ünïcode", { format: "rankings" })).toBe("unicode-rankings.jsonl");
    expect(exportFileName("!!!", { format: "trl-conversational" })).toBe("project-trl-conversational-all.jsonl");
  });
});
