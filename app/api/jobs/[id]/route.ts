// GET /api/jobs/[id]?afterEvent=&afterMetric=&params=false: the job, its events and metric points
// after the given ids (admin, researcher) — job pages poll this while the job runs, leaving the
// (possibly large) parameters out.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { getJobDetail, jobDetailQuerySchema } from "@/lib/jobs/views";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such job");
  const query = parseQuery(request.url, jobDetailQuerySchema);
  if (query instanceof Response) return query;
  const detail = getJobDetail(getDb(), id, query);
  return detail ? Response.json(detail) : notFound("no such job");
});
