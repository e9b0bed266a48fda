// The "snapshot" job kind: a project's snapshot written in the worker's child process, so the web
// server stays responsive on a large project (POST /api/projects/[id]/snapshots enqueues it above
// the synchronous size, lib/datasets/snapshot-job.ts). Its parameters are the request, whole and
// with its defaults, beside the project. Resumable: a rerun writes the snapshot again from the
// start (a snapshot is all or nothing), after clearing the temp folder its killed attempt left.
// It ends succeeded with {status: "created" | "exists", hash, …}, or failed with the reason (the
// name taken by other data, no ranking to snapshot, the project gone).
import { z } from "zod";
import { snapshotRequestSchema } from "../../datasets/snapshot";
import type { JobKind } from "../kind";

export const SNAPSHOT_JOB_KIND = "snapshot";

export const snapshotJobParamsSchema = snapshotRequestSchema.extend({ projectId: z.number().int().positive() }).strict();
export type SnapshotJobParams = z.output<typeof snapshotJobParamsSchema>;

export const snapshotJobKind: JobKind<SnapshotJobParams> = {
  kind: SNAPSHOT_JOB_KIND,
  title: "Snapshot",
  params: snapshotJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { runSnapshotJob } = await import("../../datasets/snapshot-job");
    return runSnapshotJob(ctx);
  },
};
