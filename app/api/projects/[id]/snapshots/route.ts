// The project's dataset snapshots (admin, researcher): frozen, hashed exports with a dataset card
// (lib/datasets/snapshot.ts).
//
// GET  /api/projects/[id]/snapshots → {snapshots: [manifest, …]}, newest first.
// POST /api/projects/[id]/snapshots {name, testShare?, license?, pairs?, includeNoneAcceptable?, …the
//      export's other filters} → 201 {status: "created", snapshot: manifest}, or 200 {status: "exists",
//      snapshot} when that name already holds the same data; 409 {error} when the name holds other
//      data (snapshots are immutable) or no ranking passes the filters; 400 naming a bad field.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { createSnapshot, EmptySnapshotError, snapshotRequestSchema, SnapshotExistsError } from "@/lib/datasets/snapshot";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
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
  return Response.json({ snapshots: listSnapshots(dataDir(), project.id) }, { headers: { "cache-control": "no-store" } });
});

export const POST = route(async (request: Request, context: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const project = await projectOf(context);
  if (!project) return notFound("no such project");
  const body = await parseJsonBody(request, snapshotRequestSchema);
  if (body instanceof Response) return body;
  try {
    const { status, manifest } = createSnapshot(getDb(), project, body, dataDir());
    return Response.json({ status, snapshot: manifest }, { status: status === "created" ? 201 : 200 });
  } catch (err) {
    if (err instanceof SnapshotExistsError) return Response.json({ error: err.message, field: "name" }, { status: 409 });
    if (err instanceof EmptySnapshotError) return Response.json({ error: err.message }, { status: 409 });
    throw err;
  }
});
