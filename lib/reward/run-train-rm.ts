// The "train-rm" job: a reward model trained on a project's rankings, from a base model of the
// registry, then registered (kind "reward") with its lineage. The training loop is
// lib/ml/rl/train-reward-model.ts; its output directory is its checkpoint, so a job that was
// interrupted (worker killed, machine restarted) resumes from the last checkpoint.
import { dirname, join } from "node:path";
import { snapshotDir } from "../datasets/snapshot-store";
import type { JobContext } from "../jobs/kind";
import { JobCancelledError } from "../jobs/kind";
import { jobThreads } from "../jobs/threads";
import { stepProgress, trainerJobHooks } from "../jobs/trainer-hooks";
import { getModelByName, getModelRow, modelDir, nameSlug, registerModel, registryPath, toView } from "../models/registry";
import { getProject } from "../projects";
import type { TrainRmJobParams } from "./job-params";
import type { Calibration } from "../ml/rl/reward-calibration";
import { heldOutAccuracy } from "./held-out";
import { loadTrainingSet, type TrainingSet } from "./training-set";
import { loadSnapshotTrainingSet } from "./snapshot-training-set";
import { rankingSelectionSchema } from "../quality/counted-rankings";
import { taskRounds } from "../rounds/rounds";

export interface TrainRmResult extends Record<string, unknown> {
  modelId: number;
  modelName: string;
  outDir: string;
  steps: number;
  resumedFrom: number | null;
  metrics: Record<string, unknown>;
}

/** The registry name of a job's model when none is given: rm-<project slug>-<job id>. */
export function defaultRewardModelName(projectName: string, jobId: number): string {
  return `rm-${nameSlug(projectName)}-${jobId}`;
}

/** The metrics.json keys the registry keeps (each explained in lib/reward/metric-glossary.ts). */
export const METRIC_KEYS = [
  "eval_accuracy",
  "eval_loss",
  "eval_margin",
  "eval_mean_reward",
  "train_pairs",
  "eval_pairs",
  "train_rankings",
  "eval_rankings",
  "train_prompts",
  "eval_prompts",
  "dropped_without_pairs",
  "steps",
  "epochs",
] as const;

/** metrics.json's calibration as the registry stores it: {split: "eval" | "train", orientation, bins}. */
function calibrationOf(value: Calibration | null): { split: string; orientation: string; bins: Calibration["bins"] } | null {
  return value && Array.isArray(value.bins) ? { split: value.set, orientation: value.orientation, bins: value.bins } : null;
}

/** "eval accuracy 8.3% [1.5%, 35.4%] on 12 pairs of 1 prompt", and the small-set warning when there is one. */
export function heldOutSummary(metrics: Record<string, unknown>): { text: string; warning: string | null } | null {
  const numbers = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, typeof v === "number" ? v : null]));
  const h = heldOutAccuracy(numbers);
  if (!h) return null;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const prompts = h.prompts !== null ? ` of ${h.prompts} prompt${h.prompts === 1 ? "" : "s"}` : "";
  return {
    text: `eval accuracy ${pct(h.accuracy)} [${pct(h.interval[0])}, ${pct(h.interval[1])}] on ${h.pairs} pair${h.pairs === 1 ? "" : "s"}${prompts}`,
    warning: h.warning,
  };
}

