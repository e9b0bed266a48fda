// Training a reward model on rankings (InstructGPT §3.5; TRL's RewardTrainer): the loop
// behind the train-rm job and `palate train-rm`.
//
// - Model: GPT2ForSequenceClassification (lib/ml/nn/reward-model.ts). The backbone comes from
//   `baseDir` (an SFT language model, or a reward model to continue); a new score head is
//   drawn from N(0, initializer_range²) with the seed, as transformers' _init_weights does.
//   Every parameter trains (AdamW, gradient clipping at 1), one ORT run per step.
// - Loss: one batch element is one ranking with all its completions; every pair it implies
//   gives −log σ(r_chosen − r_rejected − margin), averaged over the pairs of the batch
//   (ranking-loss.ts), plus the optional centring term; with `marginFromStrength` each ranking's
//   margin (a pairwise strength, RankingExample.margin) is subtracted too, fed as an input [B].
// - Data: split by prompt (reward-data.ts); rankings without a pair are dropped up front.
//   Batches have a static shape [batchSize, K, T] so one session serves the whole run; the
//   batch order is a per-epoch shuffle from the seed, so a resumed run replays it exactly.
// - Outputs in outDir: a model directory transformers loads as GPT2ForSequenceClassification
//   (config.json, model.safetensors with score.weight, tokenizer files, model.onnx), plus
//   metrics.jsonl (TRL's metric names, one JSON line per step and per evaluation),
//   metrics.json (summary, calibration) and split.json (the promptKeys of each side).
// - The loop, checkpoints and metrics.jsonl are the shared trainer's (lib/ml/train): like
//   train-lm, outDir is the checkpoint (trainer_state.json + optimizer.safetensors +
//   metrics.jsonl, written all-or-nothing with the model). An unfinished outDir is resumed;
//   a finished one is returned as it is (unless `overwrite`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCORE_WEIGHT, isSequenceClassifier, loadModelDir, saveModelDir, toGpt2Config, withArchitecture, type GPT2Config, type NamedParams } from "../io";
import { Graph, Session, float32, int64, type Value } from "../onnx";
import { flatLayout, packParams, unpackParams, type FlatLayout } from "../nn/flat-params";
import type { Gpt2Config } from "../nn/gpt2-config";
import { exportRewardModelOnnx, rewardModelParamSpecs, rewardScores } from "../nn/reward-model";
import { Random } from "../random";
import type { Tokenizer } from "../tokenizer";
import { CHECKPOINT_TENSORS_FILE, TRAINER_STATE_FILE, checkpointFiles, readCheckpoint, type TrainerState as BaseTrainerState } from "../train/checkpoint";
import { learningRateAt } from "../train/lr-schedule";
import { METRICS_LOG_FILE, MetricsLog } from "../train/metrics-log";
import { adamWCheckpointTensors, adamWStateFrom } from "../train/optimizer-state";
import { TrainStep, type LossOutputs } from "../train/train-step";
import { runTraining, stepMetrics } from "../train/trainer";
import {
  batchShape,
  encodeRankings,
  makeRankingBatch,
  pairCount,
  splitByPrompt,
  trainingSetHash,
  validateRankingExample,
  type EncodedRanking,
  type RankingBatch,
  type RankingExample,
} from "./reward-data";
import { rewardConfigSchema, type RewardConfig, type RewardConfigInput } from "./reward-config";
import { rankingLoss } from "./ranking-loss";
import { calibrationTable, type Calibration } from "./reward-calibration";

export { calibrationTable, legacyCalibrationBins, type Calibration, type CalibrationBin } from "./reward-calibration";

export { TRAINER_STATE_FILE, METRICS_LOG_FILE };
export const OPTIMIZER_FILE = CHECKPOINT_TENSORS_FILE;
export const METRICS_FILE = "metrics.json";
export const SPLIT_FILE = "split.json";

export interface TrainRewardModelProgress {
  step: number;
  totalSteps: number;
  /** The epoch this step belongs to, 1-based (metrics' `epoch` is the fractional one TRL logs). */
  epoch: number;
  /** Set once, when the run resumed from a checkpoint at this step. */
  resumedFrom?: number;
}

