// GET /api/projects: every project with its progress (admin, researcher).
// POST /api/projects: create one {name, guidelines?, completionsPerTask?, redundancy?, assignmentTimeoutSeconds?, mode?, taskOrder?, …}
// (admin); 400 naming `mode` for pairwise mode with a K other than 2.
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, route } from "@/lib/http";
import { listProjectsWithServedProgress, statisticReady } from "@/app/components/served-statistics";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";
import { createProject, DuplicateProjectError, ProjectSettingsError, listProjects, newProjectSchema } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  for (const p of listProjects(getDb())) await statisticReady(p.id, projectStatsStatistic);
  // Progress from the statistics cache for a large project (lib/stats/served-statistic.ts); `statistics` says when it was computed.
  return Response.json({ projects: listProjectsWithServedProgress({ computeWhenMissing: true }) });
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
