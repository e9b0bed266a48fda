// Running a job in the CLI's own process, as `palate generate`, `train-rm` and `score` do: the
// job is recorded in $PALATE_DB like one started from the app (it shows on the jobs page, its
// metrics too), a progress bar follows it, and Ctrl-C cancels it (a checkpointing job saves first).
import { dirname } from "node:path";
import { SingleBar } from "cli-progress";
import { databasePath, type Db } from "../db/client";
import { enqueueClaimedJob, getJob, requestCancel, type Job } from "../lib/jobs/queue";
import { runJob } from "../lib/jobs/run-job";
import { CliError } from "./cli";

export interface ForegroundJob {
  kind: string;
  params: Record<string, unknown>;
  projectId?: number | null;
}

export interface ProgressDisplay {
  /** The bar's scale: the job's progress (0–1) is shown as a value out of this total. */
  total: number;
  /** cli-progress format; {value}, {total}, {percentage}, {eta_formatted} and {message} are filled in. */
  format: string;
}

const PERCENT: ProgressDisplay = { total: 100, format: "{bar} {percentage}% | ETA {eta_formatted} | {message}" };

/** Runs the job to its end; throws a CliError unless it succeeded. Returns the finished row. */
export async function runForegroundJob(db: Db, input: ForegroundJob, onStart?: (job: Job) => void, display: ProgressDisplay = PERCENT): Promise<Job> {
  const job = enqueueClaimedJob(db, { kind: input.kind, params: input.params, projectId: input.projectId ?? null });
  onStart?.(job);
  const bar = new SingleBar({ format: display.format, hideCursor: true, etaBuffer: 50 });
  const total = display.total;
  bar.start(total, 0, { message: "starting" });
  const update = () => {
    const row = getJob(db, job.id);
    if (row) bar.update(Math.round(row.progress * total), { message: row.message ?? "" });
  };
  const poll = setInterval(update, 250);
  // The request is recorded (the jobs page shows it) and the run is stopped at once, not at its next heartbeat.
  const ctrlC = new AbortController();
  const onSigint = () => {
    requestCancel(db, job.id);
    ctrlC.abort();
  };
  process.once("SIGINT", onSigint);
  let status: string;
  try {
    status = await runJob(db, job.id, { dataDir: process.env.PALATE_DATA_DIR ?? dirname(databasePath()), cancel: ctrlC.signal });
  } finally {
    clearInterval(poll);
    process.removeListener("SIGINT", onSigint);
    update();
    bar.stop();
  }
  const done = getJob(db, job.id)!;
  if (status !== "succeeded") throw new CliError(`job ${job.id} ${status}: ${done.error ?? ""}`);
  return done;
}
