// GET /api/jobs?projectId=&kind=&limit=: the newest jobs (admin, researcher).
// POST /api/jobs: start a job {kind, params} — "generate" (admin), "train-rm", "score", "ppo",
// "grpo" and "dpo" (admin, researcher; see JOB_START_ROLES). The parameters are checked against
// the kind's schema, then against the database (project, model, prompts); a 400 names the field
// ("params.modelId: no such model"); a kind the user's role may not start is a 403.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, parseQuery, route } from "@/lib/http";
import { getJobView, jobListQuerySchema, listJobViews, mayStartJob, newJobSchema, submitJob } from "@/lib/jobs/views";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const query = parseQuery(request.url, jobListQuerySchema);
  if (query instanceof Response) return query;
  return Response.json({ jobs: listJobViews(getDb(), query) });
});

export const POST = route(async (request: Request) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const input = await parseJsonBody(request, newJobSchema);
  if (input instanceof Response) return input;
  if (!mayStartJob(user.role, input.kind)) {
    return Response.json({ error: `a ${user.role} may not start ${input.kind} jobs` }, { status: 403 });
  }
  const db = getDb();
  const submitted = submitJob(db, input, user.id);
  if ("issues" in submitted) return badRequest(submitted.issues);
  return Response.json({ job: getJobView(db, submitted.job.id) }, { status: 201 });
});
