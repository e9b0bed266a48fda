// POST /api/jobs/[id]/cancel: cancel a job (admins any job; researchers a job of a kind they
// may start: train-rm, score). A queued job is cancelled at once; a running one is asked to
// stop and ends "cancelled" at its next check. A finished job is answered as it is (409).
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, route } from "@/lib/http";
import { getJobView, mayCancelJob } from "@/lib/jobs/views";
import { FINISHED, getJob, requestCancel } from "@/lib/jobs/queue";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const POST = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const before = id === undefined ? undefined : getJob(db, id);
  if (id === undefined || !before) return notFound("no such job");
  if (!mayCancelJob(user.role, before.kind)) {
    return Response.json({ error: `a ${user.role} may not cancel ${before.kind} jobs` }, { status: 403 });
  }
  if (FINISHED.includes(before.status)) {
    return Response.json({ error: `the job already ended (${before.status})`, job: getJobView(db, id) }, { status: 409 });
  }
  requestCancel(db, id);
  return Response.json({ job: getJobView(db, id) });
});
