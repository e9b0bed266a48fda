import { GRPO_JOB_KIND } from "@/lib/grpo/job-params";
import { loadGrpoPrompts } from "@/lib/grpo/prompts";
import { DEFAULT_GRPO_CONFIG, grpoConfigObject } from "@/lib/ml/rl/grpo-config";
import { defaultsOf } from "@/lib/rewards/params";
import { REWARD_FUNCTIONS } from "@/lib/rewards/registry";
import { configFieldSpecs } from "@/app/components/config-fields";
import { loadTrainingPage, RegistryLink, TrainingPageShell } from "@/app/components/training-page";
import { GrpoForm, type RewardFunctionOption } from "./grpo-form";
import { GRPO_FIELD_LABELS, GRPO_FIELD_SECTIONS } from "./grpo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunGrpoPage({ params }: Props) {
  const { db, id, project, options, jobs } = await loadTrainingPage(params, "grpo", GRPO_JOB_KIND);
  const fields = configFieldSpecs(grpoConfigObject.shape, DEFAULT_GRPO_CONFIG, { labels: GRPO_FIELD_LABELS, sections: GRPO_FIELD_SECTIONS });
  // Every registered reward function, its parameters as form fields from its schema.
  const rewardFunctions: RewardFunctionOption[] = Object.values(REWARD_FUNCTIONS).map((f) => ({
    name: f.name,
    help: f.help,
    params: configFieldSpecs(f.params.shape, defaultsOf(f.params)),
  }));
  const prompts = loadGrpoPrompts(db, id);
  const withReference = prompts.filter((p) => p.reference !== null).length;
  return (
    <TrainingPageShell
      project={project}
      title="Run GRPO"
      jobsTitle="GRPO jobs of this project"
      jobs={jobs}
      intro={
        <>
          <p className="max-w-3xl text-sm text-slate-600">
            For each of this project&apos;s prompts the policy samples a group of G completions; rule reward functions (and optionally a reward model) score
            them, and each completion&apos;s advantage is its reward against its group&apos;s — no value model. The clipped objective with a k3 KL to the
            reference (DeepSeekMath&apos;s GRPO, TRL&apos;s GRPOTrainer); from a base model with the accuracy and format rewards alone, this is
            DeepSeek-R1-Zero&apos;s recipe. The trained policy is registered in the <RegistryLink /> when the job succeeds.
          </p>
          <p className="mt-1 text-sm text-slate-600" data-testid="grpo-prompt-counts">
            {`${prompts.length} distinct prompt${prompts.length === 1 ? "" : "s"}, ${withReference} with a reference answer`}
            {withReference === 0 && " — the accuracy reward needs reference answers (import the prompts in the gsm8k or qa format)"}.
          </p>
        </>
      }
    >
      <GrpoForm
        projectId={id}
        policies={options.policies}
        rewardModels={options.rewardModels}
        defaultPolicyId={options.defaultPolicyId}
        rewardFunctions={rewardFunctions}
        fields={fields}
      />
    </TrainingPageShell>
  );
}
