import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { SignOutButton } from "./sign-out-button";

export async function NavBar() {
  const user = await currentUser();
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3 text-sm">
        <Link href="/" className="text-lg font-semibold text-indigo-700">
          Palate
        </Link>
        {(user?.role === "annotator" || user?.role === "reviewer") && <Link href="/annotate">My queue</Link>}
        {user && user.role !== "annotator" && <Link href="/review">Review</Link>}
        {user?.role === "admin" && <Link href="/admin">Admin</Link>}
        {(user?.role === "admin" || user?.role === "researcher") && <Link href="/research">Research</Link>}
        <span className="ml-auto flex items-center gap-3">
          {user ? (
            <>
              <span className="text-slate-500" data-testid="signed-in-as">
                {user.email} · {user.role}
              </span>
              <SignOutButton />
            </>
          ) : (
            <Link href="/login">Sign in</Link>
          )}
        </span>
      </nav>
    </header>
  );
}
