import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobMetricsSince, requestCancel, type Job } from "@/lib/jobs/queue";
import { tempDb } from "../../helpers/app";

const root = join(__dirname, "..", "..", "..");

function startWorker(dbPath: string): ChildProcess {
  return spawn(process.execPath, [join(root, "scripts", "palate.mjs"), "worker"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PALATE_DB: dbPath, PALATE_JOB_KINDS: join(root, "tests", "fixtures", "job-kinds.ts") },
  });
}

async function waitFor(read: () => Job | undefined, done: (job: Job) => boolean, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = read();
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`timed out; job is ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));
}

describe("job worker", () => {
  let temp: ReturnType<typeof tempDb>;
  let workers: ChildProcess[] = [];
  beforeEach(() => {
    temp = tempDb();
    workers = [];
  });
  afterEach(async () => {
    for (const w of workers) {
      w.kill("SIGKILL");
      await stopped(w);
    }
    temp.cleanup();
  });

  const spawnWorker = () => {
    const w = startWorker(temp.path);
    workers.push(w);
    return w;
  };

  it("runs a job in a child process to success, with progress and metrics", async () => {
    spawnWorker();
    const job = enqueueJob(temp.db, { kind: "count", params: { steps: 5, stepMs: 20 } });
    const done = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status !== "queued" && j.status !== "running",
    );
    expect(done.status).toBe("succeeded");
    expect(done.progress).toBe(1);
    expect(done.result).toEqual({ steps: 5, resumedFrom: 0, attempt: 1 });
    expect(jobMetricsSince(temp.db, job.id).map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
  });

  it("a failing job ends failed with its reason; bad params fail naming the field", async () => {
    spawnWorker();
    const boom = enqueueJob(temp.db, { kind: "explode", params: { steps: 1, stepMs: 0 } });
    const bad = enqueueJob(temp.db, { kind: "count", params: { steps: "many", stepMs: 0 } });
    const b = await waitFor(
      () => getJob(temp.db, boom.id),
      (j) => j.status === "failed",
    );
    expect(b.error).toContain("boom: the data file is empty");
    const p = await waitFor(
      () => getJob(temp.db, bad.id),
      (j) => j.status === "failed",
    );
    expect(p.error).toMatch(/^params\.steps: /);
  });

  it("cancels a running job", async () => {
    spawnWorker();
    const job = enqueueJob(temp.db, { kind: "count", params: { steps: 1000, stepMs: 20 } });
    await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status === "running" && j.progress > 0,
    );
    requestCancel(temp.db, job.id);
    const done = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status !== "running",
    );
    expect(done.status).toBe("cancelled");
    expect(done.progress).toBeLessThan(1);
  });

  it("after the worker is killed with SIGKILL, a restart resumes a checkpointing job from its checkpoint", async () => {
    const first = spawnWorker();
    const job = enqueueJob(temp.db, { kind: "count", params: { steps: 40, stepMs: 50 } });
    await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status === "running" && j.progress >= 0.2,
    );
    first.kill("SIGKILL");
    await stopped(first);
    spawnWorker();
    const done = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status === "succeeded" || j.status === "failed",
    );
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(2);
    const result = done.result as { resumedFrom: number; steps: number };
    expect(result.steps).toBe(40);
    expect(result.resumedFrom).toBeGreaterThan(0);
  });

  it("after the worker is killed, a job that cannot resume ends failed with the reason", async () => {
    const first = spawnWorker();
    const job = enqueueJob(temp.db, { kind: "count-once", params: { steps: 1000, stepMs: 20 } });
    await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status === "running" && j.progress > 0,
    );
    first.kill("SIGKILL");
    await stopped(first);
    spawnWorker();
    const done = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => j.status !== "running" && j.status !== "queued",
    );
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/interrupted: the worker stopped/);
  });

  it("runs a quick-lane job beside a long main-lane job instead of behind it; main-lane jobs still run one at a time", async () => {
    spawnWorker();
    const tallies = join(temp.dir, "tallies.txt");
    const long = enqueueJob(temp.db, { kind: "count", params: { steps: 600, stepMs: 50 } });
    const second = enqueueJob(temp.db, { kind: "count", params: { steps: 1, stepMs: 0 } });
    await waitFor(
      () => getJob(temp.db, long.id),
      (j) => j.status === "running",
    );
    const quick = enqueueJob(temp.db, { kind: "tally-quick", params: { file: tallies } });
    const done = await waitFor(
      () => getJob(temp.db, quick.id),
      (j) => j.status !== "queued" && j.status !== "running",
      30_000,
    );
    expect(done.status).toBe("succeeded");
    // The long job was still running then, and the second main-lane job had not started.
    expect(getJob(temp.db, long.id)!.status).toBe("running");
    expect(getJob(temp.db, second.id)!.status).toBe("queued");
    expect(readFileSync(tallies, "utf8").trim().split(" ")[0]).toBe(String(quick.id));
    requestCancel(temp.db, long.id);
    const second_ = await waitFor(
      () => getJob(temp.db, second.id),
      (j) => j.status !== "queued" && j.status !== "running",
    );
    expect(second_.status).toBe("succeeded");
    expect(getJob(temp.db, long.id)!.status).toBe("cancelled");
  });
});
