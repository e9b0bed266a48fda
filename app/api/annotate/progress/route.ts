// GET /api/annotate/progress?projectId= (annotators): the caller's counters in a project
// {progress: {ranked, skipped, left, heldTaskId, totalTasks}}; 404 unknown project.
import { z } from "zod";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseQuery, route } from "@/lib/http";
import { queueProgress } from "@/lib/labeling/queue";

export const dynamic = "force-dynamic";

const querySchema = z.object({ projectId: z.coerce.number().int().positive() }).strict();

export const GET = route(async (request: Request) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  const progress = queueProgress(getDb(), query.projectId, user.id);
  return progress ? Response.json({ progress }) : notFound(`project ${query.projectId} not found`);
});
