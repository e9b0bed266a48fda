// A job whose process dies on every attempt: `palate worker` queues it again (it is resumable)
// until it has had maxAttempts (3) attempts, then fails it with the reason.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobEventsSince } from "@/lib/jobs/queue";
import { FIXTURE_JOB_KINDS, useWorkerPool, ended, waitFor, workerOutput } from "../../helpers/jobs";

describe("too many attempts", () => {
  const setup = useWorkerPool();

  it("a job that crashes every time fails after its third attempt, saying why", async () => {
    const worker = setup.pool.start(setup.temp.path, { PALATE_JOB_KINDS: FIXTURE_JOB_KINDS });
    const trace = join(setup.temp.dir, "crash.txt");
    const job = enqueueJob(setup.temp.db, { kind: "crash", params: { file: trace } });
    const done = await waitFor(() => getJob(setup.temp.db, job.id), ended, 120_000);
    expect(done.status, workerOutput(worker)).toBe("failed");
    expect(done.attempts).toBe(3);
    expect(done.error).toBe("interrupted: its process exited with code 70 (gave up after 3 attempts)");
    expect(readFileSync(trace, "utf8")).toBe("attempt 1\nattempt 2\nattempt 3\n");
    const events = jobEventsSince(setup.temp.db, job.id);
    expect(events.filter((e) => e.level === "warn").map((e) => e.text)).toEqual([
      "Interrupted (its process exited with code 70); queued to resume.",
      "Interrupted (its process exited with code 70); queued to resume.",
    ]);
    expect(events.filter((e) => e.level === "error").map((e) => e.text)).toContain(done.error);
  }, 150_000);
});
