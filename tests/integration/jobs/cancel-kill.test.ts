// Cancelling a job that ignores the request: once the grace period has passed, the worker kills
// its process (SIGKILL) and the job ends cancelled. The job notes that it saw the abort and went
// on, and would note a normal exit of its process — which must not happen. The worker runs with a
// 1.5 s grace period (the default is 10 s).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueJob, getJob, requestCancel } from "@/lib/jobs/queue";
import { FIXTURE_JOB_KINDS, useWorkerPool, ended, isAlive, waitFor, workerOutput } from "../../helpers/jobs";

describe("cancel past the grace period", () => {
  const setup = useWorkerPool();

  it("force-kills a job that ignores the cancel", async () => {
    const worker = setup.pool.start(setup.temp.path, { PALATE_JOB_KINDS: FIXTURE_JOB_KINDS }, { cancelGraceMs: 1500, pollMs: 200 });
    const trace = join(setup.temp.dir, "ignore-cancel.pid");
    const job = enqueueJob(setup.temp.db, { kind: "ignore-cancel", params: { file: trace } });
    await waitFor(
      () => getJob(setup.temp.db, job.id),
      (j) => j.status === "running" && j.progress > 0,
      120_000,
    );
    const pid = Number(readFileSync(trace, "utf8"));
    expect(isAlive(pid)).toBe(true);

    const asked = Date.now();
    requestCancel(setup.temp.db, job.id);
    const done = await waitFor(() => getJob(setup.temp.db, job.id), ended, 60_000);
    expect(done.status, workerOutput(worker)).toBe("cancelled");
    expect(done.error).toBe("cancelled by a user");
    expect(done.progress).toBeLessThan(1);
    // Not before the grace period (generous: the worker sees the request at its next poll).
    expect(Date.now() - asked).toBeGreaterThanOrEqual(1500);
    // It saw the abort, kept going, and did not exit by itself: its process was killed.
    expect(existsSync(`${trace}.abort-seen`)).toBe(true);
    expect(existsSync(`${trace}.exited`)).toBe(false);
    expect(isAlive(pid)).toBe(false);
  }, 150_000);
});
