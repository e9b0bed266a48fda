import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { GRPO_JOB_KIND } from "@/lib/grpo/job-params";
import { loadGrpoPrompts } from "@/lib/grpo/prompts";
import { parseId } from "@/lib/http";
import { listJobViews } from "@/lib/jobs/views";
import { DEFAULT_GRPO_CONFIG, grpoConfigObject } from "@/lib/ml/rl/grpo-config";
import { ensureDefaultModel } from "@/lib/models/registry";
import { ppoFormOptions } from "@/lib/ppo/views";
import { getProject } from "@/lib/projects";
import { defaultsOf } from "@/lib/rewards/params";
import { REWARD_FUNCTIONS } from "@/lib/rewards/registry";
import { configFieldSpecs } from "@/app/components/config-fields";
import { JobTable } from "@/app/components/job-table";
import { GrpoForm, type RewardFunctionOption } from "./grpo-form";
import { GRPO_FIELD_LABELS, GRPO_FIELD_SECTIONS } from "./grpo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunGrpoPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/grpo`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const options = ppoFormOptions(db, id);
  const fields = configFieldSpecs(grpoConfigObject.shape, DEFAULT_GRPO_CONFIG, { labels: GRPO_FIELD_LABELS, sections: GRPO_FIELD_SECTIONS });
  // Every registered reward function, its parameters as form fields from its schema.
  const rewardFunctions: RewardFunctionOption[] = Object.values(REWARD_FUNCTIONS).map((f) => ({
    name: f.name,
    help: f.help,
    params: configFieldSpecs(f.params.shape, defaultsOf(f.params)),
  }));
  const prompts = loadGrpoPrompts(db, id);
  const withReference = prompts.filter((p) => p.reference !== null).length;
  const jobs = listJobViews(db, { projectId: id, kind: GRPO_JOB_KIND, limit: 20 });
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Run GRPO</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          For each of this project&apos;s prompts the policy samples a group of G completions; rule reward functions (and optionally a reward model) score them,
          and each completion&apos;s advantage is its reward against its group&apos;s — no value model. The clipped objective with a k3 KL to the reference
          (DeepSeekMath&apos;s GRPO, TRL&apos;s GRPOTrainer); from a base model with the accuracy and format rewards alone, this is DeepSeek-R1-Zero&apos;s
          recipe. The trained policy is registered in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>{" "}
          when the job succeeds.
        </p>
        <p className="mt-1 text-sm text-slate-600" data-testid="grpo-prompt-counts">
          {`${prompts.length} distinct prompt${prompts.length === 1 ? "" : "s"}, ${withReference} with a reference answer`}
          {withReference === 0 && " — the accuracy reward needs reference answers (import the prompts in the gsm8k or qa format)"}.
        </p>
      </div>
      <GrpoForm
        projectId={id}
        policies={options.policies}
        rewardModels={options.rewardModels}
        defaultPolicyId={options.defaultPolicyId}
        rewardFunctions={rewardFunctions}
        fields={fields}
      />
      <section className="flex flex-col gap-3" aria-label="GRPO jobs of this project">
        <h2 className="text-lg font-medium">GRPO jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
