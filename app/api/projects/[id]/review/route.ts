// GET /api/projects/[id]/review (reviewer, researcher, admin): the project's review queue —
// tasks with low agreement, flags or "none acceptable" rankings, and those already decided
// (lib/quality/review-rule.ts): {threshold, total, counts: {open, waiting, reviewed}, offset,
// tasks: [{taskId, prompt, state, rankings, required, agreement, flagged, noneAcceptable, reasons,
// lastAction}], computedAt, freshness, refreshJobId}, open ones first, a page of ?limit= (default
// 1000, at most 10000) from ?offset= (default 0). A large project's candidates come from the statistics cache (202 computing
// the first time, unless ?wait=SECONDS), the reviewers' decisions always live. 404 no such project.
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { z } from "zod";
import { computingResponse, servedForRoute, waitQuery } from "@/app/components/served-statistics";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { reviewQueueFrom, reviewStateCounts } from "@/lib/quality/review-store";
import { reviewCandidatesStatistic } from "@/lib/stats/project-statistics";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  ...waitQuery,
  /** A page of the queue: a large project's may hold tens of thousands of tasks. */
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (!project) return notFound("no such project");
  const served = await servedForRoute(project.id, reviewCandidatesStatistic, query.wait);
  if (!served) return notFound("no such project");
  if (served.value === undefined) return computingResponse(served);
  const queue = reviewQueueFrom(db, project, served.value);
  return Response.json({
    threshold: project.reviewAgreementThreshold,
    total: queue.length,
    counts: reviewStateCounts(queue),
    offset: query.offset,
    tasks: queue.slice(query.offset, query.offset + query.limit),
    computedAt: served.computedAt,
    freshness: served.freshness,
    refreshJobId: served.jobId,
  });
});
