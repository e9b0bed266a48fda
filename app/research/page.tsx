import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects";
import { servedProjectStats } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";
import { ProgressBar } from "@/app/components/progress-bar";
import { DataTable } from "@/app/components/data-table";

export const dynamic = "force-dynamic";

const percent = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

export default async function ResearchPage() {
  await requirePageRole(STAFF, "/research");
  const db = getDb();
  // Each project's figures as served: computed for a small project, else from the cache (a refresh job keeps it current).
  const all = listProjects(db).flatMap((p) => servedProjectStats(p.id) ?? []);
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
        {all.map(({ project, served }) => (
          <tr key={project.id} className="border-t border-slate-100">
            <td className="py-2 pr-3">
              <Link href={`/research/projects/${project.id}`} className="font-medium text-indigo-700 underline">
                {project.name}
              </Link>
            </td>
            <td className="pr-3">{project.completionsPerTask}</td>
            <td className="pr-3">{project.redundancy}</td>
            {served.value ? (
              <>
                <td className="pr-3">
                  <ProgressBar progress={served.value.progress} redundancy={project.redundancy} />
                  {served.freshness !== "current" && <StatisticsAge served={served} />}
                </td>
                <td className="pr-3">{served.value.comparisons}</td>
                <td className="pr-3">{served.value.annotators.length}</td>
                <td className="pr-3">{percent(served.value.agreement.overall.rate)}</td>
              </>
            ) : (
              <td className="pr-3" colSpan={4}>
                <StatisticsAge served={served} />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
