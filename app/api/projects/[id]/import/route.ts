// POST /api/projects/[id]/import (admin): import a JSONL dataset into project [id], all or nothing.
//
// Two ways to send the file, both streamed to disk under the data folder as they arrive (never
// held in memory). Large uploads bypass the proxy (proxy.ts), so the route applies the same
// checks itself first (lib/security/request-guard.ts: CSRF rules, a declared length over the cap)
// and counts the bytes of a streamed upload against PALATE_IMPORT_MAX_BYTES (413 past it):
// - the raw file as the body (any content type but multipart), with
//   `?format=palate|trl|oasst|rankings|hh|openrlhf|gsm8k|qa|sft` (lib/datasets/prompt-formats.ts
//   ALL_IMPORT_FORMATS; gsm8k and qa import prompts with reference answers and no tasks,
//   lib/datasets/prompt-import.ts)
//   (from a browser: `fetch(url + "?format=trl", { method: "POST", body: file })`);
// - multipart/form-data with a `file` field and a `format` field (a plain HTML form), parsed as a
//   stream; `?format=` in the URL also works here.
//
// A file up to PALATE_IMPORT_SYNC_MAX_BYTES (default 256 KiB) is imported by the request itself;
// a larger one becomes an `import` job that the worker runs in a child process (the server stays
// responsive), answered at once with 202. Both read the file with the same code (lib/datasets/import.ts).
//
// Answers (JSON):
// - 200 {imported: {tasks, rankings}, errors: [], invalidLines: 0}; for gsm8k and qa
//   {imported: {prompts, tasks: 0, rankings: 0}, duplicates, errors: [], invalidLines: 0}
//   and for sft {imported: {prompts, tasks, rankings: 0, demonstrations}, errors: [], invalidLines: 0}
// - 202 {job: {id, status, …}} for a large file: follow it at GET /api/jobs/[id] (it fails with
//   the first bad line in `error`, and every bad line in its output `errors`, writing nothing)
// - 400 {imported: {tasks: 0, rankings: 0}, errors: [{line, message}, …first 100], invalidLines, error}
//   when any line is invalid (nothing is written), or {error, issues} for a missing/unknown format or file
// - 401 signed out, 403 not an admin or a cross-origin write, 404 no such project, 413 over the cap
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { ADMIN } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { databasePath, getDb } from "@/db/client";
import { badRequest, notFound, parseId, route } from "@/lib/http";
import { importFile } from "@/lib/datasets/import";
import { importUploadsDir } from "@/lib/datasets/import-job";
import { ALL_IMPORT_FORMATS as IMPORT_FORMATS, isPromptFormat, type PromptFormat } from "@/lib/datasets/prompt-formats";
import { importPromptFile } from "@/lib/datasets/prompt-import";
import { SFT_FORMAT } from "@/lib/datasets/sft-format";
import { importSftFile } from "@/lib/datasets/sft-import";
import { spoolMultipart, spoolToFile, UploadError, UploadTooLargeError } from "@/lib/datasets/upload";
import { IMPORT_JOB_KIND } from "@/lib/jobs/kinds/import";
import { enqueueJob } from "@/lib/jobs/queue";
import { getJobView } from "@/lib/jobs/views";
import { getProject } from "@/lib/projects";
import { importMaxBytes, tooLarge } from "@/lib/security/body-limits";
import { guardRequest, refusalResponse } from "@/lib/security/request-guard";

export const dynamic = "force-dynamic";

// sft: TRL's conversational SFT rows → demonstrations (lib/datasets/sft-import.ts); a large file goes to the same import job.
const FORMATS = [...IMPORT_FORMATS, SFT_FORMAT] as const;
const formatSchema = z.enum(FORMATS, { error: `expected one of ${FORMATS.join(", ")}` });

/** Uploads up to this size are imported within the request; larger ones by a job. */
function syncMaxBytes(): number {
  const n = Number(process.env.PALATE_IMPORT_SYNC_MAX_BYTES);
  return Number.isFinite(n) && n >= 0 ? n : 256 * 1024;
}

function checkFormat(format: string | null): Response | (typeof FORMATS)[number] {
  const parsed = formatSchema.safeParse(format ?? undefined);
  if (parsed.success) return parsed.data;
  return badRequest(format ? `expected one of ${FORMATS.join(", ")}, got "${format}"` : "missing field", "format");
}

export const POST = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const refused = guardRequest(request);
  if (refused) return refused;
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");

  let format: string | null = new URL(request.url).searchParams.get("format");
  const contentType = request.headers.get("content-type") ?? "";
  const multipart = contentType.toLowerCase().startsWith("multipart/form-data");
  // A raw body's format is known before reading it: a bad one is refused without reading.
  if (!multipart) {
    const checked = checkFormat(format);
    if (checked instanceof Response) return checked;
  }

  const uploads = importUploadsDir(process.env.PALATE_DATA_DIR ?? dirname(databasePath()));
  mkdirSync(uploads, { recursive: true, mode: 0o700 });
  const upload = `${randomUUID()}.jsonl`;
  const path = join(uploads, upload);
  const maxBytes = importMaxBytes();
  let handedToJob = false;
  try {
    let bytes: number;
    try {
      if (multipart) {
        const spooled = await spoolMultipart(request.body, contentType, path, maxBytes);
        if (spooled.fields.format) format = spooled.fields.format;
        bytes = spooled.bytes;
      } else {
        bytes = (await spoolToFile(request.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }), path, maxBytes)).bytes;
      }
    } catch (err) {
      if (err instanceof UploadTooLargeError) return refusalResponse(tooLarge(err.maxBytes));
      if (err instanceof UploadError) return badRequest(err.message, err.field);
      throw err;
    }
    const checked = checkFormat(format);
    if (checked instanceof Response) return checked;

    if (bytes > syncMaxBytes()) {
      const job = enqueueJob(db, { kind: IMPORT_JOB_KIND, params: { projectId: id, format: checked, upload, bytes }, projectId: id, createdBy: user.id });
      handedToJob = true;
      return Response.json({ job: getJobView(db, job.id) }, { status: 202 });
    }

    if (checked === SFT_FORMAT) {
      const report = importSftFile(db, path, { projectId: id });
      const answer = { imported: report.imported, errors: report.errors, invalidLines: report.invalidLines };
      if (report.invalidLines === 0) return Response.json(answer);
      const first = report.errors[0];
      return Response.json(
        { ...answer, error: `${report.invalidLines} invalid line(s), nothing imported (first: line ${first.line}: ${first.message})` },
        { status: 400 },
      );
    }

    const prompts = isPromptFormat(checked) ? importPromptFile(db, path, checked, { projectId: id }) : undefined;
    const report = prompts ?? importFile(db, path, checked as Exclude<typeof checked, PromptFormat>, { projectId: id });
    const answer = { imported: report.imported, ...(prompts && { duplicates: prompts.duplicates }), errors: report.errors, invalidLines: report.invalidLines };
    if (report.invalidLines > 0) {
      const first = report.errors[0];
      return Response.json(
        { ...answer, error: `${report.invalidLines} invalid line(s), nothing imported (first: line ${first.line}: ${first.message})` },
        { status: 400 },
      );
    }
    return Response.json(answer);
  } finally {
    if (!handedToJob) rmSync(path, { force: true });
  }
});
