// GET /api/users: every account (admin). POST /api/users: create one {email, name, role, password} (admin).
import { ADMIN } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { badRequest, parseJsonBody, route } from "@/lib/http";
import { createUser, DuplicateEmailError, listUsers, newUserSchema } from "@/lib/users";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  return Response.json({ users: listUsers(getDb()) });
});

export const POST = route(async (request: Request) => {
  const user = await authorize(ADMIN);
  if (user instanceof Response) return user;
  const input = await parseJsonBody(request, newUserSchema.strict());
  if (input instanceof Response) return input;
  try {
    return Response.json({ user: await createUser(getDb(), input) }, { status: 201 });
  } catch (err) {
    if (err instanceof DuplicateEmailError) return badRequest("already taken", "email");
    throw err;
  }
});
