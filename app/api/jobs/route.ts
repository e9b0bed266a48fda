// GET /api/jobs?projectId=&kind=&limit=: the newest jobs (admin, researcher).
// POST /api/jobs: start a job {kind: "generate", params} (admin). The parameters are checked
// against the kind's schema, then against the database (project, model, prompts); a 400
// names the field ("params.modelId: no such model").
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, parseQuery } from "@/lib/http";
import { getJobView, jobListQuerySchema, listJobViews, newJobSchema, submitJob } from "@/lib/jobs/views";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const query = parseQuery(request.url, jobListQuerySchema);
  if (query instanceof Response) return query;
  return Response.json({ jobs: listJobViews(getDb(), query) });
}

export async function POST(request: Request) {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const input = await parseJsonBody(request, newJobSchema);
  if (input instanceof Response) return input;
  const db = getDb();
  const submitted = submitJob(db, input, user.id);
  if ("issues" in submitted) return badRequest(submitted.issues);
  return Response.json({ job: getJobView(db, submitted.job.id) }, { status: 201 });
}
