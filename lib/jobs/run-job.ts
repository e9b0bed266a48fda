// Runs one claimed job to its end in this process: builds the context (heartbeat, cancel
// polling, progress, metrics), calls the kind, records the outcome.
//
// A locked database (SQLITE_BUSY: another process held the write lock past busy_timeout) is an
// interruption, not a failure: a resumable kind is run again from its checkpoint after a backoff,
// up to `maxBusyRetries` times, without counting as a failed attempt. Progress, heartbeat and
// event writes retry briefly and are dropped when the lock outlasts them; the final outcome
// retries until it is recorded.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../../db/client";
import { bestEffort, busyBackoffMs, busyCode, isBusyError, retryOnBusy } from "./busy";
import { JobCancelledError, type JobContext } from "./kind";
import { deleteMetricsFrom, finishJob, getJob, heartbeat, logJobEvent, recordMetrics, reportProgress, setJobOutput } from "./queue";
import { getJobKind } from "./registry";

export interface RunJobOptions {
  /** Where job directories live: `<dataDir>/jobs/<id>`. */
  dataDir: string;
  heartbeatMs?: number;
  /** How many times a locked database (SQLITE_BUSY) may interrupt the job before it fails (default 6). */
  maxBusyRetries?: number;
  /** The first wait before resuming after SQLITE_BUSY; doubles after each (default 500 ms, capped at 15 s). */
  busyBackoffMs?: number;
  /** Cancels at once when aborted (a foreground job's Ctrl-C), not at the next heartbeat's read of the request. */
  cancel?: AbortSignal;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), done()), { once: true });
  });

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
    // A heartbeat that finds the database locked is skipped (the next one comes a second later).
    bestEffort(() => {
      if (heartbeat(db, jobId).cancelRequested && !controller.signal.aborted) controller.abort();
    }, 1);
  };
  const timer = setInterval(beat, options.heartbeatMs ?? 1000);
  const cancelNow = () => {
    if (!controller.signal.aborted) controller.abort();
  };
  if (options.cancel?.aborted) cancelNow();
  else options.cancel?.addEventListener("abort", cancelNow, { once: true });
  const artifactDir = join(options.dataDir, "jobs", String(jobId));
  mkdirSync(artifactDir, { recursive: true });
  let lastProgressWrite = 0;
  // Each step's points once in the job's metric table: a resumed attempt logs again from its
  // checkpoint on, so its first point drops what the interrupted attempt logged from that step on.
  let firstMetric = true;
  let resumed = job.attempts > 1;
  // Events are kept in order; one that finds the database locked waits for the next write that goes through.
  const pendingEvents: { text: string; level?: "info" | "warn" | "error" }[] = [];
  const flushEvents = () => {
    while (pendingEvents.length > 0) {
      const { text, level } = pendingEvents[0];
      if (!bestEffort(() => logJobEvent(db, jobId, text, level))) return false;
      pendingEvents.shift();
    }
    return true;
  };
  const log = (text: string, level?: "info" | "warn" | "error") => {
    pendingEvents.push({ text, level });
    flushEvents();
  };
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
      bestEffort(() => reportProgress(db, jobId, fraction, message));
    },
    log,
    metrics: (step, values) => {
      if (firstMetric && resumed) deleteMetricsFrom(db, jobId, step);
      firstMetric = false;
      recordMetrics(db, jobId, step, values);
    },
    output: (name, value) => setJobOutput(db, jobId, name, value),
  };

  const finish = (outcome: Parameters<typeof finishJob>[2]) => retryOnBusy(() => finishJob(db, jobId, outcome), 12, 500);
  const maxBusyRetries = options.maxBusyRetries ?? 6;
  try {
    if (job.attempts > 1) log(`Attempt ${job.attempts}: resuming.`);
    let result: Record<string, unknown> | void;
    for (let interruptions = 0; ;) {
      try {
        result = await kind.run(ctx);
        break;
      } catch (err) {
        if (!isBusyError(err) || !kind.resumable || controller.signal.aborted || err instanceof JobCancelledError) throw err;
        if (interruptions >= maxBusyRetries)
          throw new Error(`the database stayed locked (${busyCode(err)}) through ${maxBusyRetries} resumes: ${(err as Error).message}`);
        interruptions++;
        const wait = busyBackoffMs(interruptions, options.busyBackoffMs);
        log(
          `Interrupted: the database was locked (${busyCode(err)}); resuming from the checkpoint in ${(wait / 1000).toFixed(1)} s (${interruptions} of ${maxBusyRetries}).`,
          "warn",
        );
        bestEffort(() => reportProgress(db, jobId, getJob(db, jobId)?.progress ?? 0, "waiting for the database lock"));
        await sleep(wait, controller.signal);
        flushEvents();
        ctx.throwIfCancelled();
        // The next run reads its checkpoint like a resumed attempt: a later attempt number, and
        // its first metric point drops what this run logged past the checkpoint.
        ctx.attempt = job.attempts + interruptions;
        resumed = true;
        firstMetric = true;
      }
    }
    if (controller.signal.aborted) throw new JobCancelledError();
    finish({ status: "succeeded", result: result ?? undefined });
    return "succeeded";
  } catch (err) {
    if (err instanceof JobCancelledError || controller.signal.aborted) {
      finish({ status: "cancelled", error: "cancelled by a user" });
      return "cancelled";
    }
    const message = err instanceof Error ? err.message : String(err);
    log(message, "error");
    finish({ status: "failed", error: message });
    return "failed";
  } finally {
    clearInterval(timer);
    options.cancel?.removeEventListener("abort", cancelNow);
    if (!flushEvents()) for (const e of pendingEvents) console.error(`[job ${jobId}] (not logged: the database stayed locked) ${e.text}`);
  }
}
