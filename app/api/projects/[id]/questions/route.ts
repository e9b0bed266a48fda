// The project's per-completion quality questions (lib/labeling/questions.ts).
// GET: {questions} (admin, researcher).
// PUT: replace them, {questions: [{kind: "rating", key, prompt, required?, min?, max?, minLabel?, maxLabel?}
//      | {kind: "tags", key, prompt, required?, tags}]} (admin): 200 {questions} as stored; 400
//      naming the field (`questions.1.max`); 404 unknown project. Answers already given are kept.
import { getDb } from "@/db/client";
import { ADMIN, STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { questionsBodySchema } from "@/lib/labeling/questions";
import { getQualityQuestions, setQualityQuestions } from "@/lib/labeling/questions-store";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const questions = id === undefined ? undefined : getQualityQuestions(getDb(), id);
  return questions ? Response.json({ questions }) : notFound("no such project");
});

export const PUT = route(async (request: Request, { params }: Context) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getQualityQuestions(db, id)) return notFound("no such project");
  const body = await parseJsonBody(request, questionsBodySchema);
  if (body instanceof Response) return body;
  return Response.json({ questions: setQualityQuestions(db, id, body.questions) });
});
