// The caller's own demonstration of a task (annotators only; staff answer 403).
//
// GET: {demonstration: {id, text, status, review, …}, task: {id, projectId, messages}}; 404 when
// the caller has none (another annotator's draft or demonstration is never shown).
// PUT {text}: save the caller's draft (a task assigned to them): 200 {demonstration}; 400 naming
// the field; 403 not the caller's task; 404 unknown task; 409 already submitted, skipped, or a
// task of a project of another mode.
// POST {text}: submit it (closes the assignment): 201 {demonstration, created: true}; 200
// {demonstration, created: false} for a repeated submit (the first one kept); 400 naming the field
// (an empty answer); 403, 404 and 409 as PUT (409 also: the time ran out and the task went to others).
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { demonstrationDraftSchema, demonstrationSubmitSchema } from "@/lib/demonstrations/demonstration-body";
import { readOwnDemonstration, saveDemonstrationDraft, submitDemonstration, type DemonstrationResult } from "@/lib/demonstrations/demonstration-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

function answer(result: DemonstrationResult, createdStatus = 200): Response {
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status });
  return Response.json({ demonstration: result.demonstration, created: result.created }, { status: result.created ? createdStatus : 200 });
}

export const GET = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const own = id === undefined ? undefined : readOwnDemonstration(getDb(), id, user.id);
  if (!own) return notFound("you have no demonstration of this task");
  return Response.json(own);
});

export const PUT = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such task");
  const body = await parseJsonBody(request, demonstrationDraftSchema);
  if (body instanceof Response) return body;
  return answer(saveDemonstrationDraft(getDb(), id, user.id, body.text));
});

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ANNOTATOR);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such task");
  const body = await parseJsonBody(request, demonstrationSubmitSchema);
  if (body instanceof Response) return body;
  return answer(submitDemonstration(getDb(), id, user.id, body.text), 201);
});
