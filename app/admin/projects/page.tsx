import Link from "next/link";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjectsWithServedProgress } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";
import { ProgressBar } from "@/app/components/progress-bar";
import { DataTable } from "@/app/components/data-table";
import { CreateProjectForm } from "./create-project-form";

import { AdminNav } from "../admin-nav";

export const dynamic = "force-dynamic";

export default async function AdminProjectsPage() {
  await requirePageRole(ADMIN, "/admin/projects");
  const projects = listProjectsWithServedProgress();
  return (
    <div className="flex flex-col gap-6">
      <AdminNav current="/admin/projects" />
      <h1 className="text-xl font-semibold">Projects</h1>
      <CreateProjectForm />
      <DataTable testId="projects-table" headers={["Project", "K", "R", "Progress"]} isEmpty={projects.length === 0} empty="No projects yet.">
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
              {p.progress && <ProgressBar progress={p.progress} redundancy={p.redundancy} />}
              {p.statistics.freshness !== "current" && <StatisticsAge served={p.statistics} />}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
