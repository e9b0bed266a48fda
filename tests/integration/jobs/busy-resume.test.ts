// A locked database interrupts a running job; it does not fail it. Another process takes the
// write lock (BEGIN IMMEDIATE) while a real worker runs a checkpointing job, and keeps it for
// longer than twice the job's busy_timeout (1 s here, PALATE_BUSY_TIMEOUT_MS): the job's writes throw SQLITE_BUSY, the runner
// waits and resumes it from its checkpoint, and it ends succeeded on its first attempt.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobEventsSince, jobMetricsSince, type Job } from "@/lib/jobs/queue";
import { tempDb } from "../../helpers/app";

const root = join(__dirname, "..", "..", "..");
const BUSY_TIMEOUT_MS = 1000;

function startWorker(dbPath: string): ChildProcess {
  return spawn(process.execPath, [join(root, "scripts", "palate.mjs"), "worker"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      PALATE_DB: dbPath,
      PALATE_JOB_KINDS: join(root, "tests", "fixtures", "job-kinds.ts"),
      PALATE_BUSY_TIMEOUT_MS: String(BUSY_TIMEOUT_MS),
    },
  });
}

/**
 * A separate process, started ahead (so its start-up is not part of the race with the running
 * job), that takes the write lock of `dbPath` when `lock(ms)` is called and holds it for `ms`.
 */
async function startLockHolder(dbPath: string): Promise<{ child: ChildProcess; lock(ms: number): Promise<void> }> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    process.stdout.write("ready\\n");
    process.stdin.once("data", (d) => {
      db.exec("BEGIN IMMEDIATE");
      db.prepare("insert into job_events (job_id, text, level) select id, 'lock holder was here', 'info' from jobs limit 1").run();
      process.stdout.write("locked\\n");
      setTimeout(() => { db.exec("COMMIT"); db.close(); process.exit(0); }, Number(String(d).trim()));
    });
  `;
  const child = spawn(process.execPath, ["-e", script, dbPath], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const said = (word: string) =>
    new Promise<void>((done, fail) => {
      const onData = (d: Buffer) => {
        if (!d.toString().includes(word)) return;
        child.stdout!.off("data", onData);
        done();
      };
      child.stdout!.on("data", onData);
      child.once("exit", (code) => fail(new Error(`lock holder exited with ${code} before saying ${word}`)));
    });
  await said("ready");
  return {
    child,
    lock(ms: number) {
      const locked = said("locked");
      child.stdin!.write(`${ms}\n`);
      return locked;
    },
  };
}

async function waitFor(read: () => Job | undefined, done: (job: Job) => boolean, timeoutMs = 90_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = read();
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out; job is ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));

describe("a job and a locked database", () => {
  let temp: ReturnType<typeof tempDb>;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    temp = tempDb();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.kill("SIGKILL");
      await exited(c);
    }
    temp.cleanup();
  });

  it("resumes from its checkpoint after SQLITE_BUSY and succeeds, without spending an attempt", async () => {
    const holder = await startLockHolder(temp.path);
    children.push(holder.child);
    children.push(startWorker(temp.path));
    // 60 steps of 80 ms: the lock lands mid-run however slow the machine is at taking it.
    const job = enqueueJob(temp.db, { kind: "count", params: { steps: 60, stepMs: 80 } });
    await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status === "running" && j.progress >= 0.2,
    );
    // Longer than two busy timeouts: a heartbeat may wait out the first one and be skipped.
    await holder.lock(2 * BUSY_TIMEOUT_MS + 1500);
    await exited(holder.child);
    expect(holder.child.exitCode).toBe(0);

    const done = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status !== "queued" && j.status !== "running",
    );
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(1);
    const result = done.result as { steps: number; resumedFrom: number };
    expect(result.steps).toBe(60);
    expect(result.resumedFrom).toBeGreaterThan(0);
    const warnings = jobEventsSince(temp.db, job.id).filter((e) => e.level === "warn");
    expect(warnings.map((e) => e.text).join("\n")).toMatch(/database was locked \(SQLITE_BUSY/);
    // Each step's metric point once, although the interrupted run logged past its checkpoint.
    expect(jobMetricsSince(temp.db, job.id).map((m) => m.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  }, 120_000);
});
