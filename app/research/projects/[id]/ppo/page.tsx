import Link from "next/link";
import { DEFAULT_PPO_CONFIG, ppoConfigObject } from "@/lib/ml/rl/ppo-config";
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";
import { configFieldSpecs } from "@/app/components/config-fields";
import { loadTrainingPage, RegistryLink, TrainingPageShell } from "@/app/components/training-page";
import { PpoForm } from "./ppo-form";
import { PPO_FIELD_LABELS, PPO_FIELD_SECTIONS } from "./ppo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunPpoPage({ params }: Props) {
  const { id, project, options, jobs } = await loadTrainingPage(params, "ppo", PPO_JOB_KIND);
  const fields = configFieldSpecs(ppoConfigObject.shape, DEFAULT_PPO_CONFIG, { labels: PPO_FIELD_LABELS, sections: PPO_FIELD_SECTIONS });
  return (
    <TrainingPageShell
      project={project}
      title="Run PPO"
      jobsTitle="PPO jobs of this project"
      jobs={jobs}
      intro={
        <p className="max-w-3xl text-sm text-slate-600">
          The policy samples answers to this project&apos;s prompts, the reward model scores them, and a per-token KL penalty keeps the policy near its
          reference; clipped policy and value losses with GAE, as in InstructGPT&apos;s step 4. Held-out prompts are answered by the policy and the SFT model at
          each evaluation. The trained policy is registered in the <RegistryLink /> when the job succeeds; its samples can go back to the annotators for the
          next round.
        </p>
      }
    >
      {options.rewardModels.length === 0 ? (
        <p className="text-sm text-amber-700" data-testid="ppo-no-reward-model">
          PPO needs a reward model of this project.{" "}
          <Link href={`/research/projects/${id}/train-rm`} className="underline">
            Train one
          </Link>{" "}
          first.
        </p>
      ) : (
        <PpoForm
          projectId={id}
          policies={options.policies}
          rewardModels={options.rewardModels}
          defaultPolicyId={options.defaultPolicyId}
          defaultRewardModelId={options.defaultRewardModelId}
          fields={fields}
        />
      )}
    </TrainingPageShell>
  );
}
