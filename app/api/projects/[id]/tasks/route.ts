// GET /api/projects/[id]/tasks: a page of the project's tasks with their counts, round and agreement (admin, researcher).
// Query (all optional, lib/labeling/task-filter.ts): q (search prompts and completions), flag (any | a flag), none=1,
// edited=1, model, round, status (unranked | in-progress | complete), agreementBelow / agreementAbove (0–1),
// sort (oldest | newest | lowest-agreement | most-flags | most-rankings), offset, limit (1–500).
// A malformed or out-of-range value answers 400 naming the parameter.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, notFound, parseId, route } from "@/lib/http";
import { listProjectTasks } from "@/lib/labeling/browse";
import { parseTaskQuery } from "@/lib/labeling/task-filter";
import { getProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  const { query, issues } = parseTaskQuery(new URL(request.url).searchParams);
  if (issues.length > 0) return badRequest(issues);
  return Response.json({ ...listProjectTasks(db, id, query), query });
});
