import Link from "next/link";
import { getDb } from "@/db/client";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listUsers } from "@/lib/users";
import { ProgressBar } from "@/app/components/progress-bar";
import { listProjectsWithServedProgress } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";

import { AdminNav } from "./admin-nav";

export const dynamic = "force-dynamic";

export default async function AdminPage() {
  await requirePageRole(ADMIN, "/admin");
  const db = getDb();
  const users = listUsers(db);
  const projects = listProjectsWithServedProgress();
  const byRole = (role: string) => users.filter((u) => u.role === role && !u.disabled).length;
  return (
    <div className="flex flex-col gap-6">
      <AdminNav current="/admin" />
      <h1 className="text-xl font-semibold">Admin</h1>
      <section className="grid gap-4 sm:grid-cols-2">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-medium">
            <Link href="/admin/users" className="text-indigo-700 underline">
              Users
            </Link>
          </h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="user-counts">
            {byRole("admin")} admins · {byRole("researcher")} researchers · {byRole("reviewer")} reviewers · {byRole("annotator")} annotators ·{" "}
            {users.filter((u) => u.disabled).length} disabled
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="font-medium">
            <Link href="/admin/projects" className="text-indigo-700 underline">
              Projects
            </Link>
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {projects.length} projects · {projects.reduce((n, p) => n + (p.progress?.tasks ?? 0), 0)} tasks ·{" "}
            {projects.reduce((n, p) => n + (p.progress?.rankings ?? 0), 0)} rankings
          </p>
        </div>
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="font-medium">Progress</h2>
        {projects.length === 0 && <p className="text-sm text-slate-500">No projects yet.</p>}
        {projects.map((p) => (
          <div key={p.id} className="flex flex-wrap items-center gap-4 rounded border border-slate-200 bg-white p-3">
            <Link href={`/admin/projects/${p.id}`} className="min-w-64 font-medium text-indigo-700 underline">
              {p.name}
            </Link>
            {p.progress && <ProgressBar progress={p.progress} redundancy={p.redundancy} />}
            {p.statistics.freshness !== "current" && <StatisticsAge served={p.statistics} />}
          </div>
        ))}
      </section>
    </div>
  );
}
