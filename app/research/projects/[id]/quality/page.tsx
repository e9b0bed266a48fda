// A project's label quality for researchers: agreement between annotators (α, τ-b, each
// against the rest, the heat map). Each section is its own component in this folder, so more
// (gold accuracy, review) can be added beside them.
import Link from "next/link";
import { notFound } from "next/navigation";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getProject } from "@/lib/projects";
import { getDb } from "@/db/client";
import { agreementStatistic } from "@/lib/stats/project-statistics";
import { servedStatistic } from "@/app/components/served-statistics";
import { StatisticsAge } from "@/app/components/statistics-age";
import { AgreementHeatMap } from "./agreement-heat-map";
import { AgreementSummary } from "./agreement-summary";
import { AnnotatorAgreementTable } from "./annotator-agreement-table";
import { GoldAccuracy } from "./gold-accuracy";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function ProjectQualityPage({ params }: Props) {
  const { id: rawId } = await params;
  const user = await requirePageRole(STAFF, `/research/projects/${rawId}/quality`);
  const id = parseId(rawId);
  // Computed for a small project, else from the statistics cache that a refresh job keeps current.
  const served = id === undefined ? undefined : servedStatistic(id, agreementStatistic);
  const project = served && getProject(getDb(), id!);
  if (!served || !project) notFound();
  const agreement = served.value;
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        /{" "}
        <Link href={`/research/projects/${project.id}`} className="text-indigo-700 underline">
          {project.name}
        </Link>{" "}
        / quality
      </p>
      <div>
        <h1 className="text-xl font-semibold">Label quality</h1>
        {agreement && (
          <p className="text-sm text-slate-600">
            {agreement.rankings} rankings of {agreement.tasks} tasks by {agreement.annotators.length} annotators.
          </p>
        )}
        <StatisticsAge served={served} />
      </div>
      {agreement && (
        <>
          <AgreementSummary report={agreement} />
          <AnnotatorAgreementTable report={agreement} />
          <AgreementHeatMap report={agreement} />
        </>
      )}
      <GoldAccuracy projectId={project.id} canUnpause={user.role === "admin"} />
    </div>
  );
}
