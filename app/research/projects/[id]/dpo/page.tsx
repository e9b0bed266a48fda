import { dataDir, listSnapshots } from "@/lib/datasets/snapshot-store";
import { DPO_JOB_KIND } from "@/lib/dpo/job-params";
import { DEFAULT_DPO_CONFIG, dpoConfigObject } from "@/lib/ml/rl/dpo-config";
import { trainingSetSize } from "@/lib/reward/training-set-size";
import { latestRound } from "@/lib/rounds/rounds";
import { configFieldSpecs } from "@/app/components/config-fields";
import { loadTrainingPage, RegistryLink, TrainingPageShell } from "@/app/components/training-page";
import { DpoForm } from "./dpo-form";
import { DPO_FIELD_LABELS, DPO_FIELD_SECTIONS } from "./dpo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunDpoPage({ params }: Props) {
  const { db, id, project, options, jobs } = await loadTrainingPage(params, "dpo", DPO_JOB_KIND);
  const fields = configFieldSpecs(dpoConfigObject.shape, DEFAULT_DPO_CONFIG, { labels: DPO_FIELD_LABELS, sections: DPO_FIELD_SECTIONS });
  // What the job would learn from, per "Rankings from" choice (the reward model's training set: the same rankings count).
  const sizes = { all: trainingSetSize(db, id, "all"), latest: trainingSetSize(db, id, "latest") };
  return (
    <TrainingPageShell
      project={project}
      title="Run DPO"
      jobsTitle="DPO jobs of this project"
      jobs={jobs}
      intro={
        <p className="max-w-3xl text-sm text-slate-600">
          Direct preference optimization: the policy learns this project&apos;s rankings directly — every &ldquo;A ranked above B&rdquo; pair a ranking implies
          — with no reward model and no sampling. The sigmoid loss with β (or IPO) on the policy&apos;s log-probabilities against a frozen reference&apos;s,
          computed once. The trained policy is registered in the <RegistryLink /> when the job succeeds.
        </p>
      }
    >
      <DpoForm
        projectId={id}
        policies={options.policies}
        defaultPolicyId={options.defaultPolicyId}
        latestRound={latestRound(db, id)}
        sizes={sizes}
        snapshots={listSnapshots(dataDir(), id).map((s) => ({ name: s.name, hash: s.hash, rankings: s.stats.rankings }))}
        fields={fields}
      />
    </TrainingPageShell>
  );
}
