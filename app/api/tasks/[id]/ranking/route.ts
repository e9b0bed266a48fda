// The caller's own ranking of a task (annotators only; staff answer 403).
//
// POST: submit the caller's ranking of a task assigned to them.
// Body: {groups: number[][] (completion ids, best group first; ties share a group),
//        noneAcceptable?, flags?: [{completionId, flag}], comment?, secondsSpent?, assignmentId?}.
// 201 {ranking, created: true}; 200 {ranking, created: false} for a repeated submit (the first
// ranking, nothing written); 400 {error, issues} naming the field; 403 not the caller's task;
// 404 unknown task; 409 skipped, or expired with the task since gone to others.
//
// GET: {ranking: {id, version, groups, noneAcceptable, flags, comment}, task: {id, projectId,
// messages, completions [{id, text}] in the caller's display order}, editable, reason?}; 404 when
// the caller has no ranking of the task.
//
// PUT: edit it (same body as POST) while the task is open (lib/labeling/ranking-edit-rule.ts):
// 200 {ranking} with its version incremented (the old version kept in the audit trail); 400
// naming the field; 404 no ranking of the caller's; 409 {error} once it can no longer be edited.
//
// Identical completions (same text after trim + whitespace collapse) are stored tied, on POST and
// PUT alike (lib/labeling/identical.ts).
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { editRanking, readOwnRanking } from "@/lib/labeling/ranking-edit";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";
import { submitRanking } from "@/lib/labeling/submission-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const own = id === undefined ? undefined : readOwnRanking(getDb(), id, user.id);
  if (!own) return notFound("you have no ranking of this task");
  return Response.json(own);
});

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such task");
  const body = await parseJsonBody(request, rankingSubmissionSchema);
  if (body instanceof Response) return body;
  const result = submitRanking(getDb(), id, user.id, body);
  if (!result.ok) return Response.json({ error: result.error, ...(result.issues ? { issues: result.issues } : {}) }, { status: result.status });
  return Response.json({ ranking: result.ranking, created: result.created }, { status: result.created ? 201 : 200 });
});

export const PUT = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("you have no ranking of this task");
  const body = await parseJsonBody(request, rankingSubmissionSchema);
  if (body instanceof Response) return body;
  const result = editRanking(getDb(), id, user.id, body);
  if (!result.ok) return Response.json({ error: result.error, ...(result.issues ? { issues: result.issues } : {}) }, { status: result.status });
  return Response.json({ ranking: result.ranking });
});
