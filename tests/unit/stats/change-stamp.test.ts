// The project data version (migration 0011's triggers, lib/stats/change-stamp.ts) on a real SQLite
// file, with the statistics cache served from files and refreshed by the `project-stats` job as
// the worker's child runs it: every kind of write that can change a project's statistics — through
// lib/ or as raw SQL on a second connection (another process) — makes its cached statistics stale,
// so the next view queues one refresh; a write in another project, or one that changes nothing the
// statistics read, leaves them current. Users are global: a change of a name or role makes every
// project's stale.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { jobs, tasks, users } from "@/db/schema";
import { claimNextJob, getJob } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { expireAssignments, requestAssignment, skipAssignment } from "@/lib/labeling/assignment-store";
import type { ProjectStats } from "@/lib/labeling/project-stats";
import { editRanking } from "@/lib/labeling/ranking-edit";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { setQualityQuestions, writeAnswers } from "@/lib/labeling/questions-store";
import { createProject, updateProject } from "@/lib/projects";
import { setTaskGold, unpauseAnnotator } from "@/lib/quality/gold-store";
import { sendBack, setFinalRanking } from "@/lib/quality/review-store";
import { changeStamp } from "@/lib/stats/change-stamp";
import { PROJECT_STATS_JOB_KIND } from "@/lib/stats/job-params";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";
import { refreshStatistics } from "@/lib/stats/refresh-statistics";
import { serveStatistic, type ServeOptions } from "@/lib/stats/served-statistic";
import { statisticsCacheDir } from "@/lib/stats/statistics-cache";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { updateUser } from "@/lib/users";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
/** A second connection to the same file: what another process's raw SQL writes through. */
let other: Database.Database;
let dataDir: string;
let dir: string;
const envBefore = process.env.PALATE_DATA_DIR;
const a = { id: 0, tasks: [] as CreatedTask[] };
const b = { id: 0, tasks: [] as CreatedTask[] };
let reviewer: number;
let annotators: number[];
const now = Date.now();

/** Cache-only serving (no inline computing), no wait between refreshes. */
const options = (): ServeOptions => ({ dir, inlineMaxTasks: 0, minRefreshMs: 0 });
const view = (projectId: number) => serveStatistic<ProjectStats>(db, projectId, projectStatsStatistic, options())!;

function addTasks(project: { id: number; tasks: CreatedTask[] }, name: string, count: number) {
  for (let i = 0; i < count; i++)
    project.tasks.push(
      insertTask(db, project.id, {
        messages: [{ role: "user", content: `${name} question ${i}` }],
        completions: ["one", "two", "three"].map((text, k) => ({ text: `${name} ${text} ${i}`, model: `m${k}` })),
      }),
    );
}

const groupsOf = (task: CreatedTask, reverse = false) => {
  const ids = task.completionIds.map((id) => [id]);
  return reverse ? ids.reverse() : ids;
};

/** Runs every queued project-stats job to its end, as the worker's child process does; returns their ids. */
async function runQueuedJobs(): Promise<number[]> {
  const ran: number[] = [];
  for (let job = claimNextJob(db, process.pid, [PROJECT_STATS_JOB_KIND]); job; job = claimNextJob(db, process.pid, [PROJECT_STATS_JOB_KIND])) {
    expect(await runJob(db, job.id, { dataDir, heartbeatMs: 60_000 })).toBe("succeeded");
    ran.push(job.id);
  }
  return ran;
}

/** Both projects' cached statistics current, no job queued. */
async function settle() {
  await runQueuedJobs();
  for (const p of [a, b]) refreshStatistics(db, p.id, [projectStatsStatistic], { dir });
  for (const p of [a, b]) expect(view(p.id)).toMatchObject({ freshness: "current", jobId: null });
}

/** Expects the view of the project to be stale with one refresh job queued for it (a second view queues no other). */
function expectRefreshQueued(projectId: number) {
  const seen = view(projectId);
  expect(seen.freshness).toBe("refreshing");
  expect(getJob(db, seen.jobId!)).toMatchObject({ kind: PROJECT_STATS_JOB_KIND, projectId, status: "queued" });
  expect(view(projectId).jobId).toBe(seen.jobId);
}

