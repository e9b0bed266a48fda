import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { homeFor } from "@/lib/auth/roles";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const user = await currentUser();
  if (user) redirect(safeCallback(callbackUrl) ?? homeFor(user.role));
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-4 text-xl font-semibold">Sign in to Palate</h1>
      <LoginForm callbackUrl={safeCallback(callbackUrl)} initialError={error ? "Wrong email or password." : undefined} />
    </div>
  );
}

/** Only same-site paths, never another origin. */
function safeCallback(url: string | undefined): string | undefined {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : undefined;
}
