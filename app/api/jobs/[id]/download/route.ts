// GET /api/jobs/[id]/download (admin, researcher): the file a finished job produced, as an
// attachment — a best-of-n run's kept answers (lib/jobs/job-download.ts says which file each kind
// offers). 404 for an unknown job, a kind without a file, or a job still queued or running.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { dataDir } from "@/lib/datasets/snapshot-store";
import { notFound, parseId, route } from "@/lib/http";
import { jobDownload } from "@/lib/jobs/job-download";
import { getJob } from "@/lib/jobs/queue";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const job = id === undefined ? undefined : getJob(getDb(), id);
  if (!job) return notFound("no such job");
  const download = jobDownload(dataDir(), job);
  if ("missing" in download) return notFound(download.missing);
  const body = Readable.toWeb(createReadStream(download.path)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": download.contentType,
      "content-disposition": `attachment; filename="${download.filename}"`,
      "cache-control": "no-store",
    },
  });
});
