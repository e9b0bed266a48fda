// GET /api/tasks/[id]: one task. Admins and researchers read any task (completions in stored
// order, with model names). An annotator reads only a task assigned to them: {assignment, task
// (in their display order), ranking (theirs, once submitted)}; another's task answers 403, an
// unknown id 404.
import { getDb } from "@/db/client";
import { ANYONE, seesOnlyOwnWork } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, route } from "@/lib/http";
import { findAssignment } from "@/lib/labeling/assignment-store";
import { assignmentPayload } from "@/lib/labeling/assignment-view";
import { rankingOfAssignment } from "@/lib/labeling/submission-store";
import { getTask } from "@/lib/tasks";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(ANYONE);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  const task = id === undefined ? undefined : getTask(db, id);
  if (!task) return notFound("no such task");
  if (!seesOnlyOwnWork(user.role)) return Response.json({ task });
  const assignment = findAssignment(db, task.id, user.id);
  if (!assignment) return Response.json({ error: `task ${task.id} is not assigned to you` }, { status: 403 });
  return Response.json({ ...assignmentPayload(db, assignment, true, user.id), ranking: rankingOfAssignment(db, assignment.id) ?? null });
});
