import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects";
import { projectStats } from "@/lib/labeling/project-stats";
import { ProgressBar } from "@/app/components/progress-bar";
import { DataTable } from "@/app/components/data-table";

export const dynamic = "force-dynamic";

const percent = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

export default async function ResearchPage() {
  await requirePageRole(STAFF, "/research");
  const db = getDb();
  const all = listProjects(db).flatMap((p) => projectStats(db, p.id) ?? []);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-xl font-semibold">Research</h1>
        <p className="text-sm text-slate-600">Every project, its rankings and their agreement — read-only.</p>
        <p className="mt-1 flex gap-4 text-sm">
          <Link href="/research/models" className="text-indigo-700 underline">
            Models
          </Link>
          <Link href="/research/jobs" className="text-indigo-700 underline">
            Jobs
          </Link>
        </p>
      </div>
      <DataTable
        testId="research-projects"
        headers={["Project", "K", "R", "Progress", "Comparisons", "Annotators", "Agreement"]}
        isEmpty={all.length === 0}
        empty="No projects yet."
      >
        {all.map(({ project, progress, comparisons, annotators, agreement }) => (
          <tr key={project.id} className="border-t border-slate-100">
            <td className="py-2 pr-3">
              <Link href={`/research/projects/${project.id}`} className="font-medium text-indigo-700 underline">
                {project.name}
              </Link>
            </td>
            <td className="pr-3">{project.completionsPerTask}</td>
            <td className="pr-3">{project.redundancy}</td>
            <td className="pr-3">
              <ProgressBar progress={progress} redundancy={project.redundancy} />
            </td>
            <td className="pr-3">{comparisons}</td>
            <td className="pr-3">{annotators.length}</td>
            <td className="pr-3">{percent(agreement.overall.rate)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
