// The throttle in front of next-auth's credentials callback (POST /api/auth/callback/credentials):
// an attempt that must wait is answered 429 with Retry-After before any password is checked;
// one let through runs next-auth, whose `authorize` reports through `reportSignIn` whether the
// password was right, and that outcome is counted (lib/auth/login-throttle.ts).
import { AsyncLocalStorage } from "node:async_hooks";
import { clientAddress } from "./client-address";
import { loginThrottle, type AttemptKeys, type AttemptOutcome, type LoginThrottle } from "./login-throttle";

interface Attempt {
  outcome: AttemptOutcome;
}

const STORE_KEY = Symbol.for("palate.signInAttempts");

/** One store per process, shared by the route and next-auth's options however they are bundled. */
function attempts(): AsyncLocalStorage<Attempt> {
  const holder = globalThis as { [STORE_KEY]?: AsyncLocalStorage<Attempt> };
  return (holder[STORE_KEY] ??= new AsyncLocalStorage<Attempt>());
}

/** Called by `authorize` once it has checked a password: was it right? */
export function reportSignIn(succeeded: boolean): void {
  const attempt = attempts().getStore();
  if (attempt) attempt.outcome = succeeded ? "succeeded" : "failed";
}

/** The 429 answer: Retry-After in whole seconds, and a `url` like next-auth's own JSON answers carry. */
export function tooManyAttempts(request: Request, waitMs: number): Response {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const url = new URL(`/login?error=TooManyAttempts`, request.url).toString();
  return Response.json(
    { error: `too many sign-in attempts, try again in ${seconds} s`, retryAfter: seconds, url },
    { status: 429, headers: { "retry-after": String(seconds), "cache-control": "no-store" } },
  );
}

/** The account and address a credentials POST is counted under (the email as the users table keeps it). */
export async function attemptKeys(request: Request): Promise<AttemptKeys> {
  let email: string | null = null;
  try {
    const form = await request.clone().formData();
    const value = form.get("email");
    if (typeof value === "string" && value.trim()) email = value.trim().toLowerCase();
  } catch {
    // not a form: next-auth refuses it without checking a password
  }
  return { account: email, address: clientAddress(request.headers) };
}

/** Runs `signIn` (next-auth's handler) for this credentials POST unless the throttle says wait. */
export async function throttledSignIn(
  request: Request,
  signIn: () => Promise<Response>,
  throttle: LoginThrottle = loginThrottle(),
  now: () => number = Date.now,
): Promise<Response> {
  const keys = await attemptKeys(request);
  const started = throttle.begin(keys, now());
  if (typeof started === "number") return tooManyAttempts(request, started);
  const attempt: Attempt = { outcome: "unchecked" };
  try {
    return await attempts().run(attempt, signIn);
  } finally {
    started(attempt.outcome, now());
  }
}
