// next-auth's routes. A credentials sign-in (POST /api/auth/callback/credentials) goes through the
// login throttle first: 429 with Retry-After, before any password is checked, after repeated
// failures for its account or client address (lib/auth/sign-in-throttle.ts).
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { throttledSignIn } from "@/lib/auth/sign-in-throttle";
import { route } from "@/lib/http";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

// Both read the users table (sign-in, and the session's version check), so a locked database
// answers 503 with Retry-After like every other route.
export const POST = route(async (request: Request, context: Context) => {
  const { nextauth } = await context.params;
  if (nextauth.join("/") !== "callback/credentials") return handler(request, context);
  return throttledSignIn(request, () => handler(request, context));
});

export const GET = route((request: Request, context: Context) => handler(request, context));
