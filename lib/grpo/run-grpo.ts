// The "grpo" job: GRPO of a policy on a project's prompts with rule rewards (lib/rewards, and
// optionally a reward model's score), then the policy registered (kind "policy") with its lineage
// (method "grpo"). The loop is lib/ml/rl/train-grpo.ts; its output directory is its checkpoint,
// so an interrupted job resumes from the last checkpoint.
import { join } from "node:path";
import type { Db } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import { jobThreads } from "../jobs/threads";
import { JobCancelledError } from "../jobs/kind";
import { iterationProgress, trainerJobHooks } from "../jobs/trainer-hooks";
import { modelOfThisJob, refView, resolveModelRef, rootSftModel } from "../models/model-ref";
import { nameSlug, registerModel, registryPath, toView } from "../models/registry";
import { getProject } from "../projects";
import { promptText } from "../datasets/prompt-text";
import { answerMatches } from "../rewards/match";
import { combineRewards } from "../rewards/combine";
import { formatRewardSpec } from "../rewards/spec";
import { REWARD_MODEL_PART } from "../ml/rl/grpo-config";
import type { GrpoJobParams } from "./job-params";
import { REFERENCE_REWARDS, loadGrpoPrompts, splitGrpoPrompts, type GrpoPrompt } from "./prompts";

export interface GrpoJobResult extends Record<string, unknown> {
  modelId: number;
  modelName: string;
  outDir: string;
  iterations: number;
  resumedFrom: number | null;
  metrics: Record<string, number>;
}

function resolveRef(db: Db, id: number | undefined, dir: string | undefined, field: string, want: "policy" | "reward") {
  return resolveModelRef(db, id, dir, field, "GRPO", want);
}

/** The default registry name of a job's policy: grpo-<project slug>-<job id>. */
export function defaultGrpoPolicyName(projectName: string, jobId: number): string {
  return `grpo-${nameSlug(projectName)}-${jobId}`;
}

export async function runGrpo(ctx: JobContext<GrpoJobParams>): Promise<GrpoJobResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const policy = resolveRef(db, params.policyModelId, params.policyDir, "policyModelId", "policy");
  const reference = params.referenceModelId !== undefined ? resolveRef(db, params.referenceModelId, undefined, "referenceModelId", "policy") : policy;
  const rewardModel =
    params.rewardModelId !== undefined || params.rewardDir !== undefined
      ? resolveRef(db, params.rewardModelId, params.rewardDir, "rewardModelId", "reward")
      : null;
  const sftModel = rootSftModel(policy);

  const name = params.name ?? defaultGrpoPolicyName(project.name, ctx.jobId);
  const existing = modelOfThisJob(db, name, ctx.jobId);

  // The rewards: the rule functions of the spec, plus the reward model's score (trainGrpo adds it, × rewardModelWeight).
  const rules = combineRewards(params.rewards);
  const spec = formatRewardSpec(rules.rules);
  const needsReference = rules.rules.some((r) => REFERENCE_REWARDS.includes(r.name));
  const split = splitGrpoPrompts(loadGrpoPrompts(db, project.id), needsReference, params.config.validationFraction, params.config.seed);
  if (split.train.length === 0)
    throw new Error(
      needsReference
        ? `project "${project.name}" has no prompts with a reference answer to train on (the accuracy reward needs metadata.reference)`
        : `project "${project.name}" has no prompts to train on`,
    );
  ctx.log(
    `GRPO on "${project.name}": policy ${policy.label}, reference ${reference.label}, rewards ${spec}` +
      (rewardModel ? ` + ${params.config.rewardModelWeight} × reward model ${rewardModel.label}` : "") +
      `; ${split.train.length} training prompts, ${split.eval.length} held out` +
      (split.by === "metadata" ? " (by the prompts' metadata.split)" : "") +
      (split.withoutReference > 0 ? ` (${split.withoutReference} without a reference answer left out)` : "") +
      ".",
  );

  const scoreOf = (p: GrpoPrompt, completion: string, completionTokens: number) => {
    const s = rules.score({ prompt: promptText(p.messages), completion, reference: p.reference, completionTokens });
    return { total: s.reward, parts: s.values };
  };
  const outDir = params.outDir ?? join(ctx.artifactDir, "model");
  const { trainGrpo } = await import("../ml/rl/train-grpo");
  const result = await trainGrpo({
    policyDir: policy.dir,
    referenceDir: reference.dir,
    rewardModelDir: rewardModel?.dir ?? null,
    outDir,
    intraOpNumThreads: jobThreads(params.threads),
    prompts: split.train.map((p) => p.messages),
    evalPrompts: split.eval.map((p) => p.messages),
    evalAnswers: split.eval.map((p) => p.reference),
    reward: (index, completion, which, tokens) => scoreOf((which === "train" ? split.train : split.eval)[index], completion, tokens),
    exactMatch: (index, completion) => {
      const ref = split.eval[index].reference;
      return ref === null ? null : answerMatches(completion, ref);
    },
    rewardSpec: JSON.stringify({ rules: rules.rules, rewardModel: rewardModel ? refView(rewardModel) : null }),
    config: params.config,
    ...trainerJobHooks(ctx),
    onProgress: iterationProgress(ctx),
    onEvaluation: (evaluation) => ctx.output("evaluation", evaluation),
  });
  if (result.cancelled) throw new JobCancelledError();

  const metrics = result.metrics;
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
          description: `GRPO policy of "${project.name}" from ${policy.label}: rewards ${spec}${rewardModel ? ` + reward model ${rewardModel.label}` : ""}.`,
          metadata: {
            lineage: {
              method: "grpo",
              startPolicy: refView(policy),
              sftModel,
              reference: refView(reference),
              rewards: rules.rules,
              rewardSpec: spec,
              rewardModel: rewardModel ? { ...refView(rewardModel), weight: params.config.rewardModelWeight, part: REWARD_MODEL_PART } : null,
              project: { id: project.id, name: project.name },
              trainPrompts: split.train.length,
              evalPrompts: split.eval.length,
              promptsHash: split.trainHash,
            },
            metrics,
            evaluation: result.evaluation ?? null,
            config: params.config,
          },
        });
  const pct = (v: unknown) => (typeof v === "number" ? `${(100 * v).toFixed(1)}%` : "n/a");
  const summary =
    typeof metrics.eval_reward === "number"
      ? ` · held-out reward ${metrics.eval_reward.toFixed(3)} (start ${Number(metrics.eval_reward_reference).toFixed(3)})` +
        (typeof metrics.eval_accuracy === "number" ? `, accuracy ${pct(metrics.eval_accuracy)} (start ${pct(metrics.eval_accuracy_reference)})` : "")
      : "";
  ctx.progress(1, `registered ${model.name}${summary}`);
  ctx.log(`Registered ${model.name} (${outDir})${summary}.`);
  return { modelId: model.id, modelName: model.name, outDir, iterations: result.iterations, resumedFrom: result.resumedFrom, metrics };
}
