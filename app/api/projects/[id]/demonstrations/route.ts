// GET /api/projects/[id]/demonstrations?review=pending|accepted|rejected&limit=N (reviewers,
// researchers, admins): the project's submitted demonstrations, newest first (drafts never):
// {demonstrations: [{id, taskId, promptId, messages, text, annotator: {id, name}, source, review,
// reviewComment, submittedAt}]}; 400 naming the parameter; 404 no such project.
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { demonstrationListQuerySchema } from "@/lib/demonstrations/demonstration-body";
import { listDemonstrations } from "@/lib/demonstrations/demonstration-review";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  const query = parseQuery(request.url, demonstrationListQuerySchema);
  if (query instanceof Response) return query;
  return Response.json({ demonstrations: listDemonstrations(db, id, query) });
});