export async function runTrainRm(ctx: JobContext<TrainRmJobParams>): Promise<TrainRmResult> {
  const { db, params } = ctx;
  const project = getProject(db, params.projectId);
  if (!project) throw new Error(`params.projectId: project ${params.projectId} does not exist`);
  // The base: a registered model, or (CLI) a bare model directory.
  let base: { id: number | null; name: string; dir: string };
  if (params.baseDir !== undefined) base = { id: null, name: params.baseDir, dir: params.baseDir };
  else {
    const row = getModelRow(db, params.baseModelId!);
    if (!row) throw new Error(`params.baseModelId: model ${params.baseModelId} does not exist`);
    if (row.source !== "palate") throw new Error(`params.baseModelId: ${row.name} is an endpoint; training needs a Palate model directory`);
    base = { id: row.id, name: row.name, dir: modelDir(row) };
  }
  const baseDir = base.dir;

  const name = params.name ?? defaultRewardModelName(project.name, ctx.jobId);
  const existing = getModelByName(db, name);
  if (existing && existing.jobId !== ctx.jobId) throw new Error(`params.name: a model named "${name}" is already registered`);

  // A dataset snapshot (by name among the project's, under the data dir that holds this job's folder;
  // or, from the CLI, a snapshot folder) instead of the live rankings: its selection was fixed when it was taken.
  const snapshotPath =
    params.snapshotDir ?? (params.snapshot !== undefined ? snapshotDir(dirname(dirname(ctx.artifactDir)), project.id, params.snapshot) : null);
  const fromSnapshot =
    snapshotPath !== null
      ? await loadSnapshotTrainingSet(snapshotPath, {
          includeNoneAcceptable: params.config.includeNoneAcceptable,
          projectId: project.id,
          roundOfTask: taskRounds(db, project.id),
        })
      : null;
  const set: TrainingSet = fromSnapshot
    ? { ...fromSnapshot, pausedLeftOut: 0, selection: rankingSelectionSchema.parse(fromSnapshot.snapshot.filters) }
    : loadTrainingSet(db, project.id, {
        includeNoneAcceptable: params.config.includeNoneAcceptable,
        rounds: params.rounds,
        selection: { rankings: params.rankings, aggregate: params.aggregate, includePaused: params.includePaused },
      });
  const snapshot = fromSnapshot?.snapshot ?? null;
  if (snapshot) ctx.log(`Training on snapshot ${snapshot.name} of "${snapshot.project.name}" (hash ${snapshot.hash}); its test split is held out.`);
  if (set.examples.length === 0) {
    throw new Error(
      `${snapshot ? `snapshot ${snapshot.name}` : `project "${project.name}"`} has no rankings to train on${set.noneAcceptableLeftOut > 0 ? ` (${set.noneAcceptableLeftOut} "none acceptable" rankings are left out)` : ""}`,
    );
  }
  ctx.log(
    `Training ${name} from ${base.name} on ${set.rankings} rankings of ${set.examples.length} tasks (round${set.roundsUsed.length > 1 ? "s" : ""} ${set.roundsUsed.join(", ")}; ${set.comparisons} comparisons` +
      `${set.noneAcceptableLeftOut > 0 ? `; ${set.noneAcceptableLeftOut} "none acceptable" left out` : ""}` +
      `${set.pausedLeftOut > 0 ? `; ${set.pausedLeftOut} of paused annotators left out` : ""}` +
      `${set.selection.rankings !== "every" ? `; ${set.selection.rankings === "aggregated" ? `aggregated by ${set.selection.aggregate}` : "reviewed rankings where there are"}` : ""}` +
      `${set.equalPairsSkipped > 0 ? `; ${set.equalPairsSkipped} pairs of equal texts left out` : ""}).`,
  );

  const outDir = params.outDir ?? join(ctx.artifactDir, "model");
  const { trainRewardModel } = await import("../ml/rl/train-reward-model");
  const result = await trainRewardModel({
    baseDir,
    outDir,
    examples: set.examples,
    config: params.config,
    intraOpNumThreads: jobThreads(params.threads),
    ...(fromSnapshot ? { heldOutPromptKeys: fromSnapshot.heldOutPromptKeys } : {}),
    ...trainerJobHooks(ctx),
    onProgress: stepProgress(ctx),
  });
  if (result.cancelled) throw new JobCancelledError();

  const m = result.metrics as unknown as Record<string, unknown>;
  const metrics: Record<string, unknown> = {};
  for (const key of METRIC_KEYS) if (key in m) metrics[key] = m[key];
  // A job that registered its model and then was interrupted finds it on its next attempt.
  const model =
    existing !== undefined
      ? toView(existing)
      : registerModel(db, {
          name,
          kind: "reward",
          source: "palate",
          path: registryPath(outDir),
          parentId: base.id,
          jobId: ctx.jobId,
          projectId: project.id,
          description: `Reward model trained on ${set.rankings} rankings of "${project.name}" from ${base.name}.`,
          metadata: {
            lineage: {
              baseModel: base.id !== null ? { id: base.id, name: base.name } : { dir: base.dir },
              project: { id: project.id, name: project.name },
              rankings: set.rankings,
              comparisons: set.comparisons,
              examples: set.examples.length,
              noneAcceptableLeftOut: set.noneAcceptableLeftOut,
              pausedLeftOut: set.pausedLeftOut,
              selection: set.selection,
              trainingSetHash: m.training_set_hash ?? null,
              rankingsHash: set.rankingsHash,
              // The dataset snapshot trained on (its content hash names the exact files), or null for the live rankings.
              snapshot: snapshot
                ? { name: snapshot.name, project: snapshot.project, hash: snapshot.hash, createdAt: snapshot.created_at, filters: snapshot.filters }
                : null,
              // The loop's round this reward model belongs to: the latest round of its rankings.
              round: set.round,
              rounds: set.roundsUsed,
            },
            metrics,
            calibration: calibrationOf(result.metrics.calibration),
            config: m.config ?? params.config,
          },
        });
  const heldOut = heldOutSummary(metrics);
  const evalAccuracy = heldOut ? ` · ${heldOut.text}` : " · no held-out accuracy (nothing held out)";
  ctx.progress(1, `registered ${model.name}${evalAccuracy}${heldOut?.warning ? " · too few held-out pairs or prompts to trust" : ""}`);
  ctx.log(`Registered ${model.name} (${outDir})${evalAccuracy}.`);
  if (heldOut?.warning) ctx.log(heldOut.warning);
  return { modelId: model.id, modelName: model.name, outDir, steps: result.steps, resumedFrom: result.resumedFrom, metrics };
}
