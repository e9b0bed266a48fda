// A project's label quality for researchers: agreement between annotators (α, τ-b, each
// against the rest, the heat map). Each section is its own component in this folder, so more
// (gold accuracy, review) can be added beside them.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { projectAgreement } from "@/lib/quality/project-agreement";
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
  const agreement = id === undefined ? undefined : projectAgreement(getDb(), id);
  if (!agreement) notFound();
  const { project } = agreement;
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
        <p className="text-sm text-slate-600">
          {agreement.rankings} rankings of {agreement.tasks} tasks by {agreement.annotators.length} annotators.
        </p>
      </div>
      <AgreementSummary report={agreement} />
      <AnnotatorAgreementTable report={agreement} />
      <AgreementHeatMap report={agreement} />
      <GoldAccuracy projectId={project.id} canUnpause={user.role === "admin"} />
    </div>
  );
}
