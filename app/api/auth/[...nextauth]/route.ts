// next-auth's routes. A credentials sign-in (POST /api/auth/callback/credentials) goes through the
// login throttle first: 429 with Retry-After, before any password is checked, after repeated
// failures for its account or client address (lib/auth/sign-in-throttle.ts).
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { throttledSignIn } from "@/lib/auth/sign-in-throttle";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

export async function POST(request: Request, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth.join("/") !== "callback/credentials") return handler(request, context);
  return throttledSignIn(request, () => handler(request, context));
}

export { handler as GET };
