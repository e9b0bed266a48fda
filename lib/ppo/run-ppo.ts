// The "ppo" job: PPO of a policy against a frozen reward model on a project's prompts, then the
// policy registered (kind "policy") with its lineage. The loop is lib/ml/rl/train-ppo.ts; its
// output directory is its checkpoint, so an interrupted job resumes from the last checkpoint.
import { dirname, join } from "node:path";
import type { Db } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import { jobThreads } from "../jobs/threads";
import { JobCancelledError } from "../jobs/kind";
import { iterationProgress, trainerJobHooks } from "../jobs/trainer-hooks";
import { lineageOf, modelOfThisJob, refView, resolveModelRef, rootSftModel } from "../models/model-ref";
import { nameSlug, registerModel, registryPath, toView, type ModelRow } from "../models/registry";
import { getProject } from "../projects";
import type { PpoJobParams } from "./job-params";
import { snapshotDir } from "../datasets/snapshot-store";
import { loadProjectPrompts, readRewardSplit, splitPpoPrompts } from "./prompts";
import { loadSnapshotPrompts } from "./snapshot-prompts";
import { fileDemonstrations, projectDemonstrations, type SourceData } from "../sft/training-set";

export interface PpoJobResult extends Record<string, unknown> {
  modelId: number;
  modelName: string;
  outDir: string;
  round: number;
  iterations: number;
  resumedFrom: number | null;
  metrics: Record<string, number>;
}

function resolveRef(db: Db, id: number | undefined, dir: string | undefined, field: string, want: "policy" | "reward") {
  return resolveModelRef(db, id, dir, field, "PPO", want);
}

/** The round a policy belongs to: its lineage's round, 0 for a model no PPO run produced (the SFT model). */
export function roundOfPolicy(row: ModelRow | null): number {
  const round = lineageOf(row)?.round;
  return typeof round === "number" ? round : 0;
}

/** The default registry name of a job's policy: ppo-<project slug>-<job id>. */
export function defaultPolicyName(projectName: string, jobId: number): string {
  return `ppo-${nameSlug(projectName)}-${jobId}`;
}

/** PPO-ptx's demonstrations: none when config.ptxCoef is 0, else the file's or the project's. */
export function ptxSource(db: Db, params: PpoJobParams, project: { id: number; name: string }): SourceData | null {
  if (params.config.ptxCoef === 0) return null;
  if (params.ptxFile !== undefined) {
    let data: SourceData;
    try {
      data = fileDemonstrations(params.ptxFile);
    } catch (err) {
      throw new Error(`params.ptxFile: ${(err as Error).message}`);
    }
    if (data.examples.length === 0) throw new Error(`params.ptxFile: ${params.ptxFile} has no demonstrations`);
    return data;
  }
  const data = projectDemonstrations(db, project.id, params.ptxDemonstrations ?? "submitted");
  if (data.examples.length === 0)
    throw new Error(
      `params.config.ptxCoef: PPO-ptx learns from demonstrations, and project "${project.name}" has no ${params.ptxDemonstrations === "accepted" ? "accepted " : ""}demonstrations; collect some, or give a file (CLI --ptx-data)`,
    );
  return data;
}

export async function runPpo(ctx: JobContext<PpoJobParams>): Promise<PpoJobResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  const policy = resolveRef(db, params.policyModelId, params.policyDir, "policyModelId", "policy");
  const reward = resolveRef(db, params.rewardModelId, params.rewardDir, "rewardModelId", "reward");
  const reference = params.referenceModelId !== undefined ? resolveRef(db, params.referenceModelId, undefined, "referenceModelId", "policy") : policy;
  // The SFT model at the root of the loop: the starting policy's, or the starting policy itself.
  const sftModel = rootSftModel(policy);
  const round = params.round ?? roundOfPolicy(policy.row) + 1;

  const name = params.name ?? defaultPolicyName(project.name, ctx.jobId);
  const existing = modelOfThisJob(db, name, ctx.jobId);

  // A dataset snapshot's prompts (by name among the project's, under the data dir of this job's folder; or, CLI, a snapshot folder), else the project's.
  const snapshotPath =
    params.snapshotDir ?? (params.snapshot !== undefined ? snapshotDir(dirname(dirname(ctx.artifactDir)), project.id, params.snapshot) : null);
  const fromSnapshot = snapshotPath !== null ? await loadSnapshotPrompts(snapshotPath) : null;
  if (fromSnapshot)
    ctx.log(`Prompts from snapshot ${fromSnapshot.snapshot.name} of "${fromSnapshot.snapshot.project.name}" (hash ${fromSnapshot.snapshot.hash}).`);
  const all = fromSnapshot?.prompts ?? loadProjectPrompts(db, project.id);
  const split = splitPpoPrompts(all, readRewardSplit(reward.dir), params.config.validationFraction, params.config.seed);
  if (split.train.length === 0) throw new Error(`project "${project.name}" has no prompts to train on`);
  ctx.log(
    `PPO round ${round} on "${project.name}": policy ${policy.label}, reward model ${reward.label}, reference ${reference.label}; ` +
      `${split.train.length} training prompts, ${split.eval.length} held out (${split.source}).`,
  );

  const ptx = ptxSource(db, params, project);
  if (ptx) ctx.log(`PPO-ptx (ptx_coef ${params.config.ptxCoef}) on ${ptx.description}.`);

  const outDir = params.outDir ?? join(ctx.artifactDir, "model");
  const { trainPpo } = await import("../ml/rl/train-ppo");
  const result = await trainPpo({
    policyDir: policy.dir,
    referenceDir: reference.dir,
    rewardModelDir: reward.dir,
    outDir,
    intraOpNumThreads: jobThreads(params.threads),
    prompts: split.train.map((p) => p.messages),
    evalPrompts: split.eval.map((p) => p.messages),
    ptxExamples: ptx?.examples,
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
          description: `PPO policy (round ${round}) of "${project.name}": ${policy.label} against ${reward.label}.`,
          metadata: {
            lineage: {
              round,
              sftModel,
              startPolicy: refView(policy),
              reference: refView(reference),
              rewardModel: refView(reward),
              project: { id: project.id, name: project.name },
              trainPrompts: split.train.length,
              evalPrompts: split.eval.length,
              promptSplit: split.source,
              promptsHash: split.trainHash,
              // The dataset snapshot whose prompts were used (its content hash names the exact files), or null for the project's.
              snapshot: fromSnapshot?.snapshot ?? null,
              valueModel: "value",
              // PPO-ptx's demonstrations (the project's or a file, with their hash), or null when off.
              ptx: ptx ? { coef: params.config.ptxCoef, source: ptx.source } : null,
            },
            metrics,
            evaluation: result.evaluation ?? null,
            config: params.config,
          },
        });
  const summary =
    typeof metrics.eval_scores === "number"
      ? ` · held-out score ${metrics.eval_scores.toFixed(3)} (SFT ${Number(metrics.eval_scores_reference).toFixed(3)}), KL ${Number(metrics.eval_kl).toFixed(3)}`
      : "";
  ctx.progress(1, `registered ${model.name}${summary}`);
  ctx.log(`Registered ${model.name} (${outDir})${summary}.`);
  return { modelId: model.id, modelName: model.name, outDir, round, iterations: result.iterations, resumedFrom: result.resumedFrom, metrics };
}
