// The reviewer's start page: every project with how many tasks wait for review.
import Link from "next/link";
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjects } from "@/lib/projects";
import { reviewQueueFrom, reviewStateCounts } from "@/lib/quality/review-store";
import { reviewCandidatesStatistic } from "@/lib/stats/project-statistics";
import { servedStatistic } from "@/app/components/served-statistics";
import { DataTable } from "@/app/components/data-table";

export const dynamic = "force-dynamic";

export default async function ReviewHome() {
  await requirePageRole(REVIEWER, "/review");
  const db = getDb();
  // A large project's candidates come from the statistics cache (null counts while first computed).
  const rows = listProjects(db).map((project) => {
    const served = servedStatistic(project.id, reviewCandidatesStatistic);
    if (!served?.value) return { project, open: null, reviewed: null };
    const { open, reviewed } = reviewStateCounts(reviewQueueFrom(db, project, served.value));
    return { project, open, reviewed };
  });
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Review</h1>
      <p className="text-sm text-slate-600">
        Tasks whose rankings disagree, carry flags, or say none is acceptable. Set the final ranking, or send a task back for more rankings.
      </p>
      <DataTable testId="review-projects" headers={["Project", "To review", "Reviewed"]} isEmpty={rows.length === 0} empty="No projects yet.">
        {rows.map(({ project, open, reviewed }) => (
          <tr key={project.id} className="border-t border-slate-100 [&>td]:py-1.5">
            <td className="pr-3">
              <Link href={`/review/${project.id}`} className="text-indigo-700 underline">
                {project.name}
              </Link>
            </td>
            <td className="pr-3">{open ?? "computing…"}</td>
            <td className="pr-3">{reviewed ?? "computing…"}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
