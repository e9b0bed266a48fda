// One task under review (reviewer, researcher, admin).
// GET: {task: {id, messages, completions (stored order)}, rankings: [{id, annotatorEmail, groups,
//   noneAcceptable, flags, comment, seenOrder (the order its annotator saw), seenLetters}],
//   signals, required, reviewed (the final ranking or null), history}.
// POST {action: "final", groups, noneAcceptable?, comment?}: sets the task's final ranking (every
//   completion once, best group first, ties sharing a group); 201 {review}.
// POST {action: "send_back", addedRankings? (1–20, default 1), comment?}: asks for more rankings
//   (the task is served again until it has R + its extra); 201 {review, required}.
// 400 naming the field; 404 no such project, or the task is not the project's.
import { z } from "zod";
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { badRequest, notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { getTaskDetail } from "@/lib/labeling/browse";
import { MAX_RANKED_COMPLETIONS } from "@/lib/labeling/submission";
import { reviewSignals } from "@/lib/quality/review-rule";
import { reviewedRankingOf, reviewHistory, reviewTaskContext, sendBack, setFinalRanking } from "@/lib/quality/review-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; taskId: string }> };

const comment = z.string().trim().max(5000).nullable().default(null);
const bodySchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.literal("final"),
      groups: z.array(z.array(z.number().int().positive()).min(1, "a group is empty")).min(1).max(MAX_RANKED_COMPLETIONS),
      noneAcceptable: z.boolean().default(false),
      comment,
    })
    .strict(),
  z
    .object({
      action: z.literal("send_back"),
      addedRankings: z.number().int().min(1).max(20).default(1),
      comment,
    })
    .strict(),
]);

/** The project and the task, when the task is the project's. */
async function resolve(params: Context["params"]) {
  const raw = await params;
  const projectId = parseId(raw.id);
  const taskId = parseId(raw.taskId);
  if (projectId === undefined || taskId === undefined) return undefined;
  const db = getDb();
  const context = reviewTaskContext(db, projectId, taskId);
  return context && { db, taskId, ...context };
}

export const GET = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const found = await resolve(params);
  if (!found) return notFound("no such task in this project");
  const { db, project, taskId, required } = found;
  const detail = getTaskDetail(db, taskId)!;
  return Response.json({
    task: { id: detail.id, projectId: detail.projectId, messages: detail.messages, completions: detail.completions.map((c) => ({ id: c.id, text: c.text })) },
    rankings: detail.rankings.map((r) => ({
      id: r.id,
      annotatorEmail: r.annotatorEmail,
      source: r.source,
      groups: r.groups,
      noneAcceptable: r.noneAcceptable,
      flags: r.flags,
      comment: r.comment,
      seenOrder: r.seenOrder,
      seenLetters: r.seenLetters,
      createdAt: r.createdAt,
    })),
    signals: reviewSignals(
      detail.rankings.map((r) => ({ groups: r.groups, noneAcceptable: r.noneAcceptable, flags: r.flags.length })),
      project.reviewAgreementThreshold,
    ),
    required,
    reviewed: reviewedRankingOf(db, taskId),
    history: reviewHistory(db, taskId),
  });
});

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(REVIEWER);
  if (user instanceof Response) return user;
  const found = await resolve(params);
  if (!found) return notFound("no such task in this project");
  const body = await parseJsonBody(request, bodySchema);
  if (body instanceof Response) return body;
  const { db, taskId } = found;
  const result =
    body.action === "final"
      ? setFinalRanking(db, taskId, user.id, { groups: body.groups, noneAcceptable: body.noneAcceptable, comment: body.comment })
      : sendBack(db, taskId, user.id, { addedRankings: body.addedRankings, comment: body.comment });
  if (!result.ok) return result.status === 400 ? badRequest(result.issues ?? result.error) : notFound(result.error);
  return Response.json(result, { status: 201 });
});
