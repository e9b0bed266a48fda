// GRPO (Shao et al. 2024; DeepSeek-R1's RL step; TRL's GRPOTrainer): the loop behind the grpo
// job and `palate grpo`. No value model: a completion's advantage is its reward against the
// other completions sampled for the same prompt.
//
// Models: the policy (from the SFT model, a cold-start model, or a base model for R1-Zero),
// the frozen reference (default: the policy's start; never run when β = 0), optionally a frozen
// reward model whose score joins the rule rewards with a weight.
//
//   for iteration i = 0 … totalEpisodes / batchSize − 1:            (lib/ml/train's runTraining)
//     prompts  ← the next batchSize / G training prompts (a seeded shuffle per pass over them)
//     rollout  ← G completions per prompt from π_θ (temperature, top-k, top-p, ≤ R tokens,
//                stop at <|end|>)                                                ppo-rollout.ts
//     score    ← ONE run, only what is needed: log π_old (off-policy), log π_ref (β > 0),
//                the reward model's score                                        grpo-score.ts
//     rewards  ← the reward callback on each completion's text (+ weight · RM score)
//     A        ← group-normalized advantages                                    grpo-math.ts
//     update   ← μ passes × stepsPerGeneration minibatch steps: clipped objective + β·k3 KL,
//                grad clipping, AdamW; lr decays linearly to 0                   grpo-update.ts
//     metrics (TRL's names) → metrics.jsonl; every evalEvery iterations an evaluation on the
//     held-out prompts (grpo-evaluate.ts); every checkpointEvery a checkpoint
//
// The loss is TRL's default "grpo" type (each completion's mean over its tokens, then the mean
// over completions); `lossType` offers "bnpo" and "dr_grpo" (grpo-config.ts).
//
// Outputs in outDir: the policy as a language-model directory (config.json, model.safetensors,
// tokenizer, generation_config.json, model.onnx: what generate, serve and eval-qa load),
// metrics.jsonl, evaluations.jsonl (each evaluation with its sample table), metrics.json
// (GrpoSummary), split.json, trainer_state.json. outDir is also the checkpoint (policy weights in
// model.safetensors, AdamW's moments in optimizer.safetensors): a run started again on it resumes
// (each iteration logged once), a finished one is returned as it is.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isSequenceClassifier, loadModelDir, toGpt2Config } from "../io";
import { flatLayout, packParams, unpackParams } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import { loadLanguageModel, saveLanguageModel, type LanguageModel } from "../nn/language-model";
import type { SessionOptions } from "../onnx";
import { Random } from "../random";
import { END_MARKER } from "../tokenizer/special-tokens";
import {
  METRICS_LOG_FILE,
  MetricsLog,
  adamWCheckpointTensors,
  adamWStateFrom,
  checkpointFiles,
  learningRateAt,
  readCheckpoint,
  runTraining,
  type MetricValues,
  type TrainerState,
} from "../train";
import type { AdamWState } from "../train/train-step";
import { REWARD_MODEL_PART, grpoConfigSchema, grpoIterations, grpoPromptsPerIteration, type GrpoConfig, type GrpoConfigInput } from "./grpo-config";
import { GrpoEvaluator, grpoEvaluationFigures, type GrpoEvalPrompt, type GrpoEvaluation, type GrpoRewardValue } from "./grpo-evaluate";
import { groupAdvantages, rewardFigures } from "./grpo-math";
import { GrpoScorer, grpoNeedsScoring } from "./grpo-score";
import { GrpoUpdate, grpoAdamW } from "./grpo-update";
import { encodePrompt, fitPrompt, type PpoBatch, type PpoPromptInput, type PpoShape } from "./ppo-batch";
import { EVALUATIONS_LOG_FILE, EvaluationLog } from "./ppo-evaluate";
import { openPolicyDecoder, rollout } from "./ppo-rollout";
import { PPO_SESSION_OPTIONS } from "./ppo-score";
import { PPO_UPDATE_SESSION_OPTIONS } from "./ppo-update";
import { copyWeights, mix, promptIndices, promptText, weightsHash } from "./train-ppo";

export { REWARD_MODEL_PART };

export const GRPO_STATE_KIND = "grpo";
export const GRPO_METRICS_LOG_FILE = METRICS_LOG_FILE;
export const GRPO_EVALUATIONS_FILE = EVALUATIONS_LOG_FILE;
export const GRPO_METRICS_FILE = "metrics.json";
export const GRPO_SPLIT_FILE = "split.json";