export interface TrainRewardModelOptions {
  /** A Palate/HF GPT-2 model dir (a language model, or already a reward model). */
  baseDir: string;
  /** Output model dir, also the checkpoint (like train-lm). */
  outDir: string;
  examples: RankingExample[];
  config?: RewardConfigInput;
  /** Ignore and replace whatever outDir holds. */
  overwrite?: boolean;
  /**
   * The held-out prompts (promptKeys), fixed by the caller (e.g. a dataset snapshot's test split)
   * instead of config.validationFraction's seeded split.
   */
  heldOutPromptKeys?: readonly string[];
  /** Train metrics every step; eval metrics (eval_ prefix) at evaluations. */
  onMetrics?: (step: number, values: Record<string, number>) => void;
  onProgress?: (p: TrainRewardModelProgress) => void;
  onLog?: (text: string) => void;
  /** Stops after the current step, writes a checkpoint and returns cancelled: true. */
  signal?: AbortSignal;
  /** onnxruntime threads per operator of the training and scoring sessions (default 1: the same result bit for bit). */
  intraOpNumThreads?: number;
}

/** What metrics.json holds. */
export interface RewardMetrics {
  eval_loss: number | null;
  eval_accuracy: number | null;
  eval_margin: number | null;
  eval_mean_reward: number | null;
  eval_min_reward: number | null;
  eval_max_reward: number | null;
  /** Loss and accuracy of the last training step. */
  train_loss: number | null;
  train_accuracy: number | null;
  /** Pairs (sums of pair counts) in the training / held-out rankings. */
  train_pairs: number;
  eval_pairs: number;
  /** Examples (rankings, or merged rankings of one task) on each side of the split. */
  train_rankings: number;
  eval_rankings: number;
  /** Distinct prompts (promptKeys) on each side of the split. */
  train_prompts: number;
  eval_prompts: number;
  /** Examples left out because they imply no pair (all tied, or one group). */
  dropped_without_pairs: number;
  /** Examples marked noneAcceptable left out (config.includeNoneAcceptable false). */
  dropped_none_acceptable: number;
  steps: number;
  total_steps: number;
  epochs: number;
  /** The static shape of every batch: rankings, completions per ranking (K), tokens per sequence (T). */
  batch_shape: { batch_size: number; completions: number; sequence_length: number };
  /** trainingSetHash of the examples used (after the drops above, in the order given), train and eval together. */
  training_set_hash: string;
  /** The resolved configuration. */
  config: RewardConfig;
  /** On the held-out rankings, or on the training rankings when none are held out (see `set`); each pair once. */
  calibration: Calibration | null;
  /** Seconds spent in training steps (not evaluations or checkpoints), across resumes. */
  train_seconds: number;
}

export interface TrainRewardModelResult {
  steps: number;
  totalSteps: number;
  cancelled: boolean;
  resumedFrom: number | null;
  metrics: RewardMetrics;
}

/** trainer_state.json of a reward-model run (the batch order is a function of the seed and the step). */
interface TrainerState extends BaseTrainerState {
  totalSteps: number;
  stepsPerEpoch: number;
  finished: boolean;
  trainingSetHash: string;
  config: RewardConfig;
  seqLen: number;
  k: number;
  trainSeconds: number;
  lastTrain: { loss: number; accuracy: number } | null;
}

/** Scores of a set of rankings and the figures TRL reports on them. */
export interface RankingEvaluation {
  loss: number;
  accuracy: number;
  margin: number;
  mean_reward: number;
  min_reward: number;
  max_reward: number;
  pairs: number;
}

// ---------------------------------------------------------------------------------------
// Graphs

interface BatchDims {
  batchSize: number;
  k: number;
  seqLen: number;
}

function declareBatch(g: Graph, d: BatchDims) {
  const n = d.batchSize * d.k;
  return {
    inputIds: g.input("input_ids", "int64", [n, d.seqLen]),
    lastTokenMask: g.input("last_token_mask", "float32", [n, d.seqLen]),
  };
}

function batchFeeds(b: RankingBatch, d: BatchDims) {
  const n = d.batchSize * d.k;
  return {
    input_ids: int64(b.inputIds, [n, d.seqLen]),
    last_token_mask: float32(b.lastTokenMask, [n, d.seqLen]),
  };
}

