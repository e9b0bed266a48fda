import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjectTasks } from "@/lib/labeling/browse";
import { ExportPanel } from "@/app/components/export-panel";
import { ProgressBar } from "@/app/components/progress-bar";
import { projectStatsOr404 } from "@/app/components/project-stats-or-404";
import { ProjectQuality } from "@/app/components/project-quality";
import { TaskTable } from "@/app/components/task-table";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ offset?: string }> };

export default async function ResearchProjectPage({ params, searchParams }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}`);
  const stats = projectStatsOr404(rawId);
  const id = stats.project.id;
  const db = getDb();
  const { project } = stats;
  const offset = Math.max(0, Number((await searchParams).offset) || 0);
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        / {project.name}
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-xl font-semibold">{project.name}</h1>
        <ProgressBar progress={stats.progress} redundancy={project.redundancy} />
        <span className="text-sm text-slate-600">
          K = {project.completionsPerTask} · R = {project.redundancy}
        </span>
      </div>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-medium">Quality</h2>
        <ProjectQuality stats={stats} />
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-medium">Export</h2>
        <ExportPanel projectId={id} />
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-medium">Tasks</h2>
        <TaskTable page={listProjectTasks(db, id, { offset, limit: 50 })} taskHref="/research/tasks/" pageHref={`/research/projects/${id}`} />
      </section>
    </div>
  );
}