/**
 * The metrics logged every iteration (TRL's GRPOTrainer names), besides `rewards/<name>` for each
 * reward function (and `rewards/reward_model`). `kl` only when β > 0 (TRL's too).
 */
export const GRPO_METRIC_NAMES = [
  "reward",
  "reward_std",
  "frac_reward_zero_std",
  "kl",
  "completion_length",
  "completions/clipped_ratio",
  "clip_ratio",
  "entropy",
  "loss",
  "grad_norm",
  "lr",
  "episode",
  // ours: episodes per second since the start (or resume), seconds per phase
  "eps",
  "time/rollout",
  "time/score",
  "time/update",
] as const;

/** The figures of each evaluation in metrics.jsonl (with `eval_rewards/<name>`; accuracy ones when prompts have reference answers). */
export const GRPO_EVAL_METRIC_NAMES = ["eval_reward", "eval_reward_reference", "eval_completion_length"] as const;

/**
 * The reward of one completion (its text, end token removed; `completionTokens` its length in
 * tokens, end token excluded) to training prompt `promptIndex` (split "train") or held-out prompt
 * `promptIndex` (split "eval"): the weighted total of the reward functions and each function's
 * own value. May be async.
 */
export type GrpoRewardFn = (
  promptIndex: number,
  completion: string,
  split: "train" | "eval",
  completionTokens: number,
) => GrpoRewardValue | Promise<GrpoRewardValue>;

export interface GrpoProgress {
  iteration: number;
  totalIterations: number;
  episode: number;
  resumedFrom?: number;
  seconds: { rollout: number; score: number; update: number };
}

export interface TrainGrpoOptions {
  /** The model the policy starts from. */
  policyDir: string;
  /** The frozen KL reference; default policyDir. Not loaded into any session when β = 0 (it still answers at evaluations). */
  referenceDir?: string;
  /** A reward model whose score joins the reward (× config.rewardModelWeight); none: rule rewards alone. */
  rewardModelDir?: string | null;
  outDir: string;
  /** Training prompts: conversations, strings (one user message each) or token ids. */
  prompts: readonly PpoPromptInput[];
  /** Held-out prompts for the evaluations (the first config.evalPrompts are used); none: no evaluation. */
  evalPrompts?: readonly PpoPromptInput[];
  /** The held-out prompts' reference answers, for the sample table (null: none). */
  evalAnswers?: readonly (string | null)[];
  /** The rule rewards (see GrpoRewardFn). */
  reward: GrpoRewardFn;
  /** Whether a held-out answer is exactly right (null: the prompt has no reference answer): eval accuracy. */
  exactMatch?: (evalIndex: number, completion: string) => boolean | null;
  /** What identifies the reward functions and their weights (part of the run's identity: a checkpoint of other rewards is not resumed). */
  rewardSpec?: string;
  config?: GrpoConfigInput;
  overwrite?: boolean;
  signal?: AbortSignal;
  shouldStop?: () => boolean;
  onProgress?: (p: GrpoProgress) => void;
  /** Each logged point, as written to metrics.jsonl. */
  onMetrics?: (iteration: number, values: Record<string, number>) => void;
  onEvaluation?: (e: GrpoEvaluation) => void;
  onLog?: (text: string) => void;
  /** The token that ends a completion: default the tokenizer's `<|end|>`, else config.json's eos_token_id; null never stops early. */
  stopTokenId?: number | null;
  /** onnxruntime threads per operator in every session (default 1). */
  intraOpNumThreads?: number;
}

export interface GrpoTrainerState extends TrainerState {
  kind: typeof GRPO_STATE_KIND;
  step: number;
  totalSteps: number;
  finished: boolean;
  optimizerStep: number;
  trainSeconds: number;
  runHash: string;
}

/** What metrics.json holds. */
export interface GrpoSummary {
  iterations: number;
  total_iterations: number;
  episodes: number;
  last: Record<string, number> | null;
  evaluation: GrpoEvaluation | null;
  config: GrpoConfig;
  shape: { prompt_length: number; completion_length: number };
  stop_token_id: number | null;
  train_prompts: number;
  eval_prompts: number;
  truncated_prompts: number;
  reward_spec: string | null;
  train_seconds: number;
}

export interface TrainGrpoResult {
  iterations: number;
  totalIterations: number;
  cancelled: boolean;
  resumedFrom: number | null;
  /** The last iteration's metrics and the last evaluation's eval_ figures, flat. */
  metrics: Record<string, number>;
  evaluation: GrpoEvaluation | null;
  summary: GrpoSummary;
}

