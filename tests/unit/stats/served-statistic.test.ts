// The statistics cache on a real SQLite file and a real cache folder, with the `project-stats` job
// run by the job runner (lib/jobs/run-job.ts) as the worker's child would: a large project (here:
// an inline threshold of 0 tasks) is served from the cache with when it was computed, a new ranking
// queues one refresh (never two), the job brings the figures up to date, a change in another
// project leaves this one current (no job), a refresh of unchanged data only checks it, and no
// project is ever served another's figures.
import { mkdtempSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { jobs, users } from "@/db/schema";
import { claimNextJob, getJob } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { projectStats, type ProjectStats } from "@/lib/labeling/project-stats";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { PROJECT_STATS_JOB_KIND } from "@/lib/stats/job-params";
import { agreementStatistic, leaderboardStatistic, PROJECT_STATISTICS, projectStatsStatistic, roundsStatistic } from "@/lib/stats/project-statistics";
import { roundsTable, withRoundModels } from "@/lib/rounds/rounds";
import { requestRefresh, serveStatistic, type ServeOptions } from "@/lib/stats/served-statistic";
import { readStatistic, statisticsCacheDir } from "@/lib/stats/statistics-cache";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let dataDir: string;
let dir: string;
const a: { id: number; tasks: CreatedTask[] } = { id: 0, tasks: [] };
const b: { id: number; tasks: CreatedTask[] } = { id: 0, tasks: [] };
let annotators: number[];
const envBefore = process.env.PALATE_DATA_DIR;

/** Cache-only serving (no inline computing), no wait between refreshes. */
const options = (): ServeOptions => ({ dir, inlineMaxTasks: 0, minRefreshMs: 0 });

function rank(task: CreatedTask, userId: number, reverse = false) {
  const ids = task.completionIds.map((id) => [id]);
  insertRanking(db, { taskId: task.taskId, userId, groups: reverse ? ids.reverse() : ids });
}

/** Runs every queued project-stats job to its end, as the worker's child process does; returns their ids. */
async function runQueuedJobs(): Promise<number[]> {
  const ran: number[] = [];
  for (let job = claimNextJob(db, process.pid, [PROJECT_STATS_JOB_KIND]); job; job = claimNextJob(db, process.pid, [PROJECT_STATS_JOB_KIND])) {
    expect(await runJob(db, job.id, { dataDir, heartbeatMs: 60_000 })).toBe("succeeded");
    ran.push(job.id);
  }
  return ran;
}

const stats = (projectId: number) => serveStatistic<ProjectStats>(db, projectId, projectStatsStatistic, options())!;

beforeAll(() => {
  temp = tempDb();
  db = temp.db;
  dataDir = mkdtempSync(join(tmpdir(), "palate-stats-cache-"));
  // The job finds the cache where the app does: $PALATE_DATA_DIR/stats.
  process.env.PALATE_DATA_DIR = dataDir;
  dir = statisticsCacheDir();
  annotators = [1, 2, 3].map(
    (i) =>
      db
        .insert(users)
        .values({ email: `s${i}@t.local`, name: `S${i}`, role: "annotator" })
        .returning()
        .get().id,
  );
  for (const [project, name, count] of [
    [a, "alpha", 4],
    [b, "beta", 3],
  ] as const) {
    project.id = createProject(db, { name, redundancy: 2 }).id;
    for (let i = 0; i < count; i++)
      project.tasks.push(
        insertTask(db, project.id, {
          messages: [{ role: "user", content: `${name} question ${i}` }],
          completions: ["one", "two", "three"].map((text, k) => ({ text: `${name} ${text} ${i}`, model: `m${k}` })),
        }),
      );
  }
  rank(a.tasks[0], annotators[0]);
  rank(a.tasks[0], annotators[1], true);
  rank(b.tasks[0], annotators[2]);
});

afterAll(() => {
  if (envBefore === undefined) delete process.env.PALATE_DATA_DIR;
  else process.env.PALATE_DATA_DIR = envBefore;
  temp.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("served project statistics", () => {
  it("a small project is computed on the spot, a large one waits for its first job", () => {
    const inline = serveStatistic<ProjectStats>(db, a.id, projectStatsStatistic, { dir, now: () => 1234 });
    expect(inline).toMatchObject({ freshness: "current", computedAt: 1234, jobId: null });
    expect(inline!.value).toEqual(projectStats(db, a.id));
    expect(readStatistic(dir, a.id, "stats")).toBeUndefined();

    const first = stats(a.id);
    expect(first).toMatchObject({ value: undefined, freshness: "computing", computedAt: null });
    expect(first.jobId).toEqual(expect.any(Number));
    // A second view while it is queued queues nothing more.
    expect(stats(a.id).jobId).toBe(first.jobId);
    expect(db.select().from(jobs).where(eq(jobs.kind, PROJECT_STATS_JOB_KIND)).all()).toHaveLength(1);
    expect(serveStatistic(db, 999_999, projectStatsStatistic, options())).toBeUndefined();
  });

  it("the job computes every statistic; views then serve them with when they were computed", async () => {
    const started = Date.now();
    expect(await runQueuedJobs()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 20));
    const served = stats(a.id);
    expect(served.freshness).toBe("current");
    expect(served.jobId).toBeNull();
    // When the job computed it, not when this view read it.
    expect(served.computedAt).toBeGreaterThanOrEqual(started);
    expect(served.computedAt).toBeLessThan(Date.now());
    expect(served.value).toEqual(projectStats(db, a.id));
    expect(served.value!.progress).toMatchObject({ tasks: 4, rankings: 2, startedTasks: 1, completedTasks: 1 });
    const agreement = serveStatistic(db, a.id, agreementStatistic, options())!;
    expect(agreement.freshness).toBe("current");
    expect(agreement.value).toMatchObject({ project: { id: a.id }, rankings: 2 });
    const board = serveStatistic(db, a.id, leaderboardStatistic, options())!;
    expect(board.value).toMatchObject({ project: { id: a.id }, rankings: 2 });
    const rounds = serveStatistic(db, a.id, roundsStatistic, options())!;
    expect(withRoundModels(db, a.id, rounds.value!)).toEqual(roundsTable(db, a.id));
  });

  it("a new ranking is served stale and refreshing until the job has run, one job at a time", async () => {
    const before = stats(a.id);
    rank(a.tasks[1], annotators[0]);
    const stale = stats(a.id);
    expect(stale.freshness).toBe("refreshing");
    expect(stale.value!.progress.rankings).toBe(2);
    expect(stale.computedAt).toBe(before.computedAt);
    expect(stats(a.id).jobId).toBe(stale.jobId);
    expect(getJob(db, stale.jobId!)).toMatchObject({ kind: PROJECT_STATS_JOB_KIND, projectId: a.id, status: "queued", params: { projectId: a.id } });

    expect(await runQueuedJobs()).toEqual([stale.jobId]);
    const fresh = stats(a.id);
    expect(fresh.freshness).toBe("current");
    expect(fresh.value!.progress.rankings).toBe(3);
    expect(fresh.value).toEqual(projectStats(db, a.id));
    // The jobs list keeps the latest run of a project, not one per change.
    const runs = db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, PROJECT_STATS_JOB_KIND), eq(jobs.projectId, a.id)))
      .all();
    expect(runs.map((j) => j.id)).toEqual([stale.jobId]);
  });

  it("a change in another project leaves this one's figures current, with no job queued", async () => {
    const before = stats(a.id);
    rank(b.tasks[1], annotators[1]);
    const seen = stats(a.id);
    expect(seen.freshness).toBe("current");
    expect(seen.jobId).toBeNull();
    expect(seen.computedAt).toBe(before.computedAt);
    expect(await runQueuedJobs()).toEqual([]);
  });

  it("a refresh that finds the data unchanged only checks it", async () => {
    const before = stats(a.id);
    const jobId = requestRefresh(db, a.id);
    expect(await runQueuedJobs()).toEqual([jobId]);
    const after = stats(a.id);
    expect(after.freshness).toBe("current");
    expect(after.computedAt).toBe(before.computedAt);
    expect(after.checkedAt).toBeGreaterThanOrEqual(before.checkedAt!);
    expect(getJob(db, jobId!)?.result).toMatchObject({ computed: [], unchanged: PROJECT_STATISTICS.map((s) => s.name) });
  });

  it("no project is served another project's figures", async () => {
    const beta = stats(b.id);
    expect(beta.freshness).toBe("computing");
    await runQueuedJobs();
    const betaServed = stats(b.id).value!;
    const alphaServed = stats(a.id).value!;
    expect(betaServed.project.id).toBe(b.id);
    expect(betaServed.progress).toMatchObject({ tasks: 3, rankings: 2 });
    expect(alphaServed.project.id).toBe(a.id);
    expect(alphaServed.progress).toMatchObject({ tasks: 4, rankings: 3 });
    // A file copied over from the other project's folder is not taken for this project's.
    const gamma = createProject(db, { name: "gamma" }).id;
    insertTask(db, gamma, { messages: [{ role: "user", content: "gamma" }], completions: [{ text: "x" }, { text: "y" }] });
    mkdirSync(join(dir, `project-${gamma}`), { recursive: true });
    copyFileSync(join(dir, `project-${b.id}`, "stats.json"), join(dir, `project-${gamma}`, "stats.json"));
    const copied = stats(gamma);
    expect(copied.value).toBeUndefined();
    expect(copied.freshness).toBe("computing");
  });
});
