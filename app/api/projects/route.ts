// GET /api/projects: every project with its progress (admin, researcher); a large project's
// progress is null while it is first computed (its `statistics.freshness` says "computing"),
// unless ?wait=SECONDS (at most 60) lets the request wait for it.
// POST /api/projects: create one {name, guidelines?, completionsPerTask?, redundancy?, assignmentTimeoutSeconds?, mode?, taskOrder?, …}
// (admin); 400 naming `mode` for pairwise mode with a K other than 2.
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { z } from "zod";
import { badRequest, parseJsonBody, parseQuery, route } from "@/lib/http";
import { listProjectsWithServedProgress, servedForRoute, waitQuery } from "@/app/components/served-statistics";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";
import { createProject, DuplicateProjectError, ProjectSettingsError, listProjects, newProjectSchema } from "@/lib/projects";

export const dynamic = "force-dynamic";

const querySchema = z.object(waitQuery);

export const GET = route(async (request: Request) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  if (query.wait > 0) {
    const deadline = Date.now() + query.wait * 1000;
    for (const p of listProjects(getDb())) await servedForRoute(p.id, projectStatsStatistic, Math.max(0, Math.ceil((deadline - Date.now()) / 1000)));
  }
  // Progress from the statistics cache for a large project (lib/stats/served-statistic.ts);
  // `statistics` says when it was computed, and `progress` is null while it is first computed.
  return Response.json({ projects: listProjectsWithServedProgress() });
});

export const POST = route(async (request: Request) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const input = await parseJsonBody(request, newProjectSchema);
  if (input instanceof Response) return input;
  try {
    return Response.json({ project: createProject(getDb(), input) }, { status: 201 });
  } catch (err) {
    if (err instanceof DuplicateProjectError) return badRequest("a project with this name already exists", "name");
    if (err instanceof ProjectSettingsError) return badRequest(err.message.slice(err.field.length + 2), err.field);
    throw err;
  }
});
