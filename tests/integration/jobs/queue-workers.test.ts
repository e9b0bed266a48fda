// Several workers on one queue: three `palate worker` processes on one SQLite file take nine
// jobs between them, and each job runs exactly once — every execution appends a line to a file,
// so a job claimed twice would show twice.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueJob, getJob } from "@/lib/jobs/queue";
import { FIXTURE_JOB_KINDS, useWorkerPool, ended, waitFor, workerReady } from "../../helpers/jobs";

describe("several workers on one queue", () => {
  const setup = useWorkerPool();

  it("9 jobs, 3 workers: each job runs once, and the work is shared", async () => {
    const workers = [0, 1, 2].map(() => setup.pool.start(setup.temp.path, { PALATE_JOB_KINDS: FIXTURE_JOB_KINDS }));
    await Promise.all(workers.map(workerReady));
    const tally = join(setup.temp.dir, "tally.txt");
    const jobs = Array.from({ length: 9 }, () => enqueueJob(setup.temp.db, { kind: "tally", params: { file: tally, ms: 200 } }));

    const done = [];
    for (const job of jobs) done.push(await waitFor(() => getJob(setup.temp.db, job.id), ended, 180_000));
    expect(done.map((j) => [j.id, j.status, j.attempts])).toEqual(jobs.map((j) => [j.id, "succeeded", 1]));

    const lines = readFileSync(tally, "utf8").trim().split("\n");
    const ids = lines.map((l) => Number(l.split(" ")[0])).sort((a, b) => a - b);
    expect(ids).toEqual(jobs.map((j) => j.id));
    // Each execution happened in a child of one of the three workers, the one the row names.
    const workerPids = new Set(workers.map((w) => w.pid));
    const ranUnder = new Map(lines.map((l) => [Number(l.split(" ")[0]), Number(l.split(" ")[1])]));
    for (const j of done) {
      expect(workerPids.has(j.workerPid!)).toBe(true);
      expect(ranUnder.get(j.id)).toBe(j.workerPid);
    }
    expect(new Set(done.map((j) => j.workerPid)).size).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
