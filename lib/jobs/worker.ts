// The worker: takes queued jobs one at a time and runs each in a child process, so the web
// server never blocks on computation. On start it recovers jobs a dead worker left running:
// resumable kinds are queued again (they continue from their checkpoint), others fail with the reason.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, Db } from "../../db/client";
import { stagingIsLive, sweepImportStaging } from "../datasets/import-sweep";
import { retryOnBusy } from "./busy";
import { claimNextJob, finishJob, getJob, logJobEvent, requeueJob, runningJobs, type Job } from "./queue";
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

export class JobWorker {
  private child: ChildProcess | null = null;
  private current: Job | null = null;
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
    if (this.child && this.current) return this.watch(this.current);
    const job = claimNextJob(this.db, process.pid, [...(await loadJobKinds()).keys()]);
    if (!job) return;
    this.current = job;
    this.log(`job ${job.id} (${job.kind}) started, attempt ${job.attempts}`);
    const child = spawn(process.execPath, ["--import", "tsx", childEntry, String(job.id)], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, ...this.opts.env },
    });
    this.child = child;
    child.once("exit", (code, signal) =>
      this.childExited(job.id, code, signal).catch((err: unknown) => this.log(`job ${job.id}: recording its end failed: ${(err as Error).message}`)),
    );
  }

  private cancelSeenAt: number | null = null;

  private watch(job: Job): void {
    const row = getJob(this.db, job.id);
    if (!row || !this.child) return;
    const stale = row.heartbeatAt !== null && Date.now() - row.heartbeatAt > this.opts.staleMs;
    if (row.cancelRequested) {
      this.cancelSeenAt ??= Date.now();
      if (Date.now() - this.cancelSeenAt > this.opts.cancelGraceMs) this.child.kill("SIGKILL");
    } else if (stale) {
      this.log(`job ${job.id} stopped sending heartbeats; killing its process`);
      this.child.kill("SIGKILL");
    }
  }

  private async childExited(jobId: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.child = null;
    this.current = null;
    this.cancelSeenAt = null;
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

  /** Stops polling and ends the running child (its job is recovered at the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
    }
  }
}
