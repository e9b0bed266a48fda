import { countReferencePrompts } from "@/lib/datasets/reference-prompts";
import { sftCounts } from "@/lib/datasets/sft-writer";
import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
import { DEFAULT_MODEL_NAME } from "@/lib/models/registry";
import { SFT_JOB_KIND } from "@/lib/sft/job-params";
import { DEFAULT_SFT_RUN_CONFIG, sftRunConfigObject } from "@/lib/sft/sft-config";
import { configFieldSpecs } from "@/app/components/config-fields";
import { loadTrainingPage, RegistryLink, TrainingPageShell } from "@/app/components/training-page";
import { SftForm } from "./sft-form";
import { SFT_FIELD_LABELS, SFT_FIELD_SECTIONS } from "./sft-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunSftPage({ params }: Props) {
  const { db, id, project, options, jobs } = await loadTrainingPage(params, "sft", SFT_JOB_KIND);
  const fields = configFieldSpecs(sftRunConfigObject.shape, DEFAULT_SFT_RUN_CONFIG, { labels: SFT_FIELD_LABELS, sections: SFT_FIELD_SECTIONS });
  const snapshots = listSnapshots(dataDir(), id)
    .filter((s) => s.files.some((f) => f.format === "sft" || f.format === "sft-unreviewed"))
    .map((s) => ({ name: s.name, hash: s.hash }));
  return (
    <TrainingPageShell
      project={project}
      title="Run SFT"
      jobsTitle="SFT jobs of this project"
      jobs={jobs}
      intro={
        <p className="max-w-3xl text-sm text-slate-600">
          Supervised fine-tuning on this project&apos;s demonstrations: the model learns to write the annotators&apos; answers, with the loss on the answer
          tokens only. A share of the prompts is held out; the job page charts the training and held-out loss, and the exact-answer accuracy when prompts carry
          reference answers. The fine-tuned model is registered in the <RegistryLink /> when the job succeeds. To mix in answers kept by rejection sampling, use{" "}
          <code>palate best-of-n</code> and <code>palate sft --mix</code>.
        </p>
      }
    >
      <SftForm
        projectId={id}
        models={options.policies}
        defaultModelId={options.policies.find((m) => m.name === DEFAULT_MODEL_NAME)?.id ?? options.defaultPolicyId}
        counts={sftCounts(db, id)}
        referencePrompts={countReferencePrompts(db, id)}
        snapshots={snapshots}
        fields={fields}
      />
    </TrainingPageShell>
  );
}
