// DPO (Rafailov et al. 2023; TRL's DPOTrainer): the loop behind the dpo job and `palate dpo`.
//
// Two models: the policy (initialized from the SFT model, or an earlier policy) and the frozen
// reference (default: the policy's start). No reward model, no sampling: the policy learns from
// preference pairs directly.
//
//   pairs    ← every pair the rankings imply, split by prompt (dpo-data.ts; reward-data.ts's split)
//   ref      ← log π_ref of every chosen and rejected completion, ONCE, before training
//              (dpo-score.ts; TRL's precompute_ref_log_probs), kept in the checkpoint
//   for step s = 0 … epochs · ⌈pairs / B⌉ − 1:                   (lib/ml/train's runTraining)
//     batch   ← the step's B pairs of the epoch's seeded shuffle (2B rows: chosen, then rejected)
//     step    ← ONE run: log π of both sides, the sigmoid or IPO loss (dpo-loss.ts), backward;
//               clipping and AdamW (ppo-step.ts's GradientStep); lr: warmup, then linear to 0
//     metrics (TRL's names: loss, rewards/chosen, rewards/rejected, rewards/accuracies,
//     rewards/margins, logps/chosen, logps/rejected, grad_norm, lr, epoch) → metrics.jsonl;
//     every evalEvery steps the same figures on the held-out pairs under eval_ (dpo-figures.ts);
//     every checkpointEvery steps a checkpoint
//
// Outputs in outDir: the policy as a language-model directory (config.json, model.safetensors,
// tokenizer, generation_config.json, model.onnx: what `palate generate`, `serve` and eval-qa
// load), metrics.jsonl, metrics.json (DpoSummary), split.json (the prompts of each side),
// trainer_state.json. outDir is also the checkpoint (optimizer.safetensors: AdamW's moments and
// the reference log-probabilities): a run started again on it resumes (each step logged once), a
// finished one is returned as it is.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isSequenceClassifier, toGpt2Config } from "../io";
import { flatLayout, packParams, unpackParams } from "../nn/flat-params";
import { gpt2ParamSpecs } from "../nn/gpt2-config";
import { loadLanguageModel, saveLanguageModel, type LanguageModel } from "../nn/language-model";
import { Random } from "../random";
import {
  METRICS_LOG_FILE,
  MetricsLog,
  adamWCheckpointTensors,
  adamWStateFrom,
  checkpointFiles,
  checkpointTensor,
  learningRateAt,
  readCheckpoint,
  runTraining,
  type MetricValues,
  type TrainerState,
} from "../train";
import { dpoConfigSchema, type DpoConfig, type DpoConfigInput } from "./dpo-config";
import { dpoShape, encodePairs, makeDpoBatch, pairsOfExample, refLogpsFeed, type DpoPair, type EncodedPair } from "./dpo-data";
import { dpoFigures } from "./dpo-figures";
import { DPO_GRAPH_METRICS, dpoStepLoss, type DpoLossOptions } from "./dpo-loss";
import { DPO_SESSION_OPTIONS, DpoScorer, type ScoredPairs } from "./dpo-score";
import type { PpoShape } from "./ppo-batch";
import { ppoBatchFeeds, responseFeed } from "./ppo-graph";
import { GradientStep } from "./ppo-step";
import { PPO_UPDATE_SESSION_OPTIONS } from "./ppo-update";
import { pairCount, splitByPrompt, trainingSetHash, validateRankingExample, type RankingExample } from "./reward-data";
import { float32 } from "../onnx";

export const DPO_METRICS_LOG_FILE = METRICS_LOG_FILE;
export const DPO_METRICS_FILE = "metrics.json";
export const DPO_SPLIT_FILE = "split.json";
export const DPO_STATE_KIND = "dpo";

