// Gold tasks of project [id].
// GET (admin, researcher): {goldTasks, settings: {goldShare, goldAccuracyThreshold, goldMinAnswers},
//   annotators: [{userId, name, email, answered, correct, accuracy, interval, paused, resetAt}]}.
// POST (admin) {lines: [...]}: the lines of a gold file (lib/quality/gold-file.ts), one object
//   each, applied all or nothing: 200 {marked, unmarked}; 400 naming `lines.N` (N from 0) and
//   the line (from 1) of the first bad one, nothing written; 404 no such project.
import { z } from "zod";
import { getDb } from "@/db/client";
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { badRequest, notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { GOLD_FILE_MAX_LINES, GoldFileError, parseGoldValues } from "@/lib/quality/gold-file";
import { applyGoldLines, goldAccuracyByAnnotator, goldTaskCount } from "@/lib/quality/gold-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const bodySchema = z.object({ lines: z.array(z.record(z.string(), z.unknown())).min(1).max(GOLD_FILE_MAX_LINES) }).strict();

export const GET = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  return Response.json({
    goldTasks: goldTaskCount(db, project.id),
    settings: { goldShare: project.goldShare, goldAccuracyThreshold: project.goldAccuracyThreshold, goldMinAnswers: project.goldMinAnswers },
    annotators: goldAccuracyByAnnotator(db, project),
  });
});

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  const body = await parseJsonBody(request, bodySchema);
  if (body instanceof Response) return body;
  try {
    return Response.json(applyGoldLines(db, project.id, parseGoldValues(body.lines)));
  } catch (err) {
    if (err instanceof GoldFileError) return badRequest(err.message, `lines.${err.line - 1}`);
    throw err;
  }
});
