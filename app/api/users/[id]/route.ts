// GET /api/users/[id] (admin). PATCH /api/users/[id]: {role?, disabled?, name?, password?} (admin).
// An admin cannot disable or demote themselves, and the last enabled admin stays one.
import { ADMIN } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, notFound, parseId, parseJsonBody, route } from "@/lib/http";
import { AdminLockoutError, getUser, updateUser, userUpdateSchema } from "@/lib/users";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request: Request, { params }: Context) => {
  const actor = await authorize(ADMIN);
  if (actor instanceof Response) return actor;
  const id = parseId((await params).id);
  const user = id === undefined ? undefined : getUser(getDb(), id);
  return user ? Response.json({ user }) : notFound("no such user");
});

export const PATCH = route(async (request: Request, { params }: Context) => {
  const actor = await authorize(ADMIN);
  if (actor instanceof Response) return actor;
  const id = parseId((await params).id);
  const db = getDb();
  if (id === undefined || !getUser(db, id)) return notFound("no such user");
  const update = await parseJsonBody(request, userUpdateSchema);
  if (update instanceof Response) return update;
  try {
    return Response.json({ user: await updateUser(db, id, update, { actorId: actor.id }) });
  } catch (err) {
    if (err instanceof AdminLockoutError) return badRequest(err.reason, err.field);
    throw err;
  }
});
