// POST /api/projects/[id]/demonstrations/[demonstrationId]/review {decision: accepted|rejected,
// comment?} (reviewers, researchers, admins): the review of a submitted demonstration (the latest
// decision stands). 200 {demonstration}; 400 naming the field; 403 the reviewer's own
// demonstration; 404 no such project or no submitted demonstration of it.
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { demonstrationReviewSchema } from "@/lib/demonstrations/demonstration-body";
import { reviewDemonstration } from "@/lib/demonstrations/demonstration-review";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const POST = route(async (request: Request, { params }: { params: Promise<{ id: string; demonstrationId: string }> }) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const p = await params;
  const id = parseId(p.id);
  const demonstrationId = parseId(p.demonstrationId);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  if (demonstrationId === undefined) return notFound("no such demonstration");
  const body = await parseJsonBody(request, demonstrationReviewSchema);
  if (body instanceof Response) return body;
  const result = reviewDemonstration(db, id, demonstrationId, user.id, body);
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status });
  return Response.json({ demonstration: result.demonstration });
});