beforeAll(() => {
  temp = tempDb();
  db = temp.db;
  other = new Database(temp.path);
  other.pragma("busy_timeout = 5000");
  other.pragma("foreign_keys = ON");
  dataDir = mkdtempSync(join(tmpdir(), "palate-stamp-"));
  process.env.PALATE_DATA_DIR = dataDir;
  dir = statisticsCacheDir();
  const userIds = ["reviewer", "x1", "x2", "x3", "x4"].map(
    (name) =>
      db
        .insert(users)
        .values({ email: `${name}@t.local`, name, role: name === "reviewer" ? "reviewer" : "annotator" })
        .returning()
        .get().id,
  );
  [reviewer, ...annotators] = userIds;
  a.id = createProject(db, { name: "alpha", completionsPerTask: 3, redundancy: 2 }).id;
  b.id = createProject(db, { name: "beta", completionsPerTask: 3, redundancy: 2 }).id;
  setQualityQuestions(db, a.id, [
    { kind: "rating", key: "helpful", prompt: "How helpful?", required: false, min: 1, max: 7, minLabel: "no", maxLabel: "very" },
  ]);
  addTasks(a, "alpha", 8);
  addTasks(b, "beta", 3);
  insertRanking(db, { taskId: a.tasks[0].taskId, userId: annotators[0], groups: groupsOf(a.tasks[0]) });
  insertRanking(db, { taskId: a.tasks[0].taskId, userId: annotators[1], groups: groupsOf(a.tasks[0], true) });
  insertRanking(db, { taskId: b.tasks[0].taskId, userId: annotators[0], groups: groupsOf(b.tasks[0]) });
});

