// POST /api/models/[id]/score (admin, researcher): {prompt, completions: 2–4 strings} → the
// reward model's score of each completion, ranked best first (lib/reward/score-typed.ts).
// 404 when the id names no reward model; 400 naming the field; 409 when the model cannot load.
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { NotARewardModelError, RewardModelUnavailableError, rewardModelRow, scoreTyped, scoreTypedSchema } from "@/lib/reward/score-typed";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const POST = route(async (request: Request, { params }: Context) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id === undefined) return notFound("no such reward model");
  const db = getDb();
  try {
    rewardModelRow(db, id);
  } catch (err) {
    if (err instanceof NotARewardModelError) return notFound(err.message);
    throw err;
  }
  const input = await parseJsonBody(request, scoreTypedSchema);
  if (input instanceof Response) return input;
  try {
    return Response.json(await scoreTyped(db, id, input));
  } catch (err) {
    if (err instanceof NotARewardModelError) return notFound(err.message);
    if (err instanceof RewardModelUnavailableError) return Response.json({ error: err.message }, { status: 409 });
    throw err;
  }
});
