// The worker: takes queued jobs and runs each in a child process, so the web server never blocks
// on computation. Two lanes, each one job at a time: the main lane runs the long kinds (training,
// generation, imports…) in queue order, the quick lane the kinds that finish in seconds and keep
// pages current (JobKind.lane "quick": a statistics refresh), so those never wait behind an hour
// of PPO. On start it recovers jobs a dead worker left running: resumable kinds are queued again
// (they continue from their checkpoint), others fail with the reason.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, Db } from "../../db/client";
import { stagingIsLive, sweepImportStaging } from "../datasets/import-sweep";
import { retryOnBusy } from "./busy";
import { claimNextJob, finishJob, getJob, logJobEvent, requeueJob, runningJobs, type Job } from "./queue";
import { JOB_LANES, type JobLane } from "./kind";
import { getJobKind, loadJobKinds } from "./registry";

const childEntry = join(dirname(fileURLToPath(import.meta.url)), "child.ts");

export interface WorkerOptions {
  pollMs?: number;
  /** A running job whose heartbeat is older than this is taken as dead. */
  staleMs?: number;
  /** An interrupted resumable job is queued again at most this many times in all. */
  maxAttempts?: number;
  /** Grace period between a cancel request and killing the child. */
  cancelGraceMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

function isAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** One job at a time: its child process, its job, and when a cancel of it was first seen. */
interface Lane {
  name: JobLane;
  child: ChildProcess | null;
  current: Job | null;
  cancelSeenAt: number | null;
}

export class JobWorker {
  private readonly lanes: Lane[] = JOB_LANES.map((name) => ({ name, child: null, current: null, cancelSeenAt: null }));
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly opts: Required<Omit<WorkerOptions, "env" | "log">> & Pick<WorkerOptions, "env" | "log">;

  constructor(
    private readonly db: Db,
    options: WorkerOptions = {},
  ) {
    this.opts = { pollMs: 500, staleMs: 30_000, maxAttempts: 3, cancelGraceMs: 10_000, ...options };
  }

  private log(line: string) {
    (this.opts.log ?? console.log)(`[worker] ${line}`);
  }

  /** Fails or re-queues jobs left running by a worker that is gone. */
  async recoverInterrupted(): Promise<void> {
    for (const job of runningJobs(this.db)) {
      const fresh = job.heartbeatAt !== null && Date.now() - job.heartbeatAt < this.opts.staleMs;
      if (job.workerPid !== process.pid && isAlive(job.workerPid) && fresh) continue; // another live worker owns it
      await this.interrupted(job, "the worker stopped while the job was running");
    }
  }

  private async interrupted(job: Job, reason: string): Promise<void> {
    const kind = await getJobKind(job.kind);
    if (kind?.resumable && job.attempts < this.opts.maxAttempts && !job.cancelRequested) {
      retryOnBusy(() => requeueJob(this.db, job.id, reason), 6, 500);
      this.log(`job ${job.id} (${job.kind}) interrupted: ${reason}; queued to resume`);
    } else {
      const error = job.cancelRequested ? "cancelled by a user" : `interrupted: ${reason}${kind?.resumable ? ` (gave up after ${job.attempts} attempts)` : ""}`;
      if (!job.cancelRequested) retryOnBusy(() => logJobEvent(this.db, job.id, error, "error"), 6, 500);
      retryOnBusy(() => finishJob(this.db, job.id, job.cancelRequested ? { status: "cancelled", error } : { status: "failed", error }), 6, 500);
      this.log(`job ${job.id} (${job.kind}) ${job.cancelRequested ? "cancelled" : "failed"}: ${error}`);
    }
  }

  async start(): Promise<void> {
    const kinds = await loadJobKinds();
    await this.recoverInterrupted();
    this.sweepImports();
    this.log(`ready (pid ${process.pid}; kinds: ${[...kinds.keys()].join(", ") || "none"})`);
    const tick = async () => {
      if (this.stopping) return;
      try {
        await this.step();
      } catch (err) {
        this.log(`error: ${(err as Error).message}`);
      }
      if (!this.stopping) this.timer = setTimeout(tick, this.opts.pollMs);
    };
    void tick();
  }

  private async step(): Promise<void> {
    const kinds = await loadJobKinds();
    for (const lane of this.lanes) {
      if (this.stopping) return;
      if (lane.child && lane.current) {
        this.watch(lane, lane.current);
        continue;
      }
      const laneKinds = [...kinds.values()].filter((k) => (k.lane ?? "main") === lane.name).map((k) => k.kind);
      if (laneKinds.length === 0) continue;
      const job = claimNextJob(this.db, process.pid, laneKinds);
      if (!job) continue;
      lane.current = job;
      this.log(`job ${job.id} (${job.kind}) started, attempt ${job.attempts}${lane.name === "main" ? "" : ` (${lane.name} lane)`}`);
      const child = spawn(process.execPath, ["--import", "tsx", childEntry, String(job.id)], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
        env: { ...process.env, ...this.opts.env },
      });
      lane.child = child;
      child.once("exit", (code, signal) =>
        this.childExited(lane, job.id, code, signal).catch((err: unknown) => this.log(`job ${job.id}: recording its end failed: ${(err as Error).message}`)),
      );
    }
  }

  private watch(lane: Lane, job: Job): void {
    const row = getJob(this.db, job.id);
    if (!row || !lane.child) return;
    const stale = row.heartbeatAt !== null && Date.now() - row.heartbeatAt > this.opts.staleMs;
    if (row.cancelRequested) {
      lane.cancelSeenAt ??= Date.now();
      if (Date.now() - lane.cancelSeenAt > this.opts.cancelGraceMs) lane.child.kill("SIGKILL");
    } else if (stale) {
      this.log(`job ${job.id} stopped sending heartbeats; killing its process`);
      lane.child.kill("SIGKILL");
    }
  }

  private async childExited(lane: Lane, jobId: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    lane.child = null;
    lane.current = null;
    lane.cancelSeenAt = null;
    const job = getJob(this.db, jobId);
    if (job?.status === "running") {
      await this.interrupted(job, signal ? `its process was killed (${signal})` : `its process exited with code ${code}`);
    } else if (job) {
      this.log(`job ${job.id} (${job.kind}) ${job.status}`);
    }
    this.sweepImports();
  }

  /** Clears the staging an import left when its job ended unfinished (cancelled, failed, killed). */
  private sweepImports(): void {
    if (!("$client" in this.db)) return;
    try {
      const swept = sweepImportStaging((this.db as Connection).$client, (name) => stagingIsLive(name, (id) => getJob(this.db, id)?.status));
      for (const name of swept.dropped)
        this.log(`import staging ${name} cleared${swept.rolledBack.includes(name) ? " (its partly switched-in rows deleted)" : ""}`);
    } catch (err) {
      this.log(`clearing import staging failed: ${(err as Error).message}`);
    }
  }

  /** Stops polling and ends the running children (their jobs are recovered at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(
      this.lanes.map(({ child }) =>
        child && child.exitCode === null
          ? new Promise<void>((done) => {
              child.once("exit", () => done());
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 3000).unref();
            })
          : undefined,
      ),
    );
  }
}
