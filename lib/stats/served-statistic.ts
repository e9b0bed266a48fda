// What a page or route shows of a project statistic, in a few milliseconds whatever the project's
// size:
//
// - a small project (at most `inlineMaxTasks` tasks, counted with a bounded query) computes it
//   on the spot: always current;
// - otherwise the cached value (statistics-cache.ts) is served at once with when it was computed;
//   when the project's change stamp (change-stamp.ts: its data version, raised by triggers on
//   every write that can change its statistics) moved since it was last checked, a `project-stats` job is
//   queued to refresh it (at most one queued or running per project, and not more often than
//   `minRefreshMs` after the last check), and the view says it is refreshing;
// - with nothing cached yet, the view gets no value and the job that computes it (or, with
//   `computeWhenMissing`, computes it here once: a JSON route asked to wait when no worker takes
//   the job, app/components/served-statistics.ts servedForRoute).
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobs } from "../../db/schema";
import { enqueueJob } from "../jobs/queue";
import { changeStamp } from "./change-stamp";
import { PROJECT_STATS_JOB_KIND } from "./job-params";
import type { ProjectStatistic } from "./project-statistics";
import { refreshStatistics } from "./refresh-statistics";
import { readStatistic, statisticsCacheDir } from "./statistics-cache";

export type Freshness =
  /** Computed for this view (a small project) or checked against the current data. */
  | "current"
  /** Older than the data; a refresh job is queued or running. */
  | "refreshing"
  /** Older than the data; the next refresh is due after `minRefreshMs`, or could not be queued. */
  | "stale"
  /** Nothing cached yet; the job computing it is queued or running. */
  | "computing";

export interface ServedStatistic<T> {
  /** Undefined only while `freshness` is "computing". */
  value: T | undefined;
  freshness: Freshness;
  /** When the value was computed (ms since the epoch); null while computing. */
  computedAt: number | null;
  /** When the data was last found unchanged since computedAt; null while computing. */
  checkedAt: number | null;
  /** The refresh job queued or running, if any. */
  jobId: number | null;
  /** When this view read it (its age is servedAt − computedAt). */
  servedAt: number;
}

export interface ServeOptions {
  /** The cache folder (statisticsCacheDir()). */
  dir: string;
  /** Overrides the statistic's own threshold (PALATE_STATS_INLINE_MAX_TASKS; 0 serves every project from the cache). */
  inlineMaxTasks?: number;
  /** The least time between two refreshes of one project (default 10 s). */
  minRefreshMs?: number;
  /** With nothing cached, compute (and cache) the value in this call instead of answering "computing". */
  computeWhenMissing?: boolean;
  now?: () => number;
}

const wholeNumber = (raw: string | undefined) => (raw && /^[0-9]{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : undefined);

/**
 * The options of this process: the cache folder (statisticsCacheDir()), and when set,
 * PALATE_STATS_INLINE_MAX_TASKS (one inline threshold for every statistic; 0 serves every
 * project from the cache) and PALATE_STATS_MIN_REFRESH_MS.
 */
export function serveOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ServeOptions {
  return {
    dir: statisticsCacheDir(env),
    inlineMaxTasks: wholeNumber(env.PALATE_STATS_INLINE_MAX_TASKS),
    minRefreshMs: wholeNumber(env.PALATE_STATS_MIN_REFRESH_MS),
  };
}

/** Whether the project has more than `limit` tasks, reading at most limit + 1 index entries. */
export function hasMoreTasksThan(db: Db, projectId: number, limit: number): boolean {
  const row = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM tasks WHERE project_id = ${projectId} LIMIT ${limit + 1})`);
  return row.n > limit;
}

/** The refresh job queued or running for the project, if any. */
export function pendingRefreshJob(db: Db, projectId: number): number | null {
  const row = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.kind, PROJECT_STATS_JOB_KIND), eq(jobs.projectId, projectId), inArray(jobs.status, ["queued", "running"])))
    .get();
  return row?.id ?? null;
}

/**
 * Queues a refresh of the project's statistics unless one is queued or running (checked and
 * queued in one IMMEDIATE transaction, so two views at once queue one job). Returns the job's
 * id; null when the database was too busy to queue it now (a later view will).
 */
export function requestRefresh(db: Db, projectId: number): number | null {
  try {
    return db.transaction((tx) => pendingRefreshJob(tx, projectId) ?? enqueueJob(tx, { kind: PROJECT_STATS_JOB_KIND, params: { projectId }, projectId }).id, {
      behavior: "immediate",
    });
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith("SQLITE_BUSY")) return null;
    throw err;
  }
}

/** The statistic as a view shows it; undefined when the project does not exist. */
export function serveStatistic<T>(db: Db, projectId: number, statistic: ProjectStatistic<T>, options: ServeOptions): ServedStatistic<T> | undefined {
  const now = options.now ?? Date.now;
  const stamp = changeStamp(db, projectId);
  if (stamp === undefined) return undefined;
  const inlineMax = options.inlineMaxTasks ?? statistic.inlineMaxTasks;
  if (!hasMoreTasksThan(db, projectId, inlineMax)) {
    const value = statistic.compute(db, projectId);
    const t = now();
    return value === undefined ? undefined : { value, freshness: "current", computedAt: t, checkedAt: t, jobId: null, servedAt: t };
  }
  const entry = readStatistic<T>(options.dir, projectId, statistic.name);
  if (!entry) {
    if (options.computeWhenMissing) {
      refreshStatistics(db, projectId, [statistic], { dir: options.dir, now });
      const computed = readStatistic<T>(options.dir, projectId, statistic.name);
      if (computed)
        return { value: computed.value, freshness: "current", computedAt: computed.computedAt, checkedAt: computed.checkedAt, jobId: null, servedAt: now() };
    }
    return { value: undefined, freshness: "computing", computedAt: null, checkedAt: null, jobId: requestRefresh(db, projectId), servedAt: now() };
  }
  const served = { value: entry.value, computedAt: entry.computedAt, checkedAt: entry.checkedAt, servedAt: now() };
  if (entry.stamp === stamp) return { ...served, freshness: "current", jobId: null };
  const pending = pendingRefreshJob(db, projectId);
  if (pending !== null) return { ...served, freshness: "refreshing", jobId: pending };
  if (now() - entry.checkedAt < (options.minRefreshMs ?? 10_000)) return { ...served, freshness: "stale", jobId: null };
  const jobId = requestRefresh(db, projectId);
  return { ...served, freshness: jobId === null ? "stale" : "refreshing", jobId };
}
