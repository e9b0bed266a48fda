// POST /api/annotate/demonstrations/next {projectId} (annotators): a demonstration task in a project
// of mode demonstration, from the same assignment rule as rankings (lib/demonstrations/demonstration-store.ts).
// 200 {assignment, resumed, task: {id, projectId, messages, completions}, draft: {text, updatedAt} | null,
// progress}: the task the caller holds there (with their saved draft), else a new one; 204 when nothing
// is left for the caller; 400 naming the field; 404 unknown project; 409 a project of another mode.
import { z } from "zod";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseJsonBody, route } from "@/lib/http";
import { demonstrationPayload, requestDemonstrationTask } from "@/lib/demonstrations/demonstration-store";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ projectId: z.number().int().positive() }).strict();

export const POST = route(async (request: Request) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const body = await parseJsonBody(request, bodySchema);
  if (body instanceof Response) return body;
  const db = getDb();
  const now = Date.now();
  const project = getProject(db, body.projectId);
  if (!project) return notFound(`project ${body.projectId} not found`);
  if (project.mode !== "demonstration")
    return Response.json(
      { error: `project ${project.id} asks for ${project.mode === "pairwise" ? "pairwise comparisons" : "rankings"}, not demonstrations` },
      { status: 409 },
    );
  const got = requestDemonstrationTask(db, project.id, user.id, now);
  if (got === undefined) return notFound(`project ${body.projectId} not found`);
  if (got === null) return new Response(null, { status: 204 });
  return Response.json(demonstrationPayload(db, got.assignment, got.resumed, user.id, now));
});