/** The metrics logged every step, TRL's DPOTrainer names. */
export const DPO_METRIC_NAMES = [
  "loss",
  "grad_norm",
  "lr",
  "rewards/chosen",
  "rewards/rejected",
  "rewards/accuracies",
  "rewards/margins",
  "logps/chosen",
  "logps/rejected",
  "epoch",
] as const;

/** The figures of each evaluation on the held-out pairs (TRL's eval_ prefix). */
export const DPO_EVAL_METRIC_NAMES = [
  "eval_loss",
  "eval_rewards/chosen",
  "eval_rewards/rejected",
  "eval_rewards/accuracies",
  "eval_rewards/margins",
  "eval_logps/chosen",
  "eval_logps/rejected",
] as const;

/** The reference log-probabilities in the checkpoint, one tensor per side and split. */
type RefTensor = "ref_logps.train.chosen" | "ref_logps.train.rejected" | "ref_logps.eval.chosen" | "ref_logps.eval.rejected";

export interface DpoProgress {
  step: number;
  totalSteps: number;
  /** The epoch this step belongs to, 1-based (metrics' `epoch` is the fractional one TRL logs). */
  epoch: number;
  /** Set once, on the first step after resuming from a checkpoint at this step. */
  resumedFrom?: number;
}

export interface TrainDpoOptions {
  /** The model the policy starts from: the SFT model, or an earlier policy. */
  policyDir: string;
  /** The frozen reference; default policyDir. */
  referenceDir?: string;
  /** Output (and checkpoint) directory. */
  outDir: string;
  /** Rankings (reward-data.ts's examples): every pair each implies is a DPO pair. */
  examples: readonly RankingExample[];
  /** The held-out prompts (promptKeys), fixed by the caller (a snapshot's test split, the reward model's) instead of config.validationFraction's split. */
  heldOutPromptKeys?: readonly string[];
  config?: DpoConfigInput;
  /** Replace whatever outDir holds (a checkpoint or a finished run of other settings). */
  overwrite?: boolean;
  /** Stops before the next step, writes a checkpoint and returns cancelled: true. */
  signal?: AbortSignal;
  shouldStop?: () => boolean;
  onProgress?: (p: DpoProgress) => void;
  /** Each logged point, as written to metrics.jsonl (DPO_METRIC_NAMES every step; DPO_EVAL_METRIC_NAMES at evaluations). */
  onMetrics?: (step: number, values: Record<string, number>) => void;
  onLog?: (text: string) => void;
  /** onnxruntime threads per operator (default 1). */
  intraOpNumThreads?: number;
}

/** What metrics.json holds. */
export interface DpoSummary {
  steps: number;
  total_steps: number;
  epochs: number;
  /** The last step's metrics (DPO_METRIC_NAMES). */
  last: Record<string, number> | null;
  /** The last evaluation's figures (DPO_EVAL_METRIC_NAMES), if any. */
  evaluation: Record<string, number> | null;
  train_pairs: number;
  eval_pairs: number;
  train_prompts: number;
  eval_prompts: number;
  /** Rankings (examples) with pairs used, and those left out. */
  examples: number;
  dropped_without_pairs: number;
  dropped_none_acceptable: number;
  shape: { prompt_length: number; completion_length: number; pairs_per_batch: number };
  truncated_prompts: number;
  truncated_completions: number;
  training_set_hash: string;
  config: DpoConfig;
  /** Seconds spent computing the reference log-probabilities, and in steps (across resumes). */
  reference_seconds: number;
  train_seconds: number;
}

export interface TrainDpoResult {
  steps: number;
  totalSteps: number;
  cancelled: boolean;
  resumedFrom: number | null;
  /** The last step's metrics and the last evaluation's eval_ figures, flat. */
  metrics: Record<string, number>;
  summary: DpoSummary;
}

interface DpoTrainerState extends TrainerState {
  kind: typeof DPO_STATE_KIND;
  step: number;
  totalSteps: number;
  finished: boolean;
  /** sha256 of the configuration, the pairs, the split and the two models: a checkpoint of another run is not resumed. */
  runHash: string;
  referenceSeconds: number;
  trainSeconds: number;
}

