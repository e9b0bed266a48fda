// The signed-in user for pages and route handlers. The JWT names the user and the session version
// it began with; the database has the last word: a disabled account, or one whose session version
// moved on (password or role changed), has no session any more, from the next request on.
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { getDb } from "../../db/client";
import { getSessionUser, type UserSummary } from "../users";
import { authOptions } from "./options";
import type { Role } from "./roles";

export type SessionUser = UserSummary;

export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  if (typeof id !== "number") return null;
  return getSessionUser(getDb(), id, session?.user?.sessionVersion ?? 0) ?? null;
}

/** For pages: anonymous → /login, wrong role → 403 page. */
export async function requirePageRole(roles: readonly Role[], callbackUrl?: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(callbackUrl ? `/login?callbackUrl=${encodeURIComponent(callbackUrl)}` : "/login");
  if (!roles.includes(user.role)) forbidden();
  return user;
}

/** For route handlers: the user, or the 401/403 response to return. */
export async function authorize(roles: readonly Role[]): Promise<SessionUser | Response> {
  const user = await currentUser();
  if (!user) return Response.json({ error: "sign in first" }, { status: 401 });
  if (!roles.includes(user.role)) return Response.json({ error: "forbidden" }, { status: 403 });
  return user;
}
