// The job queue: rows in SQLite. Enqueue, claim, report, finish, cancel, and recover jobs
// that a dead worker left "running".
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobEvents, jobMetrics, jobOutputs, jobs, type JobStatus } from "../../db/schema";

export type Job = typeof jobs.$inferSelect;
export type JobMetric = typeof jobMetrics.$inferSelect;
export type JobEvent = typeof jobEvents.$inferSelect;

export const FINISHED: readonly JobStatus[] = ["succeeded", "failed", "cancelled"];

export interface NewJob {
  kind: string;
  params: Record<string, unknown>;
  projectId?: number | null;
  createdBy?: number | null;
}

export function enqueueJob(db: Db, job: NewJob): Job {
  return db
    .insert(jobs)
    .values({ kind: job.kind, params: job.params, projectId: job.projectId ?? null, createdBy: job.createdBy ?? null, message: "queued" })
    .returning()
    .get();
}

export function getJob(db: Db, id: number): Job | undefined {
  return db.select().from(jobs).where(eq(jobs.id, id)).get();
}

export function listJobs(db: Db, filter: { projectId?: number; kind?: string; limit?: number } = {}): Job[] {
  const where = and(
    filter.projectId !== undefined ? eq(jobs.projectId, filter.projectId) : undefined,
    filter.kind !== undefined ? eq(jobs.kind, filter.kind) : undefined,
  );
  return db
    .select()
    .from(jobs)
    .where(where)
    .orderBy(desc(jobs.id))
    .limit(filter.limit ?? 100)
    .all();
}

/**
 * Takes the oldest queued job for this worker, atomically (one IMMEDIATE transaction, so two
 * workers never claim the same job).
 */
export function claimNextJob(db: Db, workerPid: number, kinds?: readonly string[]): Job | undefined {
  return db.transaction(
    (tx) => {
      const next = tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(eq(jobs.status, "queued"), kinds ? inArray(jobs.kind, [...kinds]) : undefined))
        .orderBy(asc(jobs.id))
        .limit(1)
        .get();
      return next ? markRunning(tx, next.id, workerPid) : undefined;
    },
    { behavior: "immediate" },
  );
}

/** A queued job taken by `workerPid`: running, one more attempt, heartbeat now. */
function markRunning(tx: Db, id: number, workerPid: number): Job {
  const t = Date.now();
  return tx
    .update(jobs)
    .set({
      status: "running",
      workerPid,
      heartbeatAt: t,
      startedAt: sql`coalesce(${jobs.startedAt}, ${t})`,
      attempts: sql`${jobs.attempts} + 1`,
      message: "starting",
    })
    .where(eq(jobs.id, id))
    .returning()
    .get();
}

/**
 * Enqueues a job already claimed by this process (the CLI runs jobs in the foreground), in one
 * IMMEDIATE transaction so that no worker can take it in between. It shows in the app's job
 * list like any other.
 */
export function enqueueClaimedJob(db: Db, job: NewJob, workerPid: number = process.pid): Job {
  return db.transaction((tx) => markRunning(tx, enqueueJob(tx, job).id, workerPid), { behavior: "immediate" });
}

export function heartbeat(db: Db, id: number): { cancelRequested: boolean } {
  const row = db.update(jobs).set({ heartbeatAt: Date.now() }).where(eq(jobs.id, id)).returning({ cancelRequested: jobs.cancelRequested }).get();
  return { cancelRequested: row?.cancelRequested ?? true };
}

export function reportProgress(db: Db, id: number, progress: number, message?: string): void {
  const p = Math.min(1, Math.max(0, progress));
  db.update(jobs)
    .set({ progress: p, heartbeatAt: Date.now(), ...(message !== undefined ? { message } : {}) })
    .where(eq(jobs.id, id))
    .run();
}

export function logJobEvent(db: Db, id: number, text: string, level: "info" | "warn" | "error" = "info"): void {
  db.insert(jobEvents).values({ jobId: id, text, level }).run();
}

export function recordMetrics(db: Db, id: number, step: number, values: Record<string, number>): void {
  const rows = Object.entries(values)
    .filter(([, v]) => Number.isFinite(v))
    .map(([name, value]) => ({ jobId: id, step, name, value }));
  if (rows.length > 0) db.insert(jobMetrics).values(rows).run();
}

