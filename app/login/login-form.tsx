"use client";

import { getCsrfToken, getSession } from "next-auth/react";
import { useState } from "react";
import { safeCallbackPath } from "@/lib/auth/safe-callback";

const HOME = { admin: "/admin", researcher: "/research", reviewer: "/annotate", annotator: "/annotate" } as const;

/**
 * Signs in through next-auth's credentials callback (what `signIn` from next-auth/react posts),
 * read directly so that a 429 from the login throttle can say how long to wait.
 */
async function postCredentials(email: string, password: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const csrfToken = (await getCsrfToken()) ?? "";
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  if (res.status === 429) {
    const seconds = Number(res.headers.get("retry-after"));
    return { ok: false, error: `Too many attempts, try again in ${Number.isFinite(seconds) && seconds > 0 ? seconds : "a few"} s.` };
  }
  const data = (await res.json().catch(() => null)) as { url?: string } | null;
  const error = data?.url ? new URL(data.url, window.location.origin).searchParams.get("error") : "unknown";
  if (!res.ok || error) return { ok: false, error: "Wrong email or password." };
  return { ok: true };
}

export function LoginForm({ callbackUrl, initialError }: { callbackUrl?: string; initialError?: string }) {
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    const result = await postCredentials(String(form.get("email") ?? ""), String(form.get("password") ?? "")).catch(() => ({
      ok: false as const,
      error: "Could not reach the server; try again.",
    }));
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      return;
    }
    const session = await getSession();
    const role = session?.user?.role;
    // Checked here too: never leave the site, whatever the page was given.
    window.location.assign(safeCallbackPath(callbackUrl) ?? (role ? HOME[role] : "/"));
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      <label className="flex flex-col gap-1 text-sm">
        Email
        <input name="email" type="email" autoComplete="username" required className="rounded border border-slate-300 px-3 py-2" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input name="password" type="password" autoComplete="current-password" required className="rounded border border-slate-300 px-3 py-2" />
      </label>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
