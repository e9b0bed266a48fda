// POST /api/tasks/[id]/skip {reason} (annotators): give a task assigned to the caller back; it is
// never offered to them again. 200 {assignment}; 400 naming the field; 403 not the caller's task;
// 404 unknown task; 409 already ranked.
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { skipAssignment } from "@/lib/labeling/assignment-store";
import { skipSchema } from "@/lib/labeling/submission";

export const dynamic = "force-dynamic";

export const POST = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such task");
  const body = await parseJsonBody(request, skipSchema);
  if (body instanceof Response) return body;
  const result = skipAssignment(getDb(), id, user.id, body.reason);
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status });
  const { id: assignmentId, taskId, status, skipReason } = result.assignment;
  return Response.json({ assignment: { id: assignmentId, taskId, status, skipReason } });
});
