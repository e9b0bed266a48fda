// Runs one claimed job to its end in this process: builds the context (heartbeat, cancel
// polling, progress, metrics), calls the kind, records the outcome.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../db/client";
import { JobCancelledError, type JobContext } from "./kind";
import { deleteMetricsFrom, finishJob, getJob, heartbeat, logJobEvent, recordMetrics, reportProgress, setJobOutput } from "./queue";
import { getJobKind } from "./registry";

export interface RunJobOptions {
  /** Where job directories live: `<dataDir>/jobs/<id>`. */
  dataDir: string;
  heartbeatMs?: number;
}

export async function runJob(db: Db, jobId: number, options: RunJobOptions): Promise<"succeeded" | "failed" | "cancelled"> {
  const job = getJob(db, jobId);
  if (!job) throw new Error(`job ${jobId} does not exist`);
  if (job.status !== "running") throw new Error(`job ${jobId} is ${job.status}, not running`);
  const kind = await getJobKind(job.kind);
  if (!kind) {
    finishJob(db, jobId, { status: "failed", error: `unknown job kind "${job.kind}"` });
    return "failed";
  }
  const parsed = kind.params.safeParse(job.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    finishJob(db, jobId, { status: "failed", error: `params.${issue.path.join(".")}: ${issue.message}` });
    return "failed";
  }

  const controller = new AbortController();
  const beat = () => {
    if (heartbeat(db, jobId).cancelRequested && !controller.signal.aborted) controller.abort();
  };
  const timer = setInterval(beat, options.heartbeatMs ?? 1000);
  const artifactDir = join(options.dataDir, "jobs", String(jobId));
  mkdirSync(artifactDir, { recursive: true });
  let lastProgressWrite = 0;
  // Each step's points once in the job's metric table: a resumed attempt logs again from its
  // checkpoint on, so its first point drops what the interrupted attempt logged from that step on.
  let firstMetric = true;
  const ctx: JobContext<unknown> = {
    jobId,
    params: parsed.data,
    attempt: job.attempts,
    db,
    artifactDir,
    signal: controller.signal,
    throwIfCancelled() {
      beat();
      if (controller.signal.aborted) throw new JobCancelledError();
    },
    progress(fraction, message) {
      const t = Date.now();
      if (t - lastProgressWrite < 200 && fraction < 1) return;
      lastProgressWrite = t;
      reportProgress(db, jobId, fraction, message);
    },
    log: (text, level) => logJobEvent(db, jobId, text, level),
    metrics: (step, values) => {
      if (firstMetric && job.attempts > 1) deleteMetricsFrom(db, jobId, step);
      firstMetric = false;
      recordMetrics(db, jobId, step, values);
    },
    output: (name, value) => setJobOutput(db, jobId, name, value),
  };

  try {
    if (job.attempts > 1) logJobEvent(db, jobId, `Attempt ${job.attempts}: resuming.`);
    const result = await kind.run(ctx);
    if (controller.signal.aborted) throw new JobCancelledError();
    finishJob(db, jobId, { status: "succeeded", result: result ?? undefined });
    return "succeeded";
  } catch (err) {
    if (err instanceof JobCancelledError || controller.signal.aborted) {
      finishJob(db, jobId, { status: "cancelled", error: "cancelled by a user" });
      return "cancelled";
    }
    const message = err instanceof Error ? err.message : String(err);
    logJobEvent(db, jobId, message, "error");
    finishJob(db, jobId, { status: "failed", error: message });
    return "failed";
  } finally {
    clearInterval(timer);
  }
}
