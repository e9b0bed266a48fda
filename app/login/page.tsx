import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { homeFor } from "@/lib/auth/roles";
import { safeCallbackPath } from "@/lib/auth/safe-callback";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const user = await currentUser();
  const safe = safeCallbackPath(callbackUrl);
  if (user) redirect(safe ?? homeFor(user.role));
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-xl font-semibold">Sign in to Palate</h1>
      <LoginForm
        callbackUrl={safe}
        initialError={error === "TooManyAttempts" ? "Too many attempts, try again later." : error ? "Wrong email or password." : undefined}
      />
    </div>
  );
}
