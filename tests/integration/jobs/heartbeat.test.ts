// A job whose process stops heart-beating (alive, but SIGSTOPped) is killed by its worker once
// the heartbeat is older than staleMs, and queued again: it resumes on a second attempt and
// succeeds. The worker runs with staleMs 8 s (the default is 30 s) so the test takes seconds; on a
// loaded machine a new child can take that long to send its first heartbeat and be killed too, so
// it may take more than two attempts (up to 5 here).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobEventsSince } from "@/lib/jobs/queue";
import { tempDb } from "../../helpers/app";
import { FIXTURE_JOB_KINDS, WorkerPool, ended, isAlive, waitFor, workerOutput } from "../../helpers/jobs";

describe("a job whose heartbeat goes stale", () => {
  let temp: ReturnType<typeof tempDb>;
  const pool = new WorkerPool();
  beforeEach(() => {
    temp = tempDb();
  });
  afterEach(async () => {
    await pool.killAll();
    temp.cleanup();
  });

  it("is killed by its worker and resumed on a new attempt", async () => {
    const worker = pool.start(temp.path, { PALATE_JOB_KINDS: FIXTURE_JOB_KINDS, PALATE_DATA_DIR: temp.dir }, { staleMs: 8000, pollMs: 200, maxAttempts: 5 });
    const job = enqueueJob(temp.db, { kind: "stall", params: { stallAttempts: 1 } });
    const done = await waitFor(() => getJob(temp.db, job.id), ended, 120_000);
    expect(done.status, workerOutput(worker)).toBe("succeeded");
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.result).toEqual({ attempt: done.attempts });

    // The first attempt stopped itself; its process is gone now (killed, not left stopped).
    const stalledPid = Number(readFileSync(join(temp.dir, "jobs", String(job.id), "stalled-1.pid"), "utf8"));
    expect(stalledPid).toBeGreaterThan(0);
    expect(isAlive(stalledPid)).toBe(false);
    expect(workerOutput(worker)).toMatch(new RegExp(`job ${job.id} stopped sending heartbeats; killing its process`));
    const events = jobEventsSince(temp.db, job.id).map((e) => e.text);
    expect(events.join("\n")).toMatch(/Interrupted \(its process was killed \(SIGKILL\)\); queued to resume\./);
  }, 150_000);
});