/** Drops a job's metric points from `step` on (what an interrupted attempt logged past the checkpoint it resumes from). */
export function deleteMetricsFrom(db: Db, id: number, step: number): void {
  db.delete(jobMetrics)
    .where(and(eq(jobMetrics.jobId, id), sql`${jobMetrics.step} >= ${step}`))
    .run();
}

/** Metric points after `afterId` (for live charts that poll for new points). */
export function jobMetricsSince(db: Db, id: number, afterId = 0): JobMetric[] {
  return db
    .select()
    .from(jobMetrics)
    .where(and(eq(jobMetrics.jobId, id), sql`${jobMetrics.id} > ${afterId}`))
    .orderBy(asc(jobMetrics.id))
    .all();
}

/** Publishes (or replaces) a job's named output. */
export function setJobOutput(db: Db, id: number, name: string, value: unknown): void {
  db.insert(jobOutputs)
    .values({ jobId: id, name, value, updatedAt: Date.now() })
    .onConflictDoUpdate({ target: [jobOutputs.jobId, jobOutputs.name], set: { value, updatedAt: Date.now() } })
    .run();
}

/** A job's outputs by name. */
export function jobOutputsOf(db: Db, id: number): Record<string, { value: unknown; updatedAt: number }> {
  const out: Record<string, { value: unknown; updatedAt: number }> = {};
  for (const row of db.select().from(jobOutputs).where(eq(jobOutputs.jobId, id)).orderBy(asc(jobOutputs.name)).all())
    out[row.name] = { value: row.value, updatedAt: row.updatedAt };
  return out;
}

export function jobEventsSince(db: Db, id: number, afterId = 0): JobEvent[] {
  return db
    .select()
    .from(jobEvents)
    .where(and(eq(jobEvents.jobId, id), sql`${jobEvents.id} > ${afterId}`))
    .orderBy(asc(jobEvents.id))
    .all();
}

/** Ends a running job. Only a running job changes (a job cancelled meanwhile stays cancelled). */
export function finishJob(
  db: Db,
  id: number,
  outcome: { status: "succeeded"; result?: Record<string, unknown> } | { status: "failed" | "cancelled"; error: string },
): void {
  const t = Date.now();
  db.update(jobs)
    .set(
      outcome.status === "succeeded"
        ? { status: "succeeded", progress: 1, result: outcome.result ?? null, message: "done", finishedAt: t, heartbeatAt: t }
        : { status: outcome.status, error: outcome.error, message: outcome.status, finishedAt: t, heartbeatAt: t },
    )
    .where(and(eq(jobs.id, id), eq(jobs.status, "running")))
    .run();
}

/** Puts an interrupted running job back in the queue (to resume from its checkpoint). */
export function requeueJob(db: Db, id: number, reason: string): void {
  db.update(jobs)
    .set({ status: "queued", workerPid: null, message: `queued again: ${reason}` })
    .where(and(eq(jobs.id, id), eq(jobs.status, "running")))
    .run();
  logJobEvent(db, id, `Interrupted (${reason}); queued to resume.`, "warn");
}

/**
 * Asks a job to stop. A queued job is cancelled at once; a running one is flagged, and its
 * process stops at its next check. Returns the job as it is now.
 */
export function requestCancel(db: Db, id: number): Job | undefined {
  return db.transaction(
    (tx) => {
      const job = tx.select().from(jobs).where(eq(jobs.id, id)).get();
      if (!job || FINISHED.includes(job.status)) return job;
      if (job.status === "queued") {
        return tx
          .update(jobs)
          .set({ status: "cancelled", cancelRequested: true, error: "cancelled before it started", finishedAt: Date.now(), message: "cancelled" })
          .where(eq(jobs.id, id))
          .returning()
          .get();
      }
      return tx.update(jobs).set({ cancelRequested: true, message: "cancelling…" }).where(eq(jobs.id, id)).returning().get();
    },
    { behavior: "immediate" },
  );
}

export function runningJobs(db: Db): Job[] {
  return db.select().from(jobs).where(eq(jobs.status, "running")).orderBy(asc(jobs.id)).all();
}