afterAll(() => {
  if (envBefore === undefined) delete process.env.PALATE_DATA_DIR;
  else process.env.PALATE_DATA_DIR = envBefore;
  other.close();
  temp.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const rankingOf = (taskId: number, userId: number) =>
  other.prepare("SELECT id FROM rankings WHERE task_id = ? AND user_id = ?").pluck().get(taskId, userId) as number;

interface Change {
  name: string;
  /** Runs before the cache is brought up to date (what the change needs to exist). */
  prepare?: () => void | Promise<void>;
  change: () => void | Promise<void>;
  /** Which projects' statistics it changes ("both" for a user's). */
  affects: "a" | "b" | "both";
}

const changes: Change[] = [
  {
    name: "a new ranking",
    affects: "a",
    change: () => void insertRanking(db, { taskId: a.tasks[1].taskId, userId: annotators[0], groups: groupsOf(a.tasks[1]) }),
  },
  {
    name: "a ranking in the other project",
    affects: "b",
    change: () => void insertRanking(db, { taskId: b.tasks[1].taskId, userId: annotators[1], groups: groupsOf(b.tasks[1]) }),
  },
  { name: "a new task", affects: "a", change: () => addTasks(a, "alpha more", 1) },
  { name: "an assignment handed out", affects: "a", change: () => void requestAssignment(db, a.id, annotators[2], now) },
  {
    name: "an open assignment expiring",
    affects: "a",
    prepare: () => void requestAssignment(db, a.id, annotators[3], now),
    change: () => expect(expireAssignments(db, a.id, now + 48 * 3600_000)).toBeGreaterThan(0),
  },
  {
    name: "an open assignment skipped",
    affects: "a",
    prepare: () => void requestAssignment(db, a.id, annotators[3], now + 48 * 3600_000),
    change: () => {
      const held = other.prepare("SELECT task_id FROM assignments WHERE user_id = ? AND status = 'active'").pluck().get(annotators[3]) as number;
      expect(skipAssignment(db, held, annotators[3], "unclear", now + 48 * 3600_000 + 1)).toMatchObject({ ok: true });
    },
  },
  {
    name: "a ranking edited (a revision, new groups)",
    affects: "a",
    change: () =>
      expect(
        editRanking(db, a.tasks[0].taskId, annotators[0], { groups: groupsOf(a.tasks[0], true), noneAcceptable: false, flags: [], answers: [], comment: null }),
      ).toMatchObject({ ok: true }),
  },
  {
    name: "a ranking's answers written",
    affects: "a",
    change: () =>
      writeAnswers(db, rankingOf(a.tasks[0].taskId, annotators[1]), [{ completionId: a.tasks[0].completionIds[0], questionKey: "helpful", value: 5 }]),
  },
  {
    name: "a ranking's answer changed in place (another process)",
    affects: "a",
    change: () => expect(other.prepare("UPDATE ranking_answers SET value = '2'").run().changes).toBe(1),
  },
  {
    name: "a ranking flagged (another process)",
    affects: "a",
    change: () =>
      void other
        .prepare("INSERT INTO ranking_flags (ranking_id, completion_id, flag) VALUES (?, ?, 'harmful')")
        .run(rankingOf(a.tasks[0].taskId, annotators[1]), a.tasks[0].completionIds[1]),
  },
  { name: "a ranking's flags deleted (another process)", affects: "a", change: () => expect(other.prepare("DELETE FROM ranking_flags").run().changes).toBe(1) },
  {
    name: "a ranking's strength set in place (another process)",
    affects: "a",
    change: () => void other.prepare("UPDATE rankings SET strength = 1 WHERE id = ?").run(rankingOf(a.tasks[0].taskId, annotators[1])),
  },
  {
    name: "comparisons deleted by hand (another process)",
    affects: "a",
    change: () =>
      expect(other.prepare("DELETE FROM comparisons WHERE ranking_id = ?").run(rankingOf(a.tasks[1].taskId, annotators[0])).changes).toBeGreaterThan(0),
  },
  {
    name: "a ranking deleted (another process)",
    affects: "a",
    change: () => expect(other.prepare("DELETE FROM rankings WHERE id = ?").run(rankingOf(a.tasks[1].taskId, annotators[0])).changes).toBe(1),
  },
  {
    name: "a review decision (final ranking)",
    affects: "a",
    change: () =>
      expect(setFinalRanking(db, a.tasks[0].taskId, reviewer, { groups: groupsOf(a.tasks[0]), noneAcceptable: false, comment: null })).toMatchObject({
        ok: true,
      }),
  },
  {
    name: "a send-back for more rankings",
    affects: "a",
    change: () => expect(sendBack(db, a.tasks[0].taskId, reviewer, { addedRankings: 1, comment: "more" })).toMatchObject({ ok: true }),
  },
  { name: "a review deleted (another process)", affects: "a", change: () => expect(other.prepare("DELETE FROM task_reviews").run().changes).toBe(2) },
  { name: "a task marked gold", affects: "a", change: () => setTaskGold(db, a.tasks[2].taskId, { kind: "first", completionId: a.tasks[2].completionIds[0] }) },
  { name: "a gold reset (an unpause)", affects: "a", change: () => unpauseAnnotator(db, a.id, annotators[0], reviewer, now) },
  {
    name: "a gold reset moved (another process)",
    affects: "a",
    change: () => expect(other.prepare("UPDATE gold_resets SET reset_at = reset_at + 1").run().changes).toBe(1),
  },
  { name: "the gold share", affects: "a", change: () => void updateProject(db, a.id, { goldShare: 0.3 }) },
  { name: "the gold threshold", affects: "a", change: () => void updateProject(db, a.id, { goldAccuracyThreshold: 0.8 }) },
  { name: "the task order", affects: "a", change: () => void updateProject(db, a.id, { taskOrder: "disagreement" }) },
  { name: "the review threshold", affects: "a", change: () => void updateProject(db, a.id, { reviewAgreementThreshold: 0.5 }) },
  { name: "the guidelines", affects: "a", change: () => void updateProject(db, a.id, { guidelines: "Be careful." }) },
  {
    name: "a completion's model renamed in place (another process)",
    affects: "a",
    change: () => void other.prepare("UPDATE completions SET model = 'm9' WHERE id = ?").run(a.tasks[3].completionIds[0]),
  },
  {
    name: "a completion deleted (another process)",
    affects: "a",
    change: () => void other.prepare("DELETE FROM completions WHERE id = ?").run(a.tasks[3].completionIds[2]),
  },
  {
    name: "a prompt edited in place (another process)",
    affects: "a",
    change: () => void other.prepare("UPDATE prompts SET metadata = '{}' WHERE id = ?").run(a.tasks[3].promptId),
  },
  { name: "a task deleted", affects: "a", change: () => void db.delete(tasks).where(eq(tasks.id, a.tasks[4].taskId)).run() },
  { name: "an annotator renamed", affects: "both", change: async () => void (await updateUser(db, annotators[0], { name: "Renamed" })) },
  { name: "an annotator made a reviewer", affects: "both", change: async () => void (await updateUser(db, annotators[1], { role: "reviewer" })) },
  { name: "an annotator disabled", affects: "both", change: async () => void (await updateUser(db, annotators[3], { disabled: true })) },
  {
    name: "an email changed (another process)",
    affects: "both",
    change: () => void other.prepare("UPDATE users SET email = 'new@t.local' WHERE id = ?").run(annotators[0]),
  },
];

describe("the project data version", () => {
  it("every project has one, and a new project gets one", () => {
    const stampA = changeStamp(db, a.id);
    const stampB = changeStamp(db, b.id);
    expect(stampA).toMatch(new RegExp(`^${a.id}@[0-9]+$`));
    expect(stampB).toMatch(new RegExp(`^${b.id}@[0-9]+$`));
    expect(changeStamp(db, 999_999)).toBeUndefined();
  });

  it.each(changes)("$name makes the cached statistics stale and queues one refresh", async ({ prepare, change, affects }) => {
    await prepare?.();
    await settle();
    const before = { a: changeStamp(db, a.id), b: changeStamp(db, b.id) };
    await change();
    const after = { a: changeStamp(db, a.id), b: changeStamp(db, b.id) };
    for (const [key, project] of [
      ["a", a],
      ["b", b],
    ] as const) {
      if (affects === key || affects === "both") {
        expect(after[key]).not.toBe(before[key]);
        expectRefreshQueued(project.id);
      } else {
        expect(after[key]).toBe(before[key]);
        expect(view(project.id)).toMatchObject({ freshness: "current", jobId: null });
      }
    }
    // The refresh brings the figures to the data, and the views are current again.
    await runQueuedJobs();
    for (const p of [a, b]) {
      const served = view(p.id);
      expect(served).toMatchObject({ freshness: "current", jobId: null });
      expect(served.value).toEqual(projectStatsStatistic.compute(db, p.id));
    }
  });

  it("what the statistics do not read leaves them current: a password change, a job row, an assignment's clock", async () => {
    await requestAssignment(db, a.id, annotators[2], now + 96 * 3600_000);
    await settle();
    const before = changeStamp(db, a.id);
    await updateUser(db, annotators[2], { password: "a new password" });
    db.insert(jobs).values({ kind: "other", params: {} }).run();
    expect(other.prepare("UPDATE assignments SET expires_at = expires_at + 1000 WHERE status = 'active'").run().changes).toBeGreaterThan(0);
    expect(changeStamp(db, a.id)).toBe(before);
    for (const p of [a, b]) expect(view(p.id)).toMatchObject({ freshness: "current", jobId: null });
  });

  it("a write rolled back leaves the version as it was", async () => {
    await settle();
    const before = changeStamp(db, a.id);
    expect(() =>
      db.transaction((tx) => {
        insertRanking(tx, { taskId: a.tasks[5].taskId, userId: annotators[2], groups: groupsOf(a.tasks[5]) });
        throw new Error("changed my mind");
      }),
    ).toThrow("changed my mind");
    expect(changeStamp(db, a.id)).toBe(before);
    expect(view(a.id).freshness).toBe("current");
  });

  it("a project whose version row is gone is refreshed, and the refresh gives it one again", async () => {
    await settle();
    other.prepare("DELETE FROM project_versions WHERE project_id = ?").run(a.id);
    expect(changeStamp(db, a.id)).toMatch(/@unversioned/);
    expectRefreshQueued(a.id);
    await runQueuedJobs();
    expect(changeStamp(db, a.id)).toMatch(new RegExp(`^${a.id}@[0-9]+$`));
    expect(view(a.id)).toMatchObject({ freshness: "current", jobId: null });
  });

  it("a deleted project has no stamp and no version row", () => {
    const gamma = createProject(db, { name: "gamma" }).id;
    expect(changeStamp(db, gamma)).toBeDefined();
    other.prepare("DELETE FROM projects WHERE id = ?").run(gamma);
    expect(changeStamp(db, gamma)).toBeUndefined();
    expect(other.prepare("SELECT count(*) FROM project_versions WHERE project_id = ?").pluck().get(gamma)).toBe(0);
    expect(view(a.id).freshness).toBe("current");
  });
});
