// A job whose process stops heart-beating (alive, but SIGSTOPped) is killed by its worker once
// the heartbeat is older than staleMs, and queued again: it resumes on a second attempt and
// succeeds. The worker runs with staleMs 8 s (the default is 30 s) so the test takes seconds; on a
// loaded machine a new child can take that long to send its first heartbeat and be killed too, so
// it may take more than two attempts (up to 5 here).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobEventsSince } from "@/lib/jobs/queue";
import { FIXTURE_JOB_KINDS, useWorkerPool, ended, isAlive, waitFor, workerOutput } from "../../helpers/jobs";

describe("a job whose heartbeat goes stale", () => {
  const setup = useWorkerPool();

  it("is killed by its worker and resumed on a new attempt", async () => {
    const worker = setup.pool.start(
      setup.temp.path,
      { PALATE_JOB_KINDS: FIXTURE_JOB_KINDS, PALATE_DATA_DIR: setup.temp.dir },
      { staleMs: 8000, pollMs: 200, maxAttempts: 5 },
    );
    const job = enqueueJob(setup.temp.db, { kind: "stall", params: { stallAttempts: 1 } });
    const done = await waitFor(() => getJob(setup.temp.db, job.id), ended, 120_000);
    expect(done.status, workerOutput(worker)).toBe("succeeded");
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.result).toEqual({ attempt: done.attempts });

    // The first attempt stopped itself; its process is gone now (killed, not left stopped).
    const stalledPid = Number(readFileSync(join(setup.temp.dir, "jobs", String(job.id), "stalled-1.pid"), "utf8"));
    expect(stalledPid).toBeGreaterThan(0);
    expect(isAlive(stalledPid)).toBe(false);
    expect(workerOutput(worker)).toMatch(new RegExp(`job ${job.id} stopped sending heartbeats; killing its process`));
    const events = jobEventsSince(setup.temp.db, job.id).map((e) => e.text);
    expect(events.join("\n")).toMatch(/Interrupted \(its process was killed \(SIGKILL\)\); queued to resume\./);
  }, 150_000);
});
