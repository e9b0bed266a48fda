// GET /api/projects/[id]/review (reviewer, researcher, admin): the project's review queue —
// tasks with low agreement, flags or "none acceptable" rankings, and those already decided
// (lib/quality/review-rule.ts): {threshold, tasks: [{taskId, prompt, state, rankings, required,
// agreement, flagged, noneAcceptable, reasons, lastAction}]}, open ones first. 404 no such project.
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, route } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { reviewQueue } from "@/lib/quality/review-store";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  return Response.json({ threshold: project.reviewAgreementThreshold, tasks: reviewQueue(db, project) });
});