/** The ranking loss of a reward model on [B, K, T] batches, as a train-step loss builder. */
export function rewardModelLoss(c: Gpt2Config, d: BatchDims, options: { margin: number; centring: number; marginFromStrength?: boolean }) {
  return (g: Graph, w: Record<string, Value>): LossOutputs => {
    if (d.seqLen > c.nPositions) throw new Error(`sequence length ${d.seqLen} exceeds n_positions ${c.nPositions}`);
    const { inputIds, lastTokenMask } = declareBatch(g, d);
    const preferences = g.input("preferences", "float32", [d.batchSize, d.k, d.k]);
    const valid = g.input("valid", "float32", [d.batchSize, d.k]);
    const rewards = g.reshape(rewardScores(g, c, w, { inputIds, lastTokenMask, fusedGelu: true }), [d.batchSize, d.k]);
    const margins = options.marginFromStrength ? g.input("margins", "float32", [d.batchSize]) : undefined;
    const { loss, accuracy, margin } = rankingLoss(g, rewards, preferences, { margin: options.margin, centring: options.centring, margins });
    // Reward statistics over real completions only (dummies are 0 and excluded).
    const r = g.stopGradient(rewards);
    const isValid = g.greater(valid, g.scalar(0));
    const count = g.max(g.reduceSum(valid, null, false), g.scalar(1));
    const mean = g.div(g.reduceSum(g.mul(r, valid), null, false), count);
    const min = g.reduceMin(g.where(isValid, r, g.scalar(3e38)), null, false);
    const max = g.reduceMax(g.where(isValid, r, g.scalar(-3e38)), null, false);
    return { loss, metrics: { accuracy, margin, mean_reward: mean, min_reward: min, max_reward: max } };
  };
}

/** A forward-only session over flat weights: batch → rewards [B·K]. */
async function createScoringSession(c: Gpt2Config, layout: FlatLayout, d: BatchDims, threads: number): Promise<Session> {
  const g = new Graph({ name: "reward_eval" });
  const flat = g.input("weights", "float32", [layout.size]);
  const w: Record<string, Value> = {};
  for (const s of layout.slots) w[s.name] = g.reshape(g.slice(flat, [s.offset], [s.offset + s.size], [0]), s.shape);
  const { inputIds, lastTokenMask } = declareBatch(g, d);
  g.output(rewardScores(g, c, w, { inputIds, lastTokenMask, fusedGelu: true }), "rewards");
  return Session.create(g.toOnnx(), { intraOpNumThreads: threads, logSeverityLevel: 3 });
}

async function scoreRankings(session: Session, weights: Float32Array, rankings: readonly EncodedRanking[], d: BatchDims, padId: number): Promise<number[][]> {
  const out: number[][] = [];
  const w = float32(weights, [weights.length]);
  for (let start = 0; start < rankings.length; start += d.batchSize) {
    const chunk = rankings.slice(start, start + d.batchSize);
    const batch = makeRankingBatch(chunk, d, padId);
    const res = await session.run({ weights: w, ...batchFeeds(batch, d) });
    const r = res.rewards.data as Float32Array;
    chunk.forEach((rk, b) => out.push(Array.from(r.subarray(b * d.k, b * d.k + rk.sequences.length))));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Figures from rewards (double precision, pairs weighted by their counts)

const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));

/** Loss, accuracy and margin (as rankingLoss, over all pairs of all rankings) and reward statistics. */
export function evaluateRewards(
  rewards: readonly (readonly number[])[],
  rankings: readonly (Pick<EncodedRanking, "pairs"> & { margin?: number })[],
  options: { margin: number; centring: number; marginFromStrength?: boolean },
): RankingEvaluation {
  let pairs = 0;
  let loss = 0;
  let wins = 0;
  let margin = 0;
  let sum = 0;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  rankings.forEach((rk, b) => {
    const r = rewards[b];
    const k = r.length;
    const required = options.margin + (options.marginFromStrength ? (rk.margin ?? 0) : 0);
    for (const v of r) {
      sum += v;
      n++;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const p = rk.pairs[i * k + j];
        if (p === 0) continue;
        const diff = r[i] - r[j];
        pairs += p;
        loss += p * (softplus(-(diff - required)) + options.centring * (r[i] + r[j]) ** 2);
        wins += diff > 0 ? p : 0;
        margin += p * diff;
      }
    }
  });
  const per = Math.max(pairs, 1);
  return {
    loss: loss / per,
    accuracy: wins / per,
    margin: margin / per,
    mean_reward: n > 0 ? sum / n : 0,
    min_reward: n > 0 ? min : 0,
    max_reward: n > 0 ? max : 0,
    pairs,
  };
}

// ---------------------------------------------------------------------------------------
// Model and checkpoint

