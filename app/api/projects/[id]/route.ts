// GET /api/projects/[id]: the project with its progress (admin, researcher); a large project's
// progress is null while it is first computed, unless ?wait=SECONDS (at most 60) lets the request
// wait for it.
// PATCH /api/projects/[id]: change settings {name?, guidelines?, completionsPerTask?, redundancy?, assignmentTimeoutSeconds?,
// goldShare?, goldAccuracyThreshold?, goldMinAnswers?, reviewAgreementThreshold?, mode?, taskOrder?} (admin); 400 naming
// `mode` when pairwise mode meets a K other than 2.
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { z } from "zod";
import { badRequest, notFound, parseId, parseJsonBody, parseQuery, route } from "@/lib/http";
import { projectWithServedProgress, servedForRoute, waitQuery } from "@/app/components/served-statistics";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";
import { DuplicateProjectError, ProjectSettingsError, getProject, projectSettingsSchema, updateProject } from "@/lib/projects";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

const querySchema = z.object(waitQuery);

export const GET = route(async (request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  if (id !== undefined && query.wait > 0) await servedForRoute(id, projectStatsStatistic, query.wait);
  // Progress from the statistics cache for a large project (lib/stats/served-statistic.ts);
  // `statistics` says when it was computed, and `progress` is null while it is first computed.
  const project = id === undefined ? undefined : projectWithServedProgress(id);
  return project ? Response.json({ project }) : notFound("no such project");
});

export const PATCH = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  const input = await parseJsonBody(request, projectSettingsSchema.partial());
  if (input instanceof Response) return input;
  try {
    return Response.json({ project: updateProject(db, id, input) });
  } catch (err) {
    if (err instanceof DuplicateProjectError) return badRequest("a project with this name already exists", "name");
    if (err instanceof ProjectSettingsError) return badRequest(err.message.slice(err.field.length + 2), err.field);
    throw err;
  }
});
