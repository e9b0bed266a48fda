import Link from "next/link";
import { getDb } from "@/db/client";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjectsWithProgress } from "@/lib/labeling/project-stats";
import { ProgressBar } from "@/app/components/progress-bar";
import { CreateProjectForm } from "./create-project-form";

import { AdminNav } from "../admin-nav";

export const dynamic = "force-dynamic";

export default async function AdminProjectsPage() {
  await requirePageRole(ADMIN, "/admin/projects");
  const projects = listProjectsWithProgress(getDb());
  return (
    <div className="flex flex-col gap-6">
      <AdminNav current="/admin/projects" />
      <h1 className="text-xl font-semibold">Projects</h1>
      <CreateProjectForm />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="projects-table">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 pr-3">Project</th>
              <th className="pr-3">K</th>
              <th className="pr-3">R</th>
              <th className="pr-3">Progress</th>
            </tr>
          </thead>
          <tbody>
            {projects.length === 0 && (
              <tr>
                <td colSpan={4} className="py-2 text-slate-500">
                  No projects yet.
                </td>
              </tr>
            )}
            {projects.map((p) => (
              <tr key={p.id} className="border-t border-slate-100">
                <td className="py-2 pr-3">
                  <Link href={`/admin/projects/${p.id}`} className="font-medium text-indigo-700 underline">
                    {p.name}
                  </Link>
                </td>
                <td className="pr-3">{p.completionsPerTask}</td>
                <td className="pr-3">{p.redundancy}</td>
                <td className="pr-3">
                  <ProgressBar progress={p.progress} redundancy={p.redundancy} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