interface RewardModelState {
  config: GPT2Config;
  weights: Record<string, Float32Array>;
  tokenizer: Tokenizer;
}

async function loadBase(dir: string, seed: number, log: (s: string) => void): Promise<RewardModelState> {
  const loaded = await loadModelDir(dir);
  if (!loaded.tokenizer) throw new Error(`${dir}: the model directory has no tokenizer.json`);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of loaded.params) weights[name] = t.data;
  const tokenizer = loaded.tokenizer;
  const padId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? loaded.config.eos_token_id;
  if (isSequenceClassifier(loaded.config)) {
    log(`continuing the reward model in ${dir} (its score head kept)`);
    return { config: loaded.config, weights, tokenizer };
  }
  const config = withArchitecture(loaded.config, "GPT2ForSequenceClassification", padId);
  const head = new Random(seed).fillNormal(new Float32Array(config.n_embd), 0, config.initializer_range);
  weights[SCORE_WEIGHT] = head;
  log(`backbone from ${dir}; new score head ~ N(0, ${config.initializer_range}²), seed ${seed}`);
  return { config, weights, tokenizer };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** A reward-model run's state; another kind of trainer_state.json (e.g. train-lm's) is no checkpoint of it. */
function parseTrainerState(raw: unknown): TrainerState | null {
  const s = raw as Partial<TrainerState> | null;
  return s && typeof s.step === "number" && typeof s.trainingSetHash === "string" ? (s as TrainerState) : null;
}

function sameConfig(a: RewardConfig, b: RewardConfig): boolean {
  const keys = Object.keys(rewardConfigSchema.shape) as (keyof RewardConfig)[];
  // A checkpoint written before a setting existed holds no value for it: its default.
  const [x, y] = [rewardConfigSchema.parse(a), rewardConfigSchema.parse(b)];
  return keys.every((k) => x[k] === y[k]);
}

/** The per-epoch batch orders: a shuffle of the training rankings per epoch, from the seed. */
function epochOrders(n: number, epochs: number, seed: number): number[][] {
  const rng = new Random((seed + 0x5bd1e995) >>> 0);
  const orders: number[][] = [];
  for (let e = 0; e < epochs; e++) orders.push(rng.shuffle(Array.from({ length: n }, (_, i) => i)));
  return orders;
}

// ---------------------------------------------------------------------------------------

