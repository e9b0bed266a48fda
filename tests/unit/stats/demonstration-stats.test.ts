// The demonstrations section of a project's statistics (lib/demonstrations/demonstration-stats.ts)
// on a real SQLite file: counts by state (draft, awaiting review, accepted, rejected) overall and per
// annotator, answer lengths in characters, prompts with an accepted demonstration; and its cached
// entry (statistics-cache.ts) goes stale when demonstrations change — a draft's first save, a
// submit, a review, an import — while a draft's autosave leaves it current.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { demonstrations, users } from "@/db/schema";
import { importSftFile } from "@/lib/datasets/sft-import";
import { reviewDemonstration } from "@/lib/demonstrations/demonstration-review";
import { demonstrationStats, lengthSummary, showsDemonstrations, type DemonstrationStats } from "@/lib/demonstrations/demonstration-stats";
import { requestDemonstrationTask, saveDemonstrationDraft, submitDemonstration } from "@/lib/demonstrations/demonstration-store";
import { createProject } from "@/lib/projects";
import { demonstrationStatsStatistic, PROJECT_STATISTICS } from "@/lib/stats/project-statistics";
import { refreshStatistics } from "@/lib/stats/refresh-statistics";
import { serveStatistic } from "@/lib/stats/served-statistic";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let cache: string;
let projectId: number;
let tasks: CreatedTask[];
let ann: number[];
let reviewer: number;

const user = (email: string, role: "annotator" | "reviewer") => db.insert(users).values({ email, name: email, role }).returning().get().id;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  cache = mkdtempSync(join(tmpdir(), "palate-demo-stats-"));
  projectId = createProject(db, { name: "demos", mode: "demonstration", redundancy: 3 }).id;
  tasks = [0, 1, 2, 3].map((i) => insertTask(db, projectId, { messages: [{ role: "user", content: `Prompt ${i}?` }], completions: [] }));
  ann = ["a1@t.local", "a2@t.local", "a3@t.local"].map((e) => user(e, "annotator"));
  reviewer = user("rev@t.local", "reviewer");
});
afterEach(() => {
  temp.cleanup();
  rmSync(cache, { recursive: true, force: true });
});

/** A demonstration row as the store writes it (submitted ones count in the task's load, by trigger). */
function put(task: number, userId: number, text: string, status: "draft" | "submitted", review: "pending" | "accepted" | "rejected" = "pending") {
  return db
    .insert(demonstrations)
    .values({ taskId: tasks[task].taskId, userId, text, status, review, submittedAt: status === "submitted" ? 1 : null })
    .returning()
    .get().id;
}

describe("demonstration statistics", () => {
  it("count drafts, awaiting review, accepted and rejected, overall and per annotator, with lengths and prompts covered", () => {
    put(0, ann[0], "aaaa", "submitted", "accepted");
    put(1, ann[0], "bbbbbbbb", "submitted", "rejected");
    put(2, ann[0], "unfinished", "draft");
    put(0, ann[1], "cc😀", "submitted"); // 3 characters (the emoji is one code point, two UTF-16 units)
    put(1, ann[1], "dddddddddd", "submitted", "accepted");
    put(0, ann[2], "half", "draft");

    const stats = demonstrationStats(db, projectId)!;
    expect(stats.counts).toEqual({ draft: 2, submitted: 4, pending: 1, accepted: 2, rejected: 1, imported: 0 });
    expect(stats.annotators).toEqual([
      { userId: ann[0], email: "a1@t.local", name: "a1@t.local", submitted: 2, accepted: 1, rejected: 1, pending: 0, draft: 1 },
      { userId: ann[1], email: "a2@t.local", name: "a2@t.local", submitted: 2, accepted: 1, rejected: 0, pending: 1, draft: 0 },
      { userId: ann[2], email: "a3@t.local", name: "a3@t.local", submitted: 0, accepted: 0, rejected: 0, pending: 0, draft: 1 },
    ]);
    // Submitted lengths 3, 4, 8, 10: median 6, p90 at position 2.7 → 8 + 0.7 × 2.
    expect(stats.length.median).toBe(6);
    expect(stats.length.p90).toBeCloseTo(9.4, 10);
    // Prompts 0 and 1 have an accepted one; prompt 0 also a pending one; prompts 2 and 3 only a draft or nothing.
    expect(stats.prompts).toEqual({ total: 4, withAccepted: 2, withUsable: 2 });
    expect(showsDemonstrations("demonstration", stats)).toBe(true);
  });

  it("give zeros and no lengths for a project without demonstrations, and nothing for a missing project", () => {
    const ranking = createProject(db, { name: "rankings only" });
    const stats = demonstrationStats(db, ranking.id)!;
    expect(stats).toEqual({
      counts: { draft: 0, submitted: 0, pending: 0, accepted: 0, rejected: 0, imported: 0 },
      annotators: [],
      length: { median: null, p90: null },
      prompts: { total: 0, withAccepted: 0, withUsable: 0 },
    } satisfies DemonstrationStats);
    expect(showsDemonstrations(ranking.mode, stats)).toBe(false);
    expect(showsDemonstrations("demonstration", stats)).toBe(true);
    expect(demonstrationStats(db, 999_999)).toBeUndefined();
    expect(lengthSummary([5])).toEqual({ median: 5, p90: 5 });
  });

  it("are refreshed by the project-stats job and go stale when demonstrations change, not on a draft's autosave", () => {
    expect(PROJECT_STATISTICS).toContain(demonstrationStatsStatistic);
    const view = () => serveStatistic<DemonstrationStats>(db, projectId, demonstrationStatsStatistic, { dir: cache, inlineMaxTasks: 0, minRefreshMs: 60_000 })!;
    const refresh = () => refreshStatistics(db, projectId, [demonstrationStatsStatistic], { dir: cache });
    const T0 = Date.now();
    const taskId = requestDemonstrationTask(db, projectId, ann[0], T0)!.assignment.taskId;
    refresh();
    expect(view()).toMatchObject({ freshness: "current", value: { counts: { draft: 0 } } });

    saveDemonstrationDraft(db, taskId, ann[0], "first words", T0 + 1);
    expect(view().freshness).not.toBe("current");
    expect(refresh().computed).toEqual(["demonstrations"]);
    expect(view()).toMatchObject({ freshness: "current", value: { counts: { draft: 1 } } });

    saveDemonstrationDraft(db, taskId, ann[0], "first words, and more", T0 + 2);
    expect(view().freshness).toBe("current");

    const submitted = submitDemonstration(db, taskId, ann[0], "the answer", T0 + 3);
    if (!submitted.ok) throw new Error(submitted.error);
    expect(view().freshness).not.toBe("current");
    refresh();
    expect(view().value!.counts).toMatchObject({ draft: 0, pending: 1 });

    expect(reviewDemonstration(db, projectId, submitted.demonstration.id, reviewer, { decision: "accepted" }).ok).toBe(true);
    expect(view().freshness).not.toBe("current");
    refresh();
    expect(view().value).toMatchObject({ counts: { pending: 0, accepted: 1 }, prompts: { withAccepted: 1 } });

    const file = join(cache, "more.jsonl");
    writeFileSync(
      file,
      JSON.stringify({
        messages: [
          { role: "user", content: "New?" },
          { role: "assistant", content: "Yes." },
        ],
      }) + "\n",
    );
    importSftFile(db, file, { projectId });
    expect(view().freshness).not.toBe("current");
    refresh();
    expect(view().value).toMatchObject({ counts: { submitted: 2, imported: 1, pending: 1 }, prompts: { total: 5 } });
  });
});
