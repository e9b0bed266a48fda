// Jobs in tests: the real worker as a child process, and waiting for a job's row to change.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "@/lib/jobs/queue";
import type { WorkerOptions } from "@/lib/jobs/worker";
import { projectRoot } from "@/scripts/server";
import { afterEach, beforeEach } from "vitest";
import { tempDb } from "./app";

/** Polls `read` until `done` holds for the job; throws with the last row after the timeout. */
export async function waitFor(read: () => Job | undefined, done: (job: Job) => boolean, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = read();
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out; job is ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ended = (j: Job) => j.status === "succeeded" || j.status === "failed" || j.status === "cancelled";

/** Resolves once the process has exited (at once when it already has). */
export const stopped = (child: ChildProcess) =>
  new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));

/** The job kinds of tests/fixtures/job-kinds.ts, for PALATE_JOB_KINDS. */
export const FIXTURE_JOB_KINDS = join(projectRoot, "tests", "fixtures", "job-kinds.ts");

/** What each worker printed (the last 16 kB), and whether it has said it is ready. */
const printed = new WeakMap<ChildProcess, { text: string; ready: Promise<void> }>();

/**
 * `palate worker` on the database, as a child process; with `timings`, the same worker class
 * with those options (tests/fixtures/job-worker.ts), for the paths whose defaults take long.
 */
export function spawnWorker(
  dbPath: string,
  env: Record<string, string> = {},
  timings?: Pick<WorkerOptions, "staleMs" | "cancelGraceMs" | "maxAttempts" | "pollMs">,
): ChildProcess {
  const args = timings ? ["--import", "tsx", join(projectRoot, "tests", "fixtures", "job-worker.ts")] : [join(projectRoot, "scripts", "palate.mjs"), "worker"];
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PALATE_DB: dbPath, ...(timings ? { PALATE_TEST_WORKER: JSON.stringify(timings) } : {}), ...env },
  });
  const out = { text: "", ready: Promise.resolve() };
  out.ready = new Promise<void>((done, fail) => {
    // Read all of it: a pipe nobody drains would block the worker once full.
    child.stdout!.on("data", (chunk: Buffer) => {
      out.text = (out.text + chunk.toString("utf8")).slice(-16_384);
      if (/\bready \(pid \d+/.test(out.text)) done();
    });
    child.once("exit", (code, signal) => fail(new Error(`the worker exited (${signal ?? code}) before it was ready:\n${out.text}`)));
  });
  out.ready.catch(() => {});
  printed.set(child, out);
  return child;
}

/** Resolves once the worker has printed its "ready" line (it has recovered and polls the queue). */
export function workerReady(worker: ChildProcess): Promise<void> {
  return printed.get(worker)?.ready ?? Promise.reject(new Error("not a worker from spawnWorker"));
}

/** The end of what the worker (and its job children) printed. */
export function workerOutput(worker: ChildProcess): string {
  return printed.get(worker)?.text ?? "";
}

/** True while a process with this id exists (a zombie still counts until reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Workers started by a test, killed (SIGKILL) together in its afterEach. */
export class WorkerPool {
  private workers: ChildProcess[] = [];

  start(dbPath: string, env: Record<string, string> = {}, timings?: Parameters<typeof spawnWorker>[2]): ChildProcess {
    const w = spawnWorker(dbPath, env, timings);
    this.workers.push(w);
    return w;
  }

  /** Kills each worker and the job process it runs (a stopped or stuck one would outlive it). */
  async killAll(): Promise<void> {
    for (const w of this.workers) {
      const jobChildren = w.pid !== undefined && w.exitCode === null ? childrenOf(w.pid) : [];
      w.kill("SIGKILL");
      for (const pid of jobChildren) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await stopped(w);
    }
    this.workers = [];
  }
}

/**
 * A fresh database and a worker pool for each test of the calling describe block: registers the
 * hooks that create the database before each test, and kill every worker (and its job process)
 * and remove the database after it.
 */
export function useWorkerPool(): { readonly pool: WorkerPool; readonly temp: ReturnType<typeof tempDb> } {
  const pool = new WorkerPool();
  let temp: ReturnType<typeof tempDb> | undefined;
  beforeEach(() => {
    temp = tempDb();
  });
  afterEach(async () => {
    await pool.killAll();
    temp?.cleanup();
    temp = undefined;
  });
  return {
    pool,
    get temp() {
      if (!temp) throw new Error("useWorkerPool: the database exists only inside a test");
      return temp;
    },
  };
}

/** Child process ids of `pid`, from /proc (the worker's job child). */
/**
 * The worker's job child processes (lib/jobs/child.ts), by their command line: a worker may have
 * other children too (tsx's esbuild service, for one), which a SIGKILL test must not pick.
 */
export function jobChildrenOf(workerPid: number): number[] {
  return childrenOf(workerPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .some((arg) => arg.endsWith(join("lib", "jobs", "child.ts")));
    } catch {
      return false; // it ended while we looked
    }
  });
}

export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
