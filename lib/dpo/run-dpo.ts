// The "dpo" job: DPO of a policy on a project's preference pairs (its rankings, a snapshot, or a
// trl file), then the policy registered (kind "policy") with its lineage (method "dpo", the base
// policy, the reference, the project, the pairs' source, the config). The loop is
// lib/ml/rl/train-dpo.ts; its output directory is its checkpoint, so an interrupted job resumes
// from the last checkpoint.
import { dirname, join } from "node:path";
import { snapshotDir } from "../datasets/snapshot-store";
import type { JobContext } from "../jobs/kind";
import { jobThreads } from "../jobs/threads";
import { JobCancelledError } from "../jobs/kind";
import { stepProgress, trainerJobHooks } from "../jobs/trainer-hooks";
import { modelOfThisJob, refView, resolveModelRef, rootSftModel } from "../models/model-ref";
import { nameSlug, registerModel, registryPath, toView } from "../models/registry";
import { getProject } from "../projects";
import type { DpoJobParams } from "./job-params";
import { loadDpoTrainingSet } from "./training-set";

export interface DpoJobResult extends Record<string, unknown> {
  modelId: number;
  modelName: string;
  outDir: string;
  steps: number;
  resumedFrom: number | null;
  metrics: Record<string, number>;
}

/** The default registry name of a job's policy: dpo-<project slug>-<job id>. */
export function defaultDpoPolicyName(projectName: string, jobId: number): string {
  return `dpo-${nameSlug(projectName)}-${jobId}`;
}

export async function runDpo(ctx: JobContext<DpoJobParams>): Promise<DpoJobResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const policy = resolveModelRef(db, params.policyModelId, params.policyDir, "policyModelId", "DPO", "policy");
  const reference =
    params.referenceModelId !== undefined ? resolveModelRef(db, params.referenceModelId, undefined, "referenceModelId", "DPO", "policy") : policy;
  // The SFT model at the root: the starting policy's, or the starting policy itself.
  const sftModel = rootSftModel(policy);

  const name = params.name ?? defaultDpoPolicyName(project.name, ctx.jobId);
  const existing = modelOfThisJob(db, name, ctx.jobId);

  const snapshotPath =
    params.snapshotDir ?? (params.snapshot !== undefined ? snapshotDir(dirname(dirname(ctx.artifactDir)), project.id, params.snapshot) : null);
  const set = await loadDpoTrainingSet(db, project.id, params, snapshotPath);
  if (set.examples.length === 0)
    throw new Error(`${set.source.kind === "rankings" ? `project "${project.name}"` : set.description} has no preference pairs to learn from`);
  ctx.log(`DPO on "${project.name}": policy ${policy.label}, reference ${reference.label}; ${set.description}.`);

  const outDir = params.outDir ?? join(ctx.artifactDir, "model");
  const { trainDpo } = await import("../ml/rl/train-dpo");
  const result = await trainDpo({
    policyDir: policy.dir,
    referenceDir: reference.dir,
    outDir,
    examples: set.examples,
    ...(set.heldOutPromptKeys ? { heldOutPromptKeys: set.heldOutPromptKeys } : {}),
    config: params.config,
    ...trainerJobHooks(ctx),
    intraOpNumThreads: jobThreads(params.threads),
    onProgress: stepProgress(ctx),
  });
  if (result.cancelled) throw new JobCancelledError();

  const metrics = result.metrics;
  const s = result.summary;
  const model =
    existing !== undefined
      ? toView(existing)
      : registerModel(db, {
          name,
          kind: "policy",
          source: "palate",
          path: registryPath(outDir),
          parentId: policy.row?.id ?? null,
          jobId: ctx.jobId,
          projectId: project.id,
          description: `DPO policy of "${project.name}" from ${policy.label} (${s.config.lossType}, β ${s.config.beta}) on ${s.train_pairs} preference pairs.`,
          metadata: {
            lineage: {
              method: "dpo",
              basePolicy: refView(policy),
              sftModel,
              reference: refView(reference),
              project: { id: project.id, name: project.name },
              source: set.source,
              // The dataset snapshot learned from (its content hash names the exact files), or null.
              snapshot: set.source.kind === "snapshot" ? set.source.snapshot : null,
              trainPairs: s.train_pairs,
              evalPairs: s.eval_pairs,
              trainPrompts: s.train_prompts,
              evalPrompts: s.eval_prompts,
              trainingSetHash: s.training_set_hash,
            },
            metrics,
            config: s.config,
          },
        });
  const acc = metrics["eval_rewards/accuracies"];
  const summary =
    typeof acc === "number"
      ? ` · held-out reward accuracy ${(100 * acc).toFixed(1)}%, margin ${Number(metrics["eval_rewards/margins"]).toFixed(3)} on ${s.eval_pairs} pairs`
      : " · nothing held out";
  ctx.progress(1, `registered ${model.name}${summary}`);
  ctx.log(`Registered ${model.name} (${outDir})${summary}.`);
  return { modelId: model.id, modelName: model.name, outDir, steps: result.steps, resumedFrom: result.resumedFrom, metrics };
}
