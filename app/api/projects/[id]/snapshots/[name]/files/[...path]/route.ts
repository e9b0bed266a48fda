// GET /api/projects/[id]/snapshots/[name]/files/[...path] (admin, researcher): one file of a
// snapshot, e.g. README.md (its dataset card), snapshot.json or trl/train.jsonl, as an attachment.
// Only the paths the snapshot's manifest lists are served (no `..`, no other file of the data
// folder): anything else answers 404, as does an unknown project or snapshot.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, route } from "@/lib/http";
import { dataDir, findSnapshot, snapshotDir, snapshotFilePath } from "@/lib/datasets/snapshot-store";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

const CONTENT_TYPES: Record<string, string> = {
  ".md": "text/markdown; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".jsonl": "application/x-ndjson; charset=utf-8",
};

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string; name: string; path: string[] }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const { id: rawId, name, path: segments } = await params;
  const id = parseId(rawId);
  const project = id === undefined ? undefined : getProject(getDb(), id);
  if (!project) return notFound("no such project");
  const manifest = findSnapshot(dataDir(), project.id, name);
  if (!manifest) return notFound("no such snapshot");
  const path = segments.join("/");
  const file = snapshotFilePath(snapshotDir(dataDir(), project.id, name), manifest, path);
  if (!file) return notFound(`snapshot ${manifest.name} has no file ${JSON.stringify(path)}`);
  const extension = path.slice(path.lastIndexOf("."));
  const filename = `${manifest.name}-${path.replace(/\//g, "-")}`;
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": CONTENT_TYPES[extension] ?? "application/octet-stream",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
});
