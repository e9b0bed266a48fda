// Running a job in the foreground (the CLI): the row is enqueued and claimed by this process
// in one IMMEDIATE transaction, so no worker can take it in between, and the job shows in the
// app's job list like any other. run-job.ts then runs it here.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { jobs } from "../../db/schema";
import { enqueueJob, type Job, type NewJob } from "../jobs/queue";

export function enqueueClaimed(db: Db, job: NewJob, pid: number = process.pid): Job {
  return db.transaction(
    (tx) => {
      const row = enqueueJob(tx, job);
      const t = Date.now();
      return tx
        .update(jobs)
        .set({ status: "running", workerPid: pid, heartbeatAt: t, startedAt: t, attempts: sql`${jobs.attempts} + 1`, message: "starting" })
        .where(eq(jobs.id, row.id))
        .returning()
        .get();
    },
    { behavior: "immediate" },
  );
}