function dpoStateParser(runHash: string) {
  return (raw: unknown, path: string): DpoTrainerState | null => {
    const s = raw as Partial<DpoTrainerState> | null;
    if (!s || s.kind !== DPO_STATE_KIND || typeof s.step !== "number") return null;
    if (s.runHash !== runHash) throw new Error(`${path}: a DPO run of other settings, pairs or models; pass overwrite to replace it`);
    return s as DpoTrainerState;
  };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function weightsHash(weights: Readonly<Record<string, Float32Array>>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(weights).sort()) {
    const w = weights[name];
    h.update(name);
    h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  }
  return h.digest("hex");
}

/** The per-epoch batch orders: a shuffle of the training pairs per epoch, from the seed. */
function epochOrders(n: number, epochs: number, seed: number): number[][] {
  const rng = new Random((seed + 0x0d90) >>> 0);
  return Array.from({ length: epochs }, () => rng.shuffle(Array.from({ length: n }, (_, i) => i)));
}

/** The AdamW of TRL's defaults (transformers' TrainingArguments): no weight decay, ε 1e-8, clipping at maxGradNorm. */
export function dpoAdamW(config: Pick<DpoConfig, "maxGradNorm">) {
  return { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: config.maxGradNorm };
}

export function dpoLossOptions(config: Pick<DpoConfig, "beta" | "lossType" | "labelSmoothing">): DpoLossOptions {
  return { beta: config.beta, lossType: config.lossType, labelSmoothing: config.labelSmoothing };
}

// ---------------------------------------------------------------------------------------

