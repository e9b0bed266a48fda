// POST /api/projects/[id]/import (admin): import a JSONL dataset into project [id], all or nothing.
//
// Two ways to send the file:
// - the raw file as the body (any content type but multipart), with `?format=palate|trl|oasst`;
//   the body is streamed to disk while it is validated, so this suits files of any size
//   (from a browser: `fetch(url + "?format=trl", { method: "POST", body: file })`);
// - multipart/form-data with a `file` field and a `format` field (a plain HTML form; the
//   platform buffers the part in memory once, so prefer the raw body for very large files).
//   `?format=` in the URL also works here.
//
// Answers (JSON):
// - 200 {imported: {tasks, rankings}, errors: [], invalidLines: 0}
// - 400 {imported: {tasks: 0, rankings: 0}, errors: [{line, message}, …first 100], invalidLines, error}
//   when any line is invalid (nothing is written), or {error, issues} for a missing/unknown format or file
// - 401 signed out, 403 not an admin, 404 no such project
import { z } from "zod";
import { ADMIN } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, notFound, parseId } from "@/lib/http";
import { importStream } from "@/lib/datasets/import";
import { IMPORT_FORMATS } from "@/lib/datasets/record";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

const formatSchema = z.enum(IMPORT_FORMATS, { error: `expected one of ${IMPORT_FORMATS.join(", ")}` });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");

  let format: string | null = new URL(request.url).searchParams.get("format");
  let body: ReadableStream<Uint8Array> | null;
  if ((request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return badRequest("the multipart body could not be read");
    }
    const file = form.get("file");
    if (!(file instanceof Blob)) return badRequest("missing field: expected the dataset file", "file");
    const field = form.get("format");
    if (typeof field === "string" && field !== "") format = field;
    body = file.stream();
  } else {
    body = request.body;
  }
  const parsedFormat = formatSchema.safeParse(format ?? undefined);
  if (!parsedFormat.success) return badRequest(format ? `expected one of ${IMPORT_FORMATS.join(", ")}, got "${format}"` : "missing field", "format");

  const report = await importStream(db, body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }), parsedFormat.data, { projectId: id });
  const answer = { imported: report.imported, errors: report.errors, invalidLines: report.invalidLines };
  if (report.invalidLines > 0) {
    const first = report.errors[0];
    return Response.json(
      { ...answer, error: `${report.invalidLines} invalid line(s), nothing imported (first: line ${first.line}: ${first.message})` },
      { status: 400 },
    );
  }
  return Response.json(answer);
}
