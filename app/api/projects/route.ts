// GET /api/projects: every project with its progress (admin, researcher).
// POST /api/projects: create one {name, guidelines?, completionsPerTask?, redundancy?, assignmentTimeoutSeconds?} (admin).
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, route } from "@/lib/http";
import { listProjectsWithServedProgress } from "@/app/components/served-statistics";
import { createProject, DuplicateProjectError, newProjectSchema } from "@/lib/projects";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
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
    throw err;
  }
});