export async function trainDpo(o: TrainDpoOptions): Promise<TrainDpoResult> {
  const cfg = dpoConfigSchema.parse(o.config ?? {});
  const log = o.onLog ?? (() => {});
  o.examples.forEach(validateRankingExample);
  const lossOptions = dpoLossOptions(cfg);
  const threads = o.intraOpNumThreads ?? 1;

  // The rankings used (as the reward model's trainer chooses them), split by prompt, then their pairs.
  const noneAcceptable = cfg.includeNoneAcceptable ? 0 : o.examples.filter((e) => e.noneAcceptable).length;
  const candidates = cfg.includeNoneAcceptable ? o.examples : o.examples.filter((e) => !e.noneAcceptable);
  const used = candidates.filter((e) => pairCount(e) > 0);
  const heldOut = o.heldOutPromptKeys ? new Set(o.heldOutPromptKeys) : null;
  const split = heldOut
    ? { train: used.filter((e) => !heldOut.has(e.promptKey)), eval: used.filter((e) => heldOut.has(e.promptKey)) }
    : splitByPrompt(used, cfg.validationFraction, cfg.seed);
  const trainPairs: DpoPair[] = split.train.flatMap(pairsOfExample);
  const evalPairs: DpoPair[] = split.eval.flatMap(pairsOfExample);
  if (trainPairs.length === 0) throw new Error("no preference pair to train on");

  // Models: the policy's start and the frozen reference, language models of one shape and tokenizer.
  const start = await loadLanguageModel(o.policyDir);
  const reference = o.referenceDir && o.referenceDir !== o.policyDir ? await loadLanguageModel(o.referenceDir) : start;
  for (const [dir, m] of [
    [o.policyDir, start],
    [o.referenceDir ?? o.policyDir, reference],
  ] as const) {
    if (isSequenceClassifier(m.config)) throw new Error(`${dir}: the policy and the reference must be language models, not reward models`);
  }
  const policyShape = toGpt2Config(start.config);
  if (JSON.stringify(toGpt2Config(reference.config)) !== JSON.stringify(policyShape)) throw new Error("the reference model's shape differs from the policy's");
  const tokenizer = start.tokenizer;
  if (!tokenizer) throw new Error(`${o.policyDir}: the model directory has no tokenizer.json (DPO learns from text)`);
  const padTokenId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? start.config.eos_token_id ?? 0;

  const trainEncoded: EncodedPair[] = encodePairs(tokenizer, trainPairs);
  const evalEncoded: EncodedPair[] = encodePairs(tokenizer, evalPairs);
  const fitted = dpoShape([...trainEncoded, ...evalEncoded], {
    maxLength: cfg.maxLength,
    maxPromptLength: cfg.maxPromptLength,
    nPositions: policyShape.nPositions,
  });
  const shape: PpoShape = fitted.shape;
  const B = cfg.batchSize;
  const hash = trainingSetHash(used);
  const runHash = sha256(
    JSON.stringify({ cfg, hash, heldOut: heldOut ? [...heldOut].sort() : null, shape }) + weightsHash(start.weights) + weightsHash(reference.weights),
  );

  // A finished run, or a checkpoint to resume.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir, dpoStateParser(runHash));
  if (checkpoint?.state.finished) {
    log(`${o.outDir}: already trained (${checkpoint.state.step} steps)`);
    const summary = JSON.parse(readFileSync(join(o.outDir, DPO_METRICS_FILE), "utf8")) as DpoSummary;
    return {
      steps: checkpoint.state.step,
      totalSteps: checkpoint.state.totalSteps,
      cancelled: false,
      resumedFrom: null,
      metrics: flatMetrics(summary),
      summary,
    };
  }
  const resumedFrom = checkpoint ? checkpoint.state.step : null;

  const stepsPerEpoch = Math.ceil(trainEncoded.length / B);
  const totalSteps = cfg.epochs * stepsPerEpoch;
  const schedule = { lr: cfg.learningRate, warmupSteps: Math.round(cfg.warmupRatio * totalSteps), totalSteps, minLr: 0, decay: "linear" as const };
  const orders = epochOrders(trainEncoded.length, cfg.epochs, cfg.seed);
  const trainPrompts = new Set(split.train.map((e) => e.promptKey));
  const evalPrompts = new Set(split.eval.map((e) => e.promptKey));
  if (resumedFrom !== null) log(`resuming from the checkpoint at step ${resumedFrom} of ${totalSteps}`);
  log(
    `${trainEncoded.length} training pairs of ${trainPrompts.size} prompts, ${evalEncoded.length} held out (${evalPrompts.size} prompts); ` +
      `${cfg.lossType} loss, β ${cfg.beta}; batch [2 × ${B} × (${shape.promptLength} + ${shape.responseLength})], ${totalSteps} steps` +
      (fitted.truncatedPrompts > 0 ? `; ${fitted.truncatedPrompts} prompts cut to their last ${shape.promptLength} tokens` : "") +
      (fitted.truncatedCompletions > 0 ? `; ${fitted.truncatedCompletions} completions cut to their first ${shape.responseLength} tokens` : ""),
  );

  const specs = gpt2ParamSpecs(policyShape);
  const layout = flatLayout(specs);
  const startWeights = checkpoint ? (await loadLanguageModel(o.outDir)).weights : start.weights;
  const opt = adamWStateFrom(packParams(layout, startWeights), checkpoint, checkpoint?.state.step ?? 0);
  let trainSeconds = checkpoint?.state.trainSeconds ?? 0;
  let referenceSeconds = checkpoint?.state.referenceSeconds ?? 0;

  const scorer = await DpoScorer.create(
    { policy: policyShape, pairs: B, shape, average: cfg.lossType === "ipo" },
    { ...DPO_SESSION_OPTIONS, intraOpNumThreads: threads },
  );
  let step: GradientStep | null = null;
  try {
    // The reference's log-probabilities: from the checkpoint, or computed now, once.
    let refTrain: ScoredPairs;
    let refEval: ScoredPairs;
    if (checkpoint) {
      const t = (name: RefTensor, n: number) => checkpointTensor(checkpoint, name, n);
      refTrain = { chosen: t("ref_logps.train.chosen", trainEncoded.length), rejected: t("ref_logps.train.rejected", trainEncoded.length) };
      refEval = { chosen: t("ref_logps.eval.chosen", evalEncoded.length), rejected: t("ref_logps.eval.rejected", evalEncoded.length) };
    } else {
      const t0 = performance.now();
      const refWeights = packParams(layout, reference.weights);
      refTrain = await scorer.score(refWeights, trainEncoded, padTokenId);
      refEval = await scorer.score(refWeights, evalEncoded, padTokenId);
      referenceSeconds = (performance.now() - t0) / 1000;
      log(`reference log-probabilities of ${trainEncoded.length + evalEncoded.length} pairs computed in ${referenceSeconds.toFixed(1)} s`);
    }
    const refTensors: Record<RefTensor, Float32Array> = {
      "ref_logps.train.chosen": refTrain.chosen,
      "ref_logps.train.rejected": refTrain.rejected,
      "ref_logps.eval.chosen": refEval.chosen,
      "ref_logps.eval.rejected": refEval.rejected,
    };

    const metricsLog = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { onRecord: o.onMetrics });
    const splitFile = {
      seed: cfg.seed,
      validation_fraction: heldOut ? null : cfg.validationFraction,
      train: [...trainPrompts],
      eval: [...evalPrompts],
      train_pairs: trainEncoded.length,
      eval_pairs: evalEncoded.length,
    };
    let lastEval: Record<string, number> | null = null;
    const state = (finished: boolean): DpoTrainerState => ({
      kind: DPO_STATE_KIND,
      step: opt.step,
      totalSteps,
      finished,
      runHash,
      referenceSeconds,
      trainSeconds,
    });
    const policyModel = (): LanguageModel => ({
      config: start.config,
      weights: Object.fromEntries(Object.entries(unpackParams(layout, opt.weights)).map(([k, v]) => [k, v.slice()])),
      tokenizer,
    });
    const saveCheckpoint = async () => {
      const moments = adamWCheckpointTensors(opt, layout);
      const files = checkpointFiles({
        state: state(false),
        tensors: { ...moments.tensors, ...refTensors },
        metadata: moments.metadata,
        files: { [METRICS_LOG_FILE]: metricsLog.content(), [DPO_SPLIT_FILE]: JSON.stringify(splitFile, null, 2) + "\n" },
      });
      await saveLanguageModel(o.outDir, policyModel(), files);
    };

    step = await GradientStep.create(
      { params: specs, buildLoss: dpoStepLoss({ policy: policyShape, pairs: B, shape, loss: lossOptions }), adamW: dpoAdamW(cfg) },
      { ...PPO_UPDATE_SESSION_OPTIONS, intraOpNumThreads: threads },
    );
    const gradientStep = step;

    const runStep = async (s: number): Promise<MetricValues> => {
      const epoch = Math.floor(s / stepsPerEpoch);
      const first = (s % stepsPerEpoch) * B;
      const index = orders[epoch].slice(first, first + B);
      const { batch, weights } = makeDpoBatch(
        index.map((i) => trainEncoded[i]),
        B,
        shape,
        padTokenId,
      );
      const lr = learningRateAt(s, schedule);
      const t0 = performance.now();
      const r = await gradientStep.run(
        opt,
        {
          ...ppoBatchFeeds(batch),
          mask: responseFeed(batch.mask, 2 * B, shape),
          ref_logps: float32(refLogpsFeed(refTrain.chosen, refTrain.rejected, index, B), [2 * B]),
          pair_weights: float32(weights, [B]),
        },
        lr,
      );
      trainSeconds += (performance.now() - t0) / 1000;
      const named = Object.fromEntries(Object.entries(DPO_GRAPH_METRICS).map(([graphName, trlName]) => [trlName, r.metrics[graphName]]));
      return { loss: r.loss, grad_norm: r.gradNorm, lr, ...named, epoch: opt.step / stepsPerEpoch };
    };

    const evaluate = async (): Promise<MetricValues | null> => {
      if (evalEncoded.length === 0) return null;
      const policy = await scorer.score(opt.weights, evalEncoded, padTokenId);
      const figures = dpoFigures(
        policy,
        refEval,
        lossOptions,
        evalEncoded.map((p) => p.weight),
      );
      lastEval = Object.fromEntries(Object.entries(figures).map(([k, v]) => [`eval_${k}`, v]));
      return figures;
    };

    const summarize = (): DpoSummary => ({
      steps: opt.step,
      total_steps: totalSteps,
      epochs: cfg.epochs,
      last: metricsLog.lastWith("rewards/margins"),
      evaluation: lastEval ?? metricsLog.lastWith("eval_loss"),
      train_pairs: trainEncoded.length,
      eval_pairs: evalEncoded.length,
      train_prompts: trainPrompts.size,
      eval_prompts: evalPrompts.size,
      examples: used.length,
      dropped_without_pairs: candidates.length - used.length,
      dropped_none_acceptable: noneAcceptable,
      shape: { prompt_length: shape.promptLength, completion_length: shape.responseLength, pairs_per_batch: B },
      truncated_prompts: fitted.truncatedPrompts,
      truncated_completions: fitted.truncatedCompletions,
      training_set_hash: hash,
      config: cfg,
      reference_seconds: Math.round(referenceSeconds * 1000) / 1000,
      train_seconds: Math.round(trainSeconds * 1000) / 1000,
    });

    const run = await runTraining({
      startStep: opt.step,
      totalSteps,
      resumedFrom,
      log: metricsLog,
      runStep,
      onStep: (r) =>
        o.onProgress?.({
          step: r.step,
          totalSteps,
          epoch: Math.floor((r.step - 1) / stepsPerEpoch) + 1,
          ...(r.resumedFrom !== undefined ? { resumedFrom: r.resumedFrom } : {}),
        }),
      evaluation: { every: cfg.evalEvery, evaluate },
      checkpoint: { every: cfg.checkpointEvery, save: saveCheckpoint },
      signal: o.signal,
      shouldStop: o.shouldStop,
    });
    if (run.cancelled) {
      log(`cancelled at step ${opt.step}; checkpoint written`);
      const summary = summarize();
      return { steps: opt.step, totalSteps, cancelled: true, resumedFrom, metrics: flatMetrics(summary), summary };
    }

    // The finished run, in one all-or-nothing write: the policy directory, the logs and the summary (no optimizer tensors).
    const summary = summarize();
    const files = checkpointFiles({
      state: state(true),
      files: {
        [METRICS_LOG_FILE]: metricsLog.content(),
        [DPO_SPLIT_FILE]: JSON.stringify(splitFile, null, 2) + "\n",
        [DPO_METRICS_FILE]: JSON.stringify(summary, null, 2) + "\n",
      },
    });
    await saveLanguageModel(o.outDir, policyModel(), files);
    const ev = summary.evaluation;
    log(
      `finished: ${opt.step} steps in ${trainSeconds.toFixed(1)} s` +
        (ev ? `; held-out reward accuracy ${ev["eval_rewards/accuracies"].toFixed(3)}, margin ${ev["eval_rewards/margins"].toFixed(4)}` : ""),
    );
    return { steps: opt.step, totalSteps, cancelled: false, resumedFrom, metrics: flatMetrics(summary), summary };
  } finally {
    await scorer.release();
    if (step) await step.release();
  }
}

/** The last step's metrics and the last evaluation's figures, flat. */
function flatMetrics(summary: DpoSummary): Record<string, number> {
  return { ...(summary.last ?? {}), ...(summary.evaluation ?? {}) };
}
