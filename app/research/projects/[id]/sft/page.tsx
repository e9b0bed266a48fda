import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { countReferencePrompts } from "@/lib/datasets/reference-prompts";
import { sftCounts } from "@/lib/datasets/sft-writer";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
import { parseId } from "@/lib/http";
import { listJobViews } from "@/lib/jobs/views";
import { DEFAULT_MODEL_NAME, ensureDefaultModel } from "@/lib/models/registry";
import { ppoFormOptions } from "@/lib/ppo/views";
import { getProject } from "@/lib/projects";
import { SFT_JOB_KIND } from "@/lib/sft/job-params";
import { DEFAULT_SFT_RUN_CONFIG, sftRunConfigObject } from "@/lib/sft/sft-config";
import { configFieldSpecs } from "@/app/components/config-fields";
import { JobTable } from "@/app/components/job-table";
import { SftForm } from "./sft-form";
import { SFT_FIELD_LABELS, SFT_FIELD_SECTIONS } from "./sft-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunSftPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/sft`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const options = ppoFormOptions(db, id);
  const fields = configFieldSpecs(sftRunConfigObject.shape, DEFAULT_SFT_RUN_CONFIG, { labels: SFT_FIELD_LABELS, sections: SFT_FIELD_SECTIONS });
  const snapshots = listSnapshots(dataDir(), id)
    .filter((s) => s.files.some((f) => f.format === "sft"))
    .map((s) => ({ name: s.name, hash: s.hash }));
  const jobs = listJobViews(db, { projectId: id, kind: SFT_JOB_KIND, limit: 20 });
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Run SFT</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          Supervised fine-tuning on this project&apos;s demonstrations: the model learns to write the annotators&apos; answers, with the loss on the answer
          tokens only. A share of the prompts is held out; the job page charts the training and held-out loss, and the exact-answer accuracy when prompts carry
          reference answers. The fine-tuned model is registered in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>{" "}
          when the job succeeds. To mix in answers kept by rejection sampling, use <code>palate best-of-n</code> and <code>palate sft --mix</code>.
        </p>
      </div>
      <SftForm
        projectId={id}
        models={options.policies}
        defaultModelId={options.policies.find((m) => m.name === DEFAULT_MODEL_NAME)?.id ?? options.defaultPolicyId}
        counts={sftCounts(db, id)}
        referencePrompts={countReferencePrompts(db, id)}
        snapshots={snapshots}
        fields={fields}
      />
      <section className="flex flex-col gap-3" aria-label="SFT jobs of this project">
        <h2 className="text-lg font-medium">SFT jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