export async function trainRewardModel(o: TrainRewardModelOptions): Promise<TrainRewardModelResult> {
  const cfg = rewardConfigSchema.parse(o.config ?? {});
  const log = o.onLog ?? (() => {});
  o.examples.forEach(validateRankingExample);

  // The rankings used: none-acceptable ones only when asked; those without a pair never.
  const noneAcceptable = cfg.includeNoneAcceptable ? [] : o.examples.filter((e) => e.noneAcceptable);
  const candidates = cfg.includeNoneAcceptable ? o.examples : o.examples.filter((e) => !e.noneAcceptable);
  const used = candidates.filter((e) => pairCount(e) > 0);
  const dropped = candidates.length - used.length;
  const hash = trainingSetHash(used);
  const heldOut = o.heldOutPromptKeys ? new Set(o.heldOutPromptKeys) : null;
  const split = heldOut
    ? { train: used.filter((e) => !heldOut.has(e.promptKey)), eval: used.filter((e) => heldOut.has(e.promptKey)) }
    : splitByPrompt(used, cfg.validationFraction, cfg.seed);
  if (split.train.length === 0) throw new Error("no ranking with a pair to train on");

  // A finished run, or a checkpoint to resume.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir, parseTrainerState);
  const state = checkpoint?.state ?? null;
  if (state && (state.trainingSetHash !== hash || !sameConfig(state.config, cfg))) {
    throw new Error(
      `${o.outDir} holds a ${state.finished ? "finished run" : "checkpoint"} of different rankings or configuration; pass overwrite to replace it`,
    );
  }
  if (state?.finished) {
    const metrics = readJson<RewardMetrics>(join(o.outDir, METRICS_FILE));
    log(`${o.outDir}: already trained (${state.step} steps)`);
    return { steps: state.step, totalSteps: state.totalSteps, cancelled: false, resumedFrom: null, metrics };
  }
  const model = state ? await loadBase(o.outDir, cfg.seed, log) : await loadBase(o.baseDir, cfg.seed, log);
  const shape = toGpt2Config(model.config);
  const tokenizer = model.tokenizer;
  const padId = model.config.pad_token_id ?? 0;
  const maxLength = Math.min(cfg.maxLength, shape.nPositions);

  const trainRankings = encodeRankings(tokenizer, split.train, maxLength);
  const evalRankings = encodeRankings(tokenizer, split.eval, maxLength);
  const { k, seqLen } = state ? { k: state.k, seqLen: state.seqLen } : batchShape([...trainRankings, ...evalRankings], maxLength);
  const dims: BatchDims = { batchSize: cfg.batchSize, k, seqLen };
  const stepsPerEpoch = Math.ceil(trainRankings.length / cfg.batchSize);
  const totalSteps = cfg.epochs * stepsPerEpoch;
  const warmupSteps = Math.round(cfg.warmupRatio * totalSteps);
  const schedule = { lr: cfg.learningRate, warmupSteps, totalSteps };
  const orders = epochOrders(trainRankings.length, cfg.epochs, cfg.seed);
  const sumPairs = (rs: readonly EncodedRanking[]) => rs.reduce((s, r) => s + r.pairs.reduce((a, b) => a + b, 0), 0);
  log(
    `${trainRankings.length} training rankings (${sumPairs(trainRankings)} pairs), ${evalRankings.length} held out ` +
      `(${sumPairs(evalRankings)} pairs); ${dropped} without pairs dropped; batch [${cfg.batchSize} × ${k} × ${seqLen}], ` +
      `${totalSteps} steps`,
  );

  const specs = rewardModelParamSpecs(shape);
  const layout = flatLayout(specs);
  const opt = adamWStateFrom(packParams(layout, model.weights), checkpoint, state?.step ?? 0);
  const resumedFrom = state ? state.step : null;
  let trainSeconds = state?.trainSeconds ?? 0;
  let lastTrain = state?.lastTrain ?? null;

  // metrics.jsonl: the lines up to the checkpoint's step are kept, the rest dropped.
  const metricsLog = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { onRecord: o.onMetrics });

  const splitFile = {
    seed: cfg.seed,
    validation_fraction: heldOut ? null : cfg.validationFraction,
    train: [...new Set(split.train.map((e) => e.promptKey))],
    eval: [...new Set(split.eval.map((e) => e.promptKey))],
  };
  const save = async (finished: boolean, extra: Record<string, string> = {}) => {
    const weights = unpackParams(layout, opt.weights);
    const params: NamedParams = new Map(layout.slots.map((s) => [s.name, { shape: s.shape, data: weights[s.name] }]));
    const trainerState: TrainerState = {
      step: opt.step,
      totalSteps,
      stepsPerEpoch,
      finished,
      trainingSetHash: hash,
      config: cfg,
      seqLen,
      k,
      trainSeconds,
      lastTrain,
    };
    // A finished run keeps no moments: it is not resumed, and a continuation starts a new run.
    const files = checkpointFiles({
      state: trainerState,
      ...(finished ? {} : adamWCheckpointTensors(opt, layout)),
      files: { [METRICS_LOG_FILE]: metricsLog.content(), [SPLIT_FILE]: JSON.stringify(splitFile, null, 2) + "\n", ...extra },
    });
    await saveModelDir(o.outDir, {
      config: model.config,
      params,
      tokenizer,
      onnx: exportRewardModelOnnx(shape, weights),
      extraFiles: files,
    });
  };

  const lossOptions = { margin: cfg.margin, centring: cfg.centring, marginFromStrength: cfg.marginFromStrength };
  let scorer: Session | null = null;
  const evaluate = async (rankings: readonly EncodedRanking[]) => {
    scorer ??= await createScoringSession(shape, layout, dims, o.intraOpNumThreads ?? 1);
    const rewards = await scoreRankings(scorer, opt.weights, rankings, dims, padId);
    return { rewards, figures: evaluateRewards(rewards, rankings, lossOptions) };
  };
  let lastEval: RankingEvaluation | null = null;
  /** The held-out figures, logged with TRL's eval_ prefix by the loop (none without held-out prompts). */
  const evaluateHeldOut = async () => {
    if (evalRankings.length === 0) return null;
    const { figures } = await evaluate(evalRankings);
    lastEval = figures;
    const { pairs: _pairs, ...values } = figures;
    return values;
  };

  const summary = (calibration: Calibration | null): RewardMetrics => {
    const ev = lastEval as RankingEvaluation | null;
    return {
      eval_loss: ev?.loss ?? null,
      eval_accuracy: ev?.accuracy ?? null,
      eval_margin: ev?.margin ?? null,
      eval_mean_reward: ev?.mean_reward ?? null,
      eval_min_reward: ev?.min_reward ?? null,
      eval_max_reward: ev?.max_reward ?? null,
      train_loss: lastTrain?.loss ?? null,
      train_accuracy: lastTrain?.accuracy ?? null,
      train_pairs: sumPairs(trainRankings),
      eval_pairs: sumPairs(evalRankings),
      train_rankings: trainRankings.length,
      eval_rankings: evalRankings.length,
      train_prompts: splitFile.train.length,
      eval_prompts: splitFile.eval.length,
      dropped_without_pairs: dropped,
      dropped_none_acceptable: noneAcceptable.length,
      steps: opt.step,
      total_steps: totalSteps,
      epochs: cfg.epochs,
      batch_shape: { batch_size: cfg.batchSize, completions: k, sequence_length: seqLen },
      training_set_hash: hash,
      config: cfg,
      calibration,
      train_seconds: Math.round(trainSeconds * 1000) / 1000,
    };
  };

  const trainStep = await TrainStep.create(
    {
      params: specs,
      buildLoss: rewardModelLoss(shape, dims, lossOptions),
    },
    { intraOpNumThreads: o.intraOpNumThreads ?? 1 },
  );
  try {
    const run = await runTraining({
      startStep: opt.step,
      totalSteps,
      resumedFrom,
      log: metricsLog,
      runStep: async (s) => {
        // The batch of step s: its slice of the epoch's order (a function of the seed and s).
        const epoch = Math.floor(s / stepsPerEpoch);
        const start = (s % stepsPerEpoch) * cfg.batchSize;
        const chunk = orders[epoch].slice(start, start + cfg.batchSize).map((i) => trainRankings[i]);
        const batch = makeRankingBatch(chunk, dims, padId);
        const lr = learningRateAt(s, schedule);
        const t0 = performance.now();
        const r = await trainStep.run(
          opt,
          {
            ...batchFeeds(batch, dims),
            preferences: float32(batch.preferences, [dims.batchSize, k, k]),
            valid: float32(batch.valid, [dims.batchSize, k]),
            ...(cfg.marginFromStrength ? { margins: float32(batch.margins, [dims.batchSize]) } : {}),
          },
          lr,
        );
        trainSeconds += (performance.now() - t0) / 1000;
        lastTrain = { loss: r.loss, accuracy: r.metrics.accuracy };
        return { ...stepMetrics(r, lr), epoch: opt.step / stepsPerEpoch };
      },
      onStep: ({ step, resumedFrom }) =>
        o.onProgress?.({ step, totalSteps, epoch: Math.floor((step - 1) / stepsPerEpoch) + 1, ...(resumedFrom !== undefined ? { resumedFrom } : {}) }),
      evaluation: { every: cfg.evalEvery, evaluate: evaluateHeldOut },
      checkpoint: { every: cfg.checkpointEvery, save: () => save(false) },
      signal: o.signal,
    });
    if (run.cancelled) {
      log(`cancelled at step ${opt.step}; checkpoint written`);
      return { steps: opt.step, totalSteps, cancelled: true, resumedFrom, metrics: summary(null) };
    }
    const calibrationSet = evalRankings.length > 0 ? "eval" : "train";
    const { rewards } = await evaluate(calibrationSet === "eval" ? evalRankings : trainRankings);
    const rankings = calibrationSet === "eval" ? evalRankings : trainRankings;
    const metrics = summary({ set: calibrationSet, orientation: "favourite", bins: calibrationTable(rewards, rankings) });
    await save(true, { [METRICS_FILE]: JSON.stringify(metrics, null, 2) + "\n" });
    log(
      `finished: ${opt.step} steps in ${trainSeconds.toFixed(1)} s` +
        (metrics.eval_accuracy !== null ? `; held-out accuracy ${metrics.eval_accuracy.toFixed(3)}, loss ${metrics.eval_loss!.toFixed(4)}` : ""),
    );
    return { steps: opt.step, totalSteps, cancelled: false, resumedFrom, metrics };
  } finally {
    await trainStep.release();
    if (scorer) await (scorer as Session).release();
  }
}
