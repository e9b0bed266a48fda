// POST /api/annotate/next {projectId} (annotators): work in a project.
// 200 {assignment, resumed, task, progress}: the open assignment the caller holds there, else a
// new one (see lib/labeling/assignment-rule.ts; a gold task looks like any other); 204 when
// nothing is left for the caller; 403 {error, paused: {accuracy, answered, correct, threshold,
// minAnswers}} when their gold accuracy paused them on the project (lib/quality/gold-match.ts)
// until an admin unpauses them; 400 naming the field; 404 unknown project; 409 a demonstration
// project (its tasks come from /api/annotate/demonstrations/next).
import { z } from "zod";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseJsonBody, route } from "@/lib/http";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { assignmentPayload } from "@/lib/labeling/assignment-view";
import { getProject } from "@/lib/projects";
import { goldStanding } from "@/lib/quality/gold-store";

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
  if (project.mode === "demonstration")
    return Response.json({ error: `project ${project.id} asks for demonstrations: POST /api/annotate/demonstrations/next` }, { status: 409 });
  const gold = goldStanding(db, project, user.id);
  if (gold.paused) {
    const percent = Math.round((gold.accuracy ?? 0) * 100);
    return Response.json(
      {
        error: `You are paused on this project: ${gold.correct} of your ${gold.answered} answers to check tasks matched (${percent}%, below ${Math.round(gold.rule.threshold * 100)}%). An admin can unpause you.`,
        paused: { accuracy: gold.accuracy, answered: gold.answered, correct: gold.correct, threshold: gold.rule.threshold, minAnswers: gold.rule.minAnswers },
      },
      { status: 403 },
    );
  }
  const got = requestAssignment(db, body.projectId, user.id, now);
  if (got === undefined) return notFound(`project ${body.projectId} not found`);
  if (got === null) return new Response(null, { status: 204 });
  return Response.json(assignmentPayload(db, got.assignment, got.resumed, user.id, now));
});