function grpoStateParser(runHash: string) {
  return (raw: unknown, path: string): GrpoTrainerState | null => {
    const s = raw as Partial<GrpoTrainerState> | null;
    if (!s || s.kind !== GRPO_STATE_KIND || typeof s.step !== "number") return null;
    if (s.runHash !== runHash) throw new Error(`${path}: a GRPO run of other settings, prompts, rewards or models; pass overwrite to replace it`);
    return s as GrpoTrainerState;
  };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The total of each completion: the rule reward plus weight × the reward model's score, and the parts. */
async function rewardsOf(
  reward: GrpoRewardFn,
  split: "train" | "eval",
  indices: readonly number[],
  texts: readonly string[],
  batch: PpoBatch,
  scores: Float32Array | null,
  rmWeight: number,
): Promise<GrpoRewardValue[]> {
  const out: GrpoRewardValue[] = [];
  for (let b = 0; b < texts.length; b++) {
    const tokens = batch.responses[b].length - (batch.ended[b] ? 1 : 0);
    const r = await reward(indices[b], texts[b], split, tokens);
    if (!Number.isFinite(r.total)) throw new Error(`the reward of a completion to ${split} prompt ${indices[b]} is ${r.total}`);
    if (scores === null) out.push(r);
    else out.push({ total: r.total + rmWeight * scores[b], parts: { ...r.parts, [REWARD_MODEL_PART]: scores[b] } });
  }
  return out;
}

export async function trainGrpo(o: TrainGrpoOptions): Promise<TrainGrpoResult> {
  const cfg = grpoConfigSchema.parse(o.config ?? {});
  const log = o.onLog ?? (() => {});
  const totalIterations = grpoIterations(cfg);
  const G = cfg.numGenerations;
  const promptsPerIteration = grpoPromptsPerIteration(cfg);
  const offPolicy = cfg.numIterations > 1 || cfg.stepsPerGeneration > 1;
  const threads = o.intraOpNumThreads ?? 1;
  const sessionOptions: SessionOptions = { ...PPO_SESSION_OPTIONS, intraOpNumThreads: threads };

  // Models.
  const start = await loadLanguageModel(o.policyDir);
  const reference = o.referenceDir && o.referenceDir !== o.policyDir ? await loadLanguageModel(o.referenceDir) : start;
  for (const [dir, m] of [
    [o.policyDir, start],
    [o.referenceDir ?? o.policyDir, reference],
  ] as const) {
    if (isSequenceClassifier(m.config)) throw new Error(`${dir}: the policy and the reference must be language models, not reward models`);
  }
  const policyShape: Gpt2Config = toGpt2Config(start.config);
  if (JSON.stringify(toGpt2Config(reference.config)) !== JSON.stringify(policyShape)) throw new Error("the reference model's shape differs from the policy's");
  let rewardModel: { shape: Gpt2Config; weights: Record<string, Float32Array> } | null = null;
  if (o.rewardModelDir) {
    const rm = await loadModelDir(o.rewardModelDir);
    if (!isSequenceClassifier(rm.config))
      throw new Error(`${o.rewardModelDir}: not a reward model (config.json architectures is ${rm.config.architectures[0]})`);
    const weights: Record<string, Float32Array> = {};
    for (const [name, t] of rm.params) weights[name] = t.data;
    rewardModel = { shape: toGpt2Config(rm.config), weights };
    if (rewardModel.shape.vocabSize !== policyShape.vocabSize)
      throw new Error(
        `the policy's vocabulary (${policyShape.vocabSize}) and the reward model's (${rewardModel.shape.vocabSize}) differ: they must share a tokenizer`,
      );
  }
  const tokenizer = start.tokenizer;
  const stopTokenId = o.stopTokenId !== undefined ? o.stopTokenId : (tokenizer?.tokenToId(END_MARKER) ?? start.config.eos_token_id ?? null);
  const padTokenId = tokenizer?.padTokenId ?? tokenizer?.eosTokenId ?? start.config.eos_token_id ?? 0;
  const decode = (ids: readonly number[]) => (tokenizer ? tokenizer.decode(ids) : ids.join(" "));

  // Prompts → ids; one static shape [P + R] for the run.
  if (o.prompts.length === 0) throw new Error("no training prompts");
  const R = cfg.maxCompletionLength;
  const context = Math.min(policyShape.nPositions, rewardModel?.shape.nPositions ?? Infinity);
  if (context - R < 1) throw new Error(`maxCompletionLength ${R} leaves no room for a prompt within n_positions ${context}`);
  const trainIds = o.prompts.map((p) => encodePrompt(tokenizer, p));
  const evalInputs = (o.evalPrompts ?? []).slice(0, cfg.evalPrompts);
  const evalIds = evalInputs.map((p) => encodePrompt(tokenizer, p));
  const P = Math.min(context - R, Math.max(...trainIds.map((p) => p.length), ...evalIds.map((p) => p.length)));
  const truncated = [...trainIds, ...evalIds].filter((p) => p.length > P).length;
  const shape: PpoShape = { promptLength: P, responseLength: R };
  const trainPrompts = trainIds.map((p) => fitPrompt(p, P));
  const evalPrompts: GrpoEvalPrompt[] = evalIds.map((p, i) => ({
    ids: fitPrompt(p, P),
    text: promptText(tokenizer, evalInputs[i]),
    answer: o.evalAnswers?.[i] ?? null,
  }));
  const runHash = sha256(
    JSON.stringify({ cfg, trainPrompts, evalPrompts: evalPrompts.map((p) => p.ids), stopTokenId, P, rewardSpec: o.rewardSpec ?? null }) +
      [start.weights, reference.weights, rewardModel?.weights ?? {}].map(weightsHash).join(""),
  );

  // A finished run, or a checkpoint to resume.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir, grpoStateParser(runHash));
  if (checkpoint?.state.finished) {
    log(`${o.outDir}: already trained (${checkpoint.state.step} iterations)`);
    const summary = JSON.parse(readFileSync(join(o.outDir, GRPO_METRICS_FILE), "utf8")) as GrpoSummary;
    return { iterations: checkpoint.state.step, totalIterations, cancelled: false, resumedFrom: null, ...resultOf(summary), summary };
  }
  const resumedFrom = checkpoint ? checkpoint.state.step : null;

  const layout = flatLayout(gpt2ParamSpecs(policyShape));
  const initial = checkpoint ? (await loadLanguageModel(o.outDir)).weights : start.weights;
  const opt: AdamWState = adamWStateFrom(packParams(layout, initial), checkpoint, checkpoint?.state.optimizerStep ?? 0);
  let trainSeconds = checkpoint?.state.trainSeconds ?? 0;
  const policyModel = (): LanguageModel => ({ config: start.config, weights: copyWeights(unpackParams(layout, opt.weights)), tokenizer });

  const metricsLog = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { indexKey: "iteration", onRecord: o.onMetrics });
  const evalLog = EvaluationLog.open<GrpoEvaluation>(join(o.outDir, EVALUATIONS_LOG_FILE), resumedFrom);
  let iteration = resumedFrom ?? 0;
  const state = (finished: boolean): GrpoTrainerState => ({
    kind: GRPO_STATE_KIND,
    step: iteration,
    totalSteps: totalIterations,
    finished,
    optimizerStep: opt.step,
    trainSeconds,
    runHash,
  });
  const splitInfo = {
    train_prompts: trainPrompts.length,
    eval_prompts: evalPrompts.length,
    eval_prompts_given: (o.evalPrompts ?? []).length,
    train_hash: sha256(JSON.stringify(trainPrompts)),
    eval_hash: sha256(JSON.stringify(evalPrompts.map((p) => p.ids))),
    prompt_length: P,
    completion_length: R,
  };
  const logFiles = () => ({
    [METRICS_LOG_FILE]: metricsLog.content(),
    [EVALUATIONS_LOG_FILE]: evalLog.content(),
    [GRPO_SPLIT_FILE]: JSON.stringify(splitInfo, null, 2) + "\n",
  });
  const saveCheckpoint = async (step: number) => {
    if (step !== iteration) throw new Error(`checkpoint at ${step} but ${iteration} iterations done`);
    const files = checkpointFiles({ state: state(false), ...adamWCheckpointTensors(opt, layout), files: logFiles() });
    await saveLanguageModel(o.outDir, policyModel(), files);
  };

  if (resumedFrom !== null) log(`resuming from the checkpoint at iteration ${resumedFrom} of ${totalIterations}`);
  log(
    `${trainPrompts.length} training prompts, ${evalPrompts.length} held out; ${promptsPerIteration} prompts × ${G} completions ` +
      `[${cfg.batchSize} × (${P} + ${R})] per iteration, ${totalIterations} iterations of ${cfg.numIterations} × ${cfg.stepsPerGeneration} minibatch steps` +
      (cfg.beta === 0 ? "; β = 0: no reference pass" : "") +
      (truncated > 0 ? `; ${truncated} prompts cut to their last ${P} tokens` : ""),
  );

  // Sessions, built once for the run (the rollout's decoder: once per iteration, over its weights).
  const scorerSpec = {
    policy: policyShape,
    rows: cfg.batchSize,
    shape,
    temperature: cfg.temperature,
    oldLogprobs: offPolicy,
    reference: cfg.beta > 0 ? reference.weights : null,
    rewardModel,
  };
  const scorer = grpoNeedsScoring(scorerSpec) ? await GrpoScorer.create(scorerSpec, sessionOptions) : null;
  const update = await GrpoUpdate.create(
    {
      policy: policyShape,
      rows: cfg.batchSize / cfg.stepsPerGeneration,
      shape,
      temperature: cfg.temperature,
      epsilon: cfg.epsilon,
      beta: cfg.beta,
      lossType: cfg.lossType,
      offPolicy,
    },
    grpoAdamW(cfg),
    { ...PPO_UPDATE_SESSION_OPTIONS, intraOpNumThreads: threads },
  );
  // Reward-model scores of an evaluation batch (a run without a reward model: none).
  const evalRm: { scorer: GrpoScorer | null } = { scorer: null };
  const evalScores = async (batch: PpoBatch): Promise<Float32Array | null> => {
    if (!rewardModel) return null;
    evalRm.scorer ??= await GrpoScorer.create({ ...scorerSpec, oldLogprobs: false, reference: null }, sessionOptions);
    return (await evalRm.scorer.run(batch, opt.weights)).scores;
  };
  const evaluator = new GrpoEvaluator(evalPrompts, {
    shape,
    stopTokenId,
    padTokenId,
    rows: cfg.batchSize,
    decode,
    reward: async (texts, indices, batch) => rewardsOf(o.reward, "eval", indices, texts, batch, await evalScores(batch), cfg.rewardModelWeight),
    exactMatch: o.exactMatch,
  });
  const orderCache = new Map<number, number[]>();
  const schedule = { lr: cfg.learningRate, warmupSteps: 0, totalSteps: totalIterations, minLr: 0, decay: "linear" as const };
  const startedAt = performance.now();
  let seconds = { rollout: 0, score: 0, update: 0 };

  const runIteration = async (it: number): Promise<MetricValues> => {
    const rng = new Random(mix(cfg.seed, 0x6e90, it));
    const lr = learningRateAt(it, schedule);
    const chosen = promptIndices(trainPrompts.length, promptsPerIteration, it, cfg.seed, orderCache);
    const indices = chosen.flatMap((i) => new Array<number>(G).fill(i)); // G consecutive rows per prompt

    const t0 = performance.now();
    const decoder = await openPolicyDecoder(policyShape, unpackParams(layout, opt.weights), sessionOptions);
    let batch: PpoBatch;
    try {
      batch = await rollout(
        decoder,
        indices.map((i) => trainPrompts[i]),
        { shape, temperature: cfg.temperature, topK: cfg.topK, topP: cfg.topP, stopTokenId, padTokenId, seed: rng.nextUint32() },
      );
    } finally {
      await decoder.release();
    }
    const t1 = performance.now();
    const scored = scorer ? await scorer.run(batch, opt.weights) : { logprobs: null, refLogprobs: null, scores: null };
    const texts = batch.responses.map((ids, b) => decode(batch.ended[b] ? ids.slice(0, -1) : ids));
    const rewards = await rewardsOf(o.reward, "train", indices, texts, batch, scored.scores, cfg.rewardModelWeight);
    const totals = rewards.map((r) => r.total);
    const adv = groupAdvantages(totals, G, cfg.scaleRewards);
    const t2 = performance.now();
    const stats = await update.run(
      opt,
      batch,
      { advantages: Float32Array.from(adv.advantages), oldLogprobs: scored.logprobs, refLogprobs: scored.refLogprobs },
      cfg,
      lr,
      rng,
    );
    const t3 = performance.now();
    trainSeconds += (t3 - t0) / 1000;
    iteration = it + 1;
    seconds = { rollout: (t1 - t0) / 1000, score: (t2 - t1) / 1000, update: (t3 - t2) / 1000 };
    const elapsed = (performance.now() - startedAt) / 1000;
    const names = [...new Set(rewards.flatMap((r) => Object.keys(r.parts)))].sort();
    const perFunction: Record<string, number> = {};
    for (const name of names) perFunction[`rewards/${name}`] = rewards.reduce((s, r) => s + (r.parts[name] ?? 0), 0) / rewards.length;
    const lengths = batch.responses.map((r) => r.length);
    return {
      ...rewardFigures(totals, adv),
      ...perFunction,
      ...(cfg.beta > 0 ? { kl: stats.kl } : {}),
      completion_length: lengths.reduce((s, v) => s + v, 0) / lengths.length,
      "completions/clipped_ratio": batch.ended.filter((e) => !e).length / batch.rows,
      clip_ratio: stats.clipRatio,
      entropy: stats.entropy,
      loss: stats.loss,
      grad_norm: stats.gradNorm,
      lr,
      episode: iteration * cfg.batchSize,
      eps: ((iteration - (resumedFrom ?? 0)) * cfg.batchSize) / Math.max(elapsed, 1e-9),
      "time/rollout": seconds.rollout,
      "time/score": seconds.score,
      "time/update": seconds.update,
    };
  };

  const evaluate = async (): Promise<MetricValues | null> => {
    if (evalPrompts.length === 0) return null;
    const decoder = await openPolicyDecoder(policyShape, unpackParams(layout, opt.weights), sessionOptions);
    try {
      const e = await evaluator.evaluate({ iteration, episode: iteration * cfg.batchSize }, decoder, () =>
        openPolicyDecoder(policyShape, reference.weights, sessionOptions),
      );
      evalLog.append(e);
      o.onEvaluation?.(e);
      return grpoEvaluationFigures(e);
    } finally {
      await decoder.release();
    }
  };

  const summarize = (): GrpoSummary => ({
    iterations: iteration,
    total_iterations: totalIterations,
    episodes: iteration * cfg.batchSize,
    last: metricsLog.lastWith("reward"),
    evaluation: evalLog.last(),
    config: cfg,
    shape: { prompt_length: P, completion_length: R },
    stop_token_id: stopTokenId,
    train_prompts: trainPrompts.length,
    eval_prompts: evalPrompts.length,
    truncated_prompts: truncated,
    reward_spec: o.rewardSpec ?? null,
    train_seconds: Math.round(trainSeconds * 1000) / 1000,
  });

  try {
    const run = await runTraining({
      startStep: iteration,
      totalSteps: totalIterations,
      resumedFrom,
      log: metricsLog,
      runStep: runIteration,
      onStep: (r) =>
        o.onProgress?.({
          iteration: r.step,
          totalIterations,
          episode: r.step * cfg.batchSize,
          ...(r.resumedFrom !== undefined ? { resumedFrom: r.resumedFrom } : {}),
          seconds,
        }),
      evaluation: { every: cfg.evalEvery, evaluate },
      checkpoint: { every: cfg.checkpointEvery, save: saveCheckpoint },
      signal: o.signal,
      shouldStop: o.shouldStop,
    });
    if (run.cancelled) {
      log(`cancelled at iteration ${iteration}; checkpoint written`);
      const summary = summarize();
      return { iterations: iteration, totalIterations, cancelled: true, resumedFrom, ...resultOf(summary), summary };
    }
    // The finished run, in one all-or-nothing write: the policy directory, the logs and the summary (no optimizer tensors).
    const summary = summarize();
    const files = checkpointFiles({ state: state(true), files: { ...logFiles(), [GRPO_METRICS_FILE]: JSON.stringify(summary, null, 2) + "\n" } });
    await saveLanguageModel(o.outDir, policyModel(), files);
    log(`finished: ${iteration} iterations in ${trainSeconds.toFixed(1)} s`);
    return { iterations: iteration, totalIterations, cancelled: false, resumedFrom, ...resultOf(summary), summary };
  } finally {
    await scorer?.release();
    await evalRm.scorer?.release();
    await update.release();
  }
}

/** The flat final metrics and the last evaluation of a summary. */
function resultOf(summary: GrpoSummary): Pick<TrainGrpoResult, "metrics" | "evaluation"> {
  const metrics: Record<string, number> = { ...(summary.last ?? {}) };
  if (summary.evaluation) for (const [k, v] of Object.entries(grpoEvaluationFigures(summary.evaluation))) metrics[`eval_${k}`] = v;
  return { metrics, evaluation: summary.evaluation };
}
