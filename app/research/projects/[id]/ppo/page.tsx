import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { listJobViews } from "@/lib/jobs/views";
import { DEFAULT_PPO_CONFIG, ppoConfigObject } from "@/lib/ml/rl/ppo-config";
import { ensureDefaultModel } from "@/lib/models/registry";
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";
import { ppoFormOptions } from "@/lib/ppo/views";
import { getProject } from "@/lib/projects";
import { configFieldSpecs } from "@/app/components/config-fields";
import { JobTable } from "@/app/components/job-table";
import { PpoForm } from "./ppo-form";
import { PPO_FIELD_LABELS, PPO_FIELD_SECTIONS } from "./ppo-form-layout";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function RunPpoPage({ params }: Props) {
  const { id: rawId } = await params;
  await requirePageRole(STAFF, `/research/projects/${rawId}/ppo`);
  const id = parseId(rawId);
  const db = getDb();
  const project = id === undefined ? undefined : getProject(db, id);
  if (id === undefined || !project) notFound();
  ensureDefaultModel(db);
  const options = ppoFormOptions(db, id);
  const fields = configFieldSpecs(ppoConfigObject.shape, DEFAULT_PPO_CONFIG, { labels: PPO_FIELD_LABELS, sections: PPO_FIELD_SECTIONS });
  const jobs = listJobViews(db, { projectId: id, kind: PPO_JOB_KIND, limit: 20 });
  return (
    <div className="flex flex-col gap-8">
      <div>
        <Link href={`/research/projects/${id}`} className="text-sm text-indigo-700 underline">
          ← {project.name}
        </Link>
        <h1 className="text-xl font-semibold">Run PPO</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          The policy samples answers to this project&apos;s prompts, the reward model scores them, and a per-token KL penalty keeps the policy near its
          reference; clipped policy and value losses with GAE, as in InstructGPT&apos;s step 4. Held-out prompts are answered by the policy and the SFT model at
          each evaluation. The trained policy is registered in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            registry
          </Link>{" "}
          when the job succeeds; its samples can go back to the annotators for the next round.
        </p>
      </div>
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
      <section className="flex flex-col gap-3" aria-label="PPO jobs of this project">
        <h2 className="text-lg font-medium">PPO jobs of this project</h2>
        <JobTable jobs={jobs} />
      </section>
    </div>
  );
}
