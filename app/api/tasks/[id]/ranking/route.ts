// POST /api/tasks/[id]/ranking (annotators): submit the caller's ranking of a task assigned to them.
// Body: {groups: number[][] (completion ids, best group first; ties share a group),
//        noneAcceptable?, flags?: [{completionId, flag}], comment?, secondsSpent?, assignmentId?}.
// 201 {ranking, created: true}; 200 {ranking, created: false} for a repeated submit (the first
// ranking, nothing written); 400 {error, issues} naming the field; 403 not the caller's task;
// 404 unknown task; 409 skipped, or expired with the task since gone to others.
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody } from "@/lib/http";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";
import { submitRanking } from "@/lib/labeling/submission-store";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such task");
  const body = await parseJsonBody(request, rankingSubmissionSchema);
  if (body instanceof Response) return body;
  const result = submitRanking(getDb(), id, user.id, body);
  if (!result.ok) return Response.json({ error: result.error, ...(result.issues ? { issues: result.issues } : {}) }, { status: result.status });
  return Response.json({ ranking: result.ranking, created: result.created }, { status: result.created ? 201 : 200 });
}
