// The project's dataset snapshots (admin, researcher): frozen, hashed exports with a dataset card
// (lib/datasets/snapshot.ts). A small project is snapshotted within the request; a large one (more
// than PALATE_SNAPSHOT_SYNC_MAX_RANKINGS rankings, default 1,000) by a `snapshot` job that the
// worker runs in a child process (lib/datasets/snapshot-job.ts), so the server keeps answering.
//
// GET  /api/projects/[id]/snapshots → {snapshots: [manifest, …] newest first, jobs: [job, …] the
//      snapshot jobs queued or running, oldest first}.
// POST /api/projects/[id]/snapshots {name, testShare?, license?, pairs?, includeNoneAcceptable?, …the
//      export's other filters} →
//      - 201 {status: "created", snapshot: manifest} (a small project);
//      - 200 {status: "exists", snapshot} when that name already holds the same data (decided
//        without exporting when the project's data version has not moved since that snapshot);
//      - 202 {status: "queued", job} (a large project): follow it at GET /api/jobs/[id]; it ends
//        succeeded with result {status: "created" | "exists", hash, …}, or failed with the reason
//        (the name taken by other data, no ranking to snapshot); a job of that name already queued
//        or running with the same settings is answered the same way;
//      - 409 {error} when the name holds other data (snapshots are immutable), no ranking passes the
//        filters, or a job of that name is running with other settings; 400 naming a bad field.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { createSnapshot, EmptySnapshotError, projectRankingCount, snapshotRequestSchema, SnapshotExistsError } from "@/lib/datasets/snapshot";
import { activeSnapshotJobs, enqueueSnapshotJob, snapshotSyncMaxRankings, sweepProjectSnapshotTemps, unchangedSnapshot } from "@/lib/datasets/snapshot-job";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
import { getJobView } from "@/lib/jobs/views";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

async function projectOf(context: Context) {
  const id = parseId((await context.params).id);
  return id === undefined ? undefined : getProject(getDb(), id);
}

export const GET = route(async (_request: Request, context: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const project = await projectOf(context);
  if (!project) return notFound("no such project");
  const db = getDb();
  return Response.json(
    { snapshots: listSnapshots(dataDir(), project.id), jobs: activeSnapshotJobs(db, project.id).map((j) => getJobView(db, j.id)) },
    { headers: { "cache-control": "no-store" } },
  );
});

export const POST = route(async (request: Request, context: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const project = await projectOf(context);
  if (!project) return notFound("no such project");
  const body = await parseJsonBody(request, snapshotRequestSchema);
  if (body instanceof Response) return body;
  const db = getDb();
  const data = dataDir();
  // What writers that were stopped midway left (a job killed past its cancel's grace period).
  sweepProjectSnapshotTemps(db, data, project.id);

  const unchanged = unchangedSnapshot(db, project, body, data);
  if (unchanged) return Response.json({ status: "exists", snapshot: unchanged });

  const active = activeSnapshotJobs(db, project.id).some((j) => j.params.name === body.name);
  const syncMax = snapshotSyncMaxRankings();
  if (active || projectRankingCount(db, project.id, syncMax + 1) > syncMax) {
    const outcome = enqueueSnapshotJob(db, project, body, user.id);
    if ("conflict" in outcome)
      return Response.json(
        {
          error: `name: snapshot "${body.name}" is being written by job ${outcome.conflict.id} with other settings; wait for it or choose another name`,
          field: "name",
        },
        { status: 409 },
      );
    return Response.json({ status: "queued", job: getJobView(db, outcome.job.id) }, { status: 202 });
  }

  try {
    const { status, manifest } = createSnapshot(db, project, body, data);
    return Response.json({ status, snapshot: manifest }, { status: status === "created" ? 201 : 200 });
  } catch (err) {
    if (err instanceof SnapshotExistsError) return Response.json({ error: err.message, field: "name" }, { status: 409 });
    if (err instanceof EmptySnapshotError) return Response.json({ error: err.message }, { status: 409 });
    throw err;
  }
});
