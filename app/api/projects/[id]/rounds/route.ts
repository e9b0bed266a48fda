// POST /api/projects/[id]/rounds: start the next round of the project's loop (admin, researcher).
// Body {policyModelId, mixPrevious?, sampling?}: a PPO policy of this project samples every
// distinct prompt again (K completions each; mixed by default with the model it started from,
// so annotators rank the two head to head), tagged with the next round. Answers 201 with the
// generation job; a 400 names the field (`policyModelId: … is not a PPO policy of this project`).
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { getJobView } from "@/lib/jobs/views";
import { getProject } from "@/lib/projects";
import { nextRoundRequestSchema, startNextRound } from "@/lib/rounds/next-round";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getProject(db, id)) return notFound("no such project");
  const input = await parseJsonBody(request, nextRoundRequestSchema);
  if (input instanceof Response) return input;
  const started = startNextRound(db, id, input, user.id);
  if ("issues" in started) return badRequest(started.issues);
  return Response.json({ job: getJobView(db, started.job.id) }, { status: 201 });
});
