import Link from "next/link";
import { getDb } from "@/db/client";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listProjectTasks } from "@/lib/labeling/browse";
import { parseTaskQuery } from "@/lib/labeling/task-filter";
import { ProgressBar } from "@/app/components/progress-bar";
import { projectStatsOr404 } from "@/app/components/project-stats-or-404";
import { ProjectQuality } from "@/app/components/project-quality";
import { StatisticsAge } from "@/app/components/statistics-age";
import { TaskTable } from "@/app/components/task-table";
import { ExportPanel } from "@/app/components/export-panel";
import { goldTaskCount } from "@/lib/quality/gold-store";
import { showsDemonstrations } from "@/lib/demonstrations/demonstration-stats";
import { demonstrationStatsStatistic } from "@/lib/stats/project-statistics";
import { DemonstrationStatsView } from "@/app/components/demonstration-stats-view";
import { servedStatistic } from "@/app/components/served-statistics";
import { GoldReviewForm } from "./gold-review-form";
import { ImportForm } from "./import-form";
import { QualityQuestionsForm } from "./quality-questions-form";
import { ProjectSettingsForm } from "./settings-form";

import { AdminNav } from "../../admin-nav";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ offset?: string | string[] }> };

export default async function AdminProjectPage({ params, searchParams }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(ADMIN, `/admin/projects/${rawId}`);
  const { project, served } = projectStatsOr404(rawId);
  const stats = served.value;
  const id = project.id;
  const db = getDb();
  // A whole number from 0 (task-filter.ts); anything else (1.5, 1e300, -1, text) falls back to the first page.
  const { offset } = parseTaskQuery({ offset: (await searchParams).offset }).query;
  const page = listProjectTasks(db, id, { offset, limit: 50 });
  const demonstrations = servedStatistic(id, demonstrationStatsStatistic);
  return (
    <div className="flex flex-col gap-8">
      <AdminNav current="/admin/projects" />
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-xl font-semibold" data-testid="project-name">
          {project.name}
        </h1>
        {stats && <ProgressBar progress={stats.progress} redundancy={project.redundancy} />}
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          Research view
        </Link>
        <Link href={`/admin/projects/${id}/generate`} className="text-sm text-indigo-700 underline">
          Generate completions
        </Link>
      </div>
      <Section title="Settings">
        <ProjectSettingsForm project={project} />
      </Section>
      <Section title="Quality questions">
        <QualityQuestionsForm projectId={id} questions={project.qualityQuestions} />
      </Section>
      <Section title="Gold tasks and review">
        <GoldReviewForm project={project} goldTasks={goldTaskCount(db, id)} />
      </Section>
      <Section title="Import">
        <ImportForm projectId={id} />
      </Section>
      <Section title="Export">
        <ExportPanel projectId={id} />
      </Section>
      <Section title="Quality">
        <StatisticsAge served={served} />
        {stats && <ProjectQuality stats={stats} />}
      </Section>
      {demonstrations && showsDemonstrations(project.mode, demonstrations.value) && (
        <Section title="Demonstrations">
          {demonstrations.value ? <DemonstrationStatsView stats={demonstrations.value} /> : <StatisticsAge served={demonstrations} />}
        </Section>
      )}
      <Section title="Tasks">
        <TaskTable page={page} taskHref="/research/tasks/" pageHref={`/admin/projects/${id}`} />
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="flex flex-col gap-3" aria-label={title}>
      <h2 className="text-lg font-medium">{title}</h2>
      {children}
    </section>
  );
}
