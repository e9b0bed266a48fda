// Jobs in tests: the real worker as a child process, and waiting for a job's row to change.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "@/lib/jobs/queue";
import { projectRoot } from "@/scripts/server";

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

/** `palate worker` on the database, as a child process. */
export function spawnWorker(dbPath: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), "worker"], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, PALATE_DB: dbPath, ...env },
  });
}

/** Workers started by a test, killed (SIGKILL) together in its afterEach. */
export class WorkerPool {
  private workers: ChildProcess[] = [];

  start(dbPath: string, env: Record<string, string> = {}): ChildProcess {
    const w = spawnWorker(dbPath, env);
    this.workers.push(w);
    return w;
  }

  async killAll(): Promise<void> {
    for (const w of this.workers) {
      w.kill("SIGKILL");
      await stopped(w);
    }
    this.workers = [];
  }
}

/** Child process ids of `pid`, from /proc (the worker's job child). */
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
