import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { ADMIN } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { listJobViews, projectPromptIds, projectPromptOptions } from "@/lib/jobs/views";
import { ensureDefaultModel, listModels } from "@/lib/models/registry";
import { getProject } from "@/lib/projects";
import { JobTable } from "@/app/components/job-table";
import { AdminNav } from "../../../admin-nav";
import { GenerateForm } from "./generate-form";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function GeneratePage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(ADMIN, `/admin/projects/${rawId}/generate`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const models = listModels(db)
    .filter((m) => m.kind !== "reward")
    .map((m) => ({ id: m.id, name: m.name, kind: m.kind, source: m.source }));
  const promptIds = projectPromptIds(db, id);
  const prompts = projectPromptOptions(db, id);
  const jobs = listJobViews(db, { projectId: id, limit: 20 });
  return (
    <div className="flex flex-col gap-8">
      <AdminNav current="/admin/projects" />
      <div>
        <Link href={`/admin/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Generate completions</h1>
        <p className="text-sm text-slate-600">
          Sample K completions per prompt from a model; they become new tasks of this project for the annotators. Manage models in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>
          .
        </p>
      </div>
      <GenerateForm projectId={id} defaultK={project.completionsPerTask} models={models} promptIds={promptIds} prompts={prompts} />
      <section className="flex flex-col gap-3" aria-label="Jobs of this project">
        <h2 className="text-lg font-medium">Jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
