// PPO (InstructGPT step 3; TRL's PPOTrainer): the loop behind the ppo job and `palate ppo`.
//
// Four models: the policy (initialized from the SFT model, or from an earlier round's policy),
// the frozen reference (the SFT model), the value model (initialized from the reward model;
// its score head read at every response token, nn/value-model.ts) and the frozen reward model.
//
//   for iteration i = 0 … totalEpisodes / batchSize − 1:            (lib/ml/train's runTraining)
//     prompts  ← the next batchSize training prompts (a seeded shuffle per pass over them)
//     rollout  ← sample a response per prompt from π_θ (temperature, top-k, top-p, ≤ R tokens,
//                stop at <|end|>)                                             ppo-rollout.ts
//     score    ← ONE run: log π_θ, log π_ref (at the temperature), V, RM score   ppo-score.ts
//     rewards  ← −β·kl per token + (score − missing_eos_penalty) on the last;
//                GAE(γ, λ) → advantages (whitened), returns                     ppo-experience.ts
//     update   ← num_ppo_epochs × num_mini_batches steps, each ONE run of the train-step
//                graph: clipped policy loss + vf_coef · clipped value loss, grad clipping,
//                AdamW on policy and value together; lr decays linearly to 0     ppo-update.ts
//                (PPO-ptx, config.ptxCoef > 0: + ptx_coef · the LM loss on a batch of
//                demonstrations, `ptxExamples`, in the same step)
//     β        ← the KL controller (fixed, or Ziegler et al.'s adaptive one)    ppo-math.ts
//     metrics (TRL's names) → metrics.jsonl; every evalEvery iterations an evaluation on the
//     held-out prompts (ppo-evaluate.ts); every checkpointEvery a checkpoint (ppo-checkpoint.ts)
//
// Outputs in outDir: the policy as a language-model directory (config.json, model.safetensors,
// tokenizer, generation_config.json, model.onnx: what `palate generate`, `palate serve` and
// eval-qa load), the value model in outDir/value/ (reward-model layout), metrics.jsonl,
// evaluations.jsonl (each evaluation with its sample table), metrics.json (PpoSummary),
// split.json (prompt counts and hashes), trainer_state.json. outDir is also the checkpoint: a
// run started again on it resumes (each iteration logged once), a finished one is returned.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSequenceClassifier, loadModelDir, toGpt2Config } from "../io";
import { flatLayout, packParams, unpackParams } from "../nn/flat-params";
import { gpt2ParamSpecs, type Gpt2Config } from "../nn/gpt2-config";
import { loadLanguageModel, saveLanguageModel, type LanguageModel } from "../nn/language-model";
import { saveValueModel, valueModelParamSpecs } from "../nn/value-model";
import type { SessionOptions } from "../onnx";
import { Random } from "../random";
import type { ChatMessage, Tokenizer } from "../tokenizer";
import { END_MARKER } from "../tokenizer/special-tokens";
import { METRICS_LOG_FILE, MetricsLog, checkpointFiles, learningRateAt, readCheckpoint, runTraining, type MetricValues } from "../train";
import type { AdamWState } from "../train/train-step";
import { encodePrompt, fitPrompt, makePpoBatch, type PpoPromptInput, type PpoShape } from "./ppo-batch";
import { PPO_STATE_KIND, ppoCheckpointTensors, ppoStateFromCheckpoint, ppoStateParser, type PpoTrainerState } from "./ppo-checkpoint";
import { ppoConfigSchema, ppoIterations, ptxRows, type PpoConfig, type PpoConfigInput } from "./ppo-config";
import { EVALUATIONS_LOG_FILE, EvaluationLog, PpoEvaluator, evaluationFigures, type EvalPrompt, type PpoEvaluation } from "./ppo-evaluate";
import { ppoExperience } from "./ppo-experience";
import { klController } from "./ppo-math";
import { openPolicyDecoder, rollout } from "./ppo-rollout";
import { PPO_SESSION_OPTIONS, PpoScorer } from "./ppo-score";
import { PPO_UPDATE_SESSION_OPTIONS, PpoUpdate, policyAndValueParams, ppoAdamW } from "./ppo-update";

export const PPO_METRICS_LOG_FILE = METRICS_LOG_FILE;
export const PPO_EVALUATIONS_FILE = EVALUATIONS_LOG_FILE;
export const PPO_METRICS_FILE = "metrics.json";
export const PPO_SPLIT_FILE = "split.json";
/** The value model's directory inside outDir. */
export const PPO_VALUE_DIR = "value";

/** The metrics logged every iteration: TRL's PPOTrainer names, then a few of ours. */
export const PPO_METRIC_NAMES = [
  "eps",
  "objective/kl",
  "objective/entropy",
  "objective/non_score_reward",
  "objective/rlhf_reward",
  "objective/scores",
  "policy/approxkl_avg",
  "policy/clipfrac_avg",
  "loss/policy_avg",
  "loss/value_avg",
  "val/clipfrac_avg",
  "policy/entropy_avg",
  "val/ratio",
  "val/ratio_var",
  "val/num_eos_tokens",
  "lr",
  "episode",
  // ours: β in use, mean response length (tokens), mean gradient norm, seconds per phase
  "objective/kl_coef",
  "val/mean_response_length",
  "grad_norm",
  "time/rollout",
  "time/score",
  "time/update",
] as const;

/** Logged besides PPO_METRIC_NAMES when the run has a ptx term (config.ptxCoef > 0): the mean LM loss on the demonstrations. */
export const PPO_PTX_METRIC_NAME = "loss/ptx_avg";

/** The figures of each evaluation in metrics.jsonl (TRL's eval_ prefix; the sample tables are in evaluations.jsonl). */
export const PPO_EVAL_METRIC_NAMES = ["eval_scores", "eval_scores_reference", "eval_kl", "eval_win_rate", "eval_num_eos_tokens"] as const;

export interface PpoProgress {
  /** Iterations done (1-based after the first). */
  iteration: number;
  totalIterations: number;
  /** Episodes sampled so far. */
  episode: number;
  /** Set once, on the first iteration after resuming from a checkpoint at this iteration. */
  resumedFrom?: number;
  /** Seconds of this iteration's phases. */
  seconds: { rollout: number; score: number; update: number };
}

/** A prompt and a written answer: one demonstration of PPO-ptx's language-modelling loss. */
export interface PpoDemonstration {
  prompt: PpoPromptInput;
  answer: string;
}

export interface TrainPpoOptions {
  /** The model the policy starts from: the SFT model, or an earlier PPO round's policy. */
  policyDir: string;
  /** The frozen reference of the KL penalty (the SFT model); default policyDir. */
  referenceDir?: string;
  /** A reward-model directory: the frozen reward model, and the value model's initialization. */
  rewardModelDir: string;
  /** Output (and checkpoint) directory. */
  outDir: string;
  /** Training prompts: conversations (answered after `<|assistant|>`), strings (one user message each) or token ids. */
  prompts: readonly PpoPromptInput[];
  /**
   * PPO-ptx's demonstrations (config.ptxCoef > 0 needs them): a prompt (as `prompts`) and the
   * answer written for it. Prompts are cut to the run's P tokens, answers (with the end token)
   * to its responseLength.
   */
  ptxExamples?: readonly PpoDemonstration[];
  /** Held-out prompts for the evaluations (the first config.evalPrompts are used); none: no evaluation. */
  evalPrompts?: readonly PpoPromptInput[];
  config?: PpoConfigInput;
  /** Replace whatever outDir holds (a checkpoint or a finished run of other settings). */
  overwrite?: boolean;
  /** Stops before the next iteration, writes a checkpoint and returns cancelled: true. */
  signal?: AbortSignal;
  /** Polled before each iteration; true stops like `signal`. */
  shouldStop?: () => boolean;
  onProgress?: (p: PpoProgress) => void;
  /**
   * Each logged point, as written to metrics.jsonl: every iteration's metrics
   * (PPO_METRIC_NAMES), and at evaluations the eval_ figures (PPO_EVAL_METRIC_NAMES).
   */
  onMetrics?: (iteration: number, values: Record<string, number>) => void;
  /** Each evaluation, sample table included. */
  onEvaluation?: (e: PpoEvaluation) => void;
  onLog?: (text: string) => void;
  /**
   * The token that ends a response: default the tokenizer's `<|end|>` (the chat template's
   * end), else config.json's eos_token_id; null never stops early (responses of R tokens, no
   * missing-end penalty).
   */
  stopTokenId?: number | null;
  /** onnxruntime threads per operator in every session (default 1; see bench/ppo.ts). */
  intraOpNumThreads?: number;
}

/** What metrics.json holds. */
export interface PpoSummary {
  iterations: number;
  total_iterations: number;
  episodes: number;
  /** The last iteration's metrics (PPO_METRIC_NAMES). */
  last: Record<string, number> | null;
  /** The last evaluation (with its sample table), if any. */
  evaluation: PpoEvaluation | null;
  /** The resolved configuration. */
  config: PpoConfig;
  /** P and R of every batch. */
  shape: { prompt_length: number; response_length: number };
  stop_token_id: number | null;
  train_prompts: number;
  eval_prompts: number;
  /** Prompts longer than prompt_length, cut to their last prompt_length tokens. */
  truncated_prompts: number;
  /** β at the end (differs from config.klCoef when adaptive). */
  kl_coef: number;
  /** Seconds spent in iterations, across resumes. */
  train_seconds: number;
}

export interface TrainPpoResult {
  iterations: number;
  totalIterations: number;
  cancelled: boolean;
  resumedFrom: number | null;
  /** The last iteration's metrics and the last evaluation's eval_ figures, flat. */
  metrics: Record<string, number>;
  /** The last evaluation, sample table included (null without held-out prompts). */
  evaluation: PpoEvaluation | null;
  /** metrics.json. */
  summary: PpoSummary;
}

// ---------------------------------------------------------------------------------------

/** A 32-bit mix of integers (seeds of per-iteration and per-pass streams). */
export function mix(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}

/** The training prompts of iteration `it`: positions [it·B, (it+1)·B) of the per-pass shuffles. */
export function promptIndices(n: number, B: number, it: number, seed: number, cache: Map<number, number[]>): number[] {
  const out: number[] = [];
  for (let p = it * B; p < (it + 1) * B; p++) {
    const pass = Math.floor(p / n);
    let order = cache.get(pass);
    if (!order) {
      order = new Random(mix(seed, 0x5eed, pass)).shuffle(Array.from({ length: n }, (_, i) => i));
      cache.set(pass, order);
    }
    out.push(order[p % n]);
  }
  return out;
}

export function promptText(tokenizer: Tokenizer | null, prompt: PpoPromptInput): string {
  if (typeof prompt === "string") return prompt;
  if (prompt.length > 0 && typeof prompt[0] === "number") return tokenizer ? tokenizer.decode(prompt as number[]) : (prompt as number[]).join(" ");
  return (prompt as readonly ChatMessage[]).map((m) => `${m.role}: ${m.content}`).join("\n");
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** sha256 of a model's weights (names and bytes): a resumed run must start from the same models. */
export function weightsHash(weights: Readonly<Record<string, Float32Array>>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(weights).sort()) {
    const w = weights[name];
    h.update(name);
    h.update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  }
  return h.digest("hex");
}

export function copyWeights(w: Record<string, Float32Array>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.slice()]));
}

/** The files of a saved value-model directory, as `value/<name>` entries for saveModelDir's extraFiles. */
async function valueDirFiles(save: (dir: string) => Promise<void>): Promise<Record<string, Uint8Array>> {
  const tmp = mkdtempSync(join(tmpdir(), "palate-ppo-value-"));
  try {
    const dir = join(tmp, PPO_VALUE_DIR);
    await save(dir);
    return Object.fromEntries(readdirSync(dir).map((name) => [`${PPO_VALUE_DIR}/${name}`, readFileSync(join(dir, name))]));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------

export async function trainPpo(o: TrainPpoOptions): Promise<TrainPpoResult> {
  const cfg = ppoConfigSchema.parse(o.config ?? {});
  const log = o.onLog ?? (() => {});
  const totalIterations = ppoIterations(cfg);
  const threads = o.intraOpNumThreads ?? 1;
  const sessionOptions: SessionOptions = { ...PPO_SESSION_OPTIONS, intraOpNumThreads: threads };

  // Models: the policy's start, the frozen reference, the reward model (frozen; the value model's start).
  const start = await loadLanguageModel(o.policyDir);
  const reference = o.referenceDir && o.referenceDir !== o.policyDir ? await loadLanguageModel(o.referenceDir) : start;
  for (const [dir, m] of [
    [o.policyDir, start],
    [o.referenceDir ?? o.policyDir, reference],
  ] as const) {
    if (isSequenceClassifier(m.config)) throw new Error(`${dir}: the policy and the reference must be language models, not reward models`);
  }
  const rm = await loadModelDir(o.rewardModelDir);
  if (!isSequenceClassifier(rm.config)) throw new Error(`${o.rewardModelDir}: not a reward model (config.json architectures is ${rm.config.architectures[0]})`);
  const rmWeights: Record<string, Float32Array> = {};
  for (const [name, t] of rm.params) rmWeights[name] = t.data;
  const policyShape: Gpt2Config = toGpt2Config(start.config);
  const rmShape: Gpt2Config = toGpt2Config(rm.config);
  if (JSON.stringify(toGpt2Config(reference.config)) !== JSON.stringify(policyShape)) throw new Error("the reference model's shape differs from the policy's");
  if (policyShape.vocabSize !== rmShape.vocabSize) {
    throw new Error(`the policy's vocabulary (${policyShape.vocabSize}) and the reward model's (${rmShape.vocabSize}) differ: they must share a tokenizer`);
  }
  const tokenizer = start.tokenizer;
  const stopTokenId = o.stopTokenId !== undefined ? o.stopTokenId : (tokenizer?.tokenToId(END_MARKER) ?? start.config.eos_token_id ?? null);
  const padTokenId = tokenizer?.padTokenId ?? tokenizer?.eosTokenId ?? start.config.eos_token_id ?? 0;

  // Prompts → ids; one static shape [P + R] for the run.
  if (o.prompts.length === 0) throw new Error("no training prompts");
  const R = cfg.responseLength;
  const context = Math.min(policyShape.nPositions, rmShape.nPositions);
  if (context - R < 1) throw new Error(`responseLength ${R} leaves no room for a prompt within n_positions ${context}`);
  const trainIds = o.prompts.map((p) => encodePrompt(tokenizer, p));
  const evalInputs = (o.evalPrompts ?? []).slice(0, cfg.evalPrompts);
  const evalIds = evalInputs.map((p) => encodePrompt(tokenizer, p));
  const P = Math.min(context - R, Math.max(...trainIds.map((p) => p.length), ...evalIds.map((p) => p.length)));
  const truncated = [...trainIds, ...evalIds].filter((p) => p.length > P).length;
  const shape: PpoShape = { promptLength: P, responseLength: R };
  const trainPrompts = trainIds.map((p) => fitPrompt(p, P));
  const evalPrompts: EvalPrompt[] = evalIds.map((p, i) => ({ ids: fitPrompt(p, P), text: promptText(tokenizer, evalInputs[i]) }));
  const demonstrations = ptxDemonstrations(cfg, o.ptxExamples, tokenizer, shape, stopTokenId);
  const ptxHash = demonstrations ? sha256(JSON.stringify(demonstrations)) : null;
  const runHash = sha256(
    JSON.stringify({ cfg, trainPrompts, evalPrompts: evalPrompts.map((p) => p.ids), stopTokenId, P, ptxHash }) +
      [start.weights, reference.weights, rmWeights].map(weightsHash).join(""),
  );

  // A finished run, or a checkpoint to resume.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir, ppoStateParser(runHash));
  if (checkpoint?.state.finished) {
    log(`${o.outDir}: already trained (${checkpoint.state.step} iterations)`);
    const summary = JSON.parse(readFileSync(join(o.outDir, PPO_METRICS_FILE), "utf8")) as PpoSummary;
    return { iterations: checkpoint.state.step, totalIterations, cancelled: false, resumedFrom: null, ...resultOf(summary), summary };
  }
  const resumedFrom = checkpoint ? checkpoint.state.step : null;

  // Trained parameters: [policy | value], one AdamW.
  const { layout, policySize } = policyAndValueParams(policyShape, rmShape);
  const policyLayout = flatLayout(gpt2ParamSpecs(policyShape));
  const valueLayout = flatLayout(valueModelParamSpecs(rmShape));
  let opt: AdamWState;
  if (checkpoint) {
    const saved = await loadLanguageModel(o.outDir);
    opt = ppoStateFromCheckpoint(checkpoint, packParams(policyLayout, saved.weights), policyLayout, valueLayout);
  } else {
    const weights = new Float32Array(layout.size);
    weights.set(packParams(policyLayout, start.weights), 0);
    weights.set(packParams(valueLayout, rmWeights), policySize);
    opt = { weights, m: new Float32Array(layout.size), v: new Float32Array(layout.size), step: 0 };
  }
  const kl = klController(cfg);
  if (checkpoint) kl.value = checkpoint.state.klCoef;
  let trainSeconds = checkpoint?.state.trainSeconds ?? 0;
  const policyWeights = () => opt.weights.subarray(0, policySize);
  const valueWeights = () => opt.weights.subarray(policySize);
  const policyModel = (): LanguageModel => ({ config: start.config, weights: copyWeights(unpackParams(policyLayout, policyWeights())), tokenizer });

  const metricsLog = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { indexKey: "iteration", onRecord: o.onMetrics });
  const evalLog = EvaluationLog.open(join(o.outDir, EVALUATIONS_LOG_FILE), resumedFrom);
  let iteration = resumedFrom ?? 0;
  const state = (finished: boolean): PpoTrainerState => ({
    kind: PPO_STATE_KIND,
    step: iteration,
    totalSteps: totalIterations,
    finished,
    optimizerStep: opt.step,
    klCoef: kl.value,
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
    response_length: R,
    ...(demonstrations ? { ptx_demonstrations: demonstrations.length, ptx_hash: ptxHash } : {}),
  };
  const logFiles = () => ({
    [METRICS_LOG_FILE]: metricsLog.content(),
    [EVALUATIONS_LOG_FILE]: evalLog.content(),
    [PPO_SPLIT_FILE]: JSON.stringify(splitInfo, null, 2) + "\n",
  });
  const saveCheckpoint = async (step: number) => {
    if (step !== iteration) throw new Error(`checkpoint at ${step} but ${iteration} iterations done`);
    const files = checkpointFiles({ state: state(false), ...ppoCheckpointTensors(opt, policyLayout, valueLayout), files: logFiles() });
    await saveLanguageModel(o.outDir, policyModel(), files);
  };

  if (resumedFrom !== null) log(`resuming from the checkpoint at iteration ${resumedFrom} of ${totalIterations}`);
  log(
    `${trainPrompts.length} training prompts, ${evalPrompts.length} held out; batch [${cfg.batchSize} × (${P} + ${R})], ` +
      `${totalIterations} iterations of ${cfg.numPpoEpochs} × ${cfg.numMiniBatches} minibatch steps` +
      (truncated > 0 ? `; ${truncated} prompts cut to their last ${P} tokens` : "") +
      (demonstrations ? `; PPO-ptx on ${demonstrations.length} demonstrations (${ptxRows(cfg)} a step, ptx_coef ${cfg.ptxCoef})` : ""),
  );

  // Sessions, built once for the run (the rollout's decoder: once per iteration, over its weights).
  const scorer = await PpoScorer.create(
    {
      policy: policyShape,
      value: rmShape,
      reward: rmShape,
      rows: cfg.batchSize,
      shape,
      temperature: cfg.temperature,
      reference: reference.weights,
      rewardModel: rmWeights,
    },
    sessionOptions,
  );
  const update = await PpoUpdate.create(
    {
      policy: policyShape,
      value: rmShape,
      rows: cfg.batchSize / cfg.numMiniBatches,
      shape,
      temperature: cfg.temperature,
      cliprange: cfg.cliprange,
      cliprangeValue: cfg.cliprangeValue,
      vfCoef: cfg.vfCoef,
      ...(demonstrations ? { ptx: { rows: ptxRows(cfg), coef: cfg.ptxCoef } } : {}),
    },
    ppoAdamW(cfg),
    { ...PPO_UPDATE_SESSION_OPTIONS, intraOpNumThreads: threads },
  );
  const decode = (ids: readonly number[]) => (tokenizer ? tokenizer.decode(ids) : ids.join(" "));
  const evaluator = new PpoEvaluator(evalPrompts, scorer, { shape, stopTokenId, padTokenId, decode });
  // Without a stop token no response can end: the missing-end penalty does not apply.
  const experienceConfig = { ...cfg, missingEosPenalty: stopTokenId === null ? 0 : cfg.missingEosPenalty };
  const orderCache = new Map<number, number[]>();
  // The demonstrations of each minibatch step: positions [s·n, (s+1)·n) of seeded passes over
  // them, s counting the run's steps, so a resumed run reads the same ones.
  const ptxCache = new Map<number, number[]>();
  const stepsPerIteration = cfg.numPpoEpochs * cfg.numMiniBatches;
  const ptxBatch = (it: number) =>
    demonstrations
      ? (k: number) => {
          const picked = promptIndices(demonstrations.length, ptxRows(cfg), it * stepsPerIteration + k, mix(cfg.seed, 0x97c), ptxCache).map(
            (i) => demonstrations[i],
          );
          return makePpoBatch(
            picked.map((d) => d.prompt),
            picked.map((d) => d.answer),
            picked.map(() => true),
            shape,
            padTokenId,
          );
        }
      : undefined;
  const schedule = { lr: cfg.learningRate, warmupSteps: 0, totalSteps: totalIterations, minLr: 0, decay: "linear" as const };
  const startedAt = performance.now();
  let seconds = { rollout: 0, score: 0, update: 0 };

  const runIteration = async (it: number): Promise<MetricValues> => {
    const rng = new Random(mix(cfg.seed, 0x17e7, it));
    const lr = learningRateAt(it, schedule);
    const prompts = promptIndices(trainPrompts.length, cfg.batchSize, it, cfg.seed, orderCache).map((i) => trainPrompts[i]);

    const t0 = performance.now();
    const decoder = await openPolicyDecoder(policyShape, unpackParams(policyLayout, policyWeights()), sessionOptions);
    let batch;
    try {
      batch = await rollout(decoder, prompts, {
        shape,
        temperature: cfg.temperature,
        topK: cfg.topK,
        topP: cfg.topP,
        stopTokenId,
        padTokenId,
        seed: rng.nextUint32(),
      });
    } finally {
      await decoder.release();
    }
    const t1 = performance.now();
    const scored = await scorer.run(batch, policyWeights(), valueWeights());
    const experience = ppoExperience(batch, scored, experienceConfig, kl.value);
    const t2 = performance.now();
    const stats = await update.run(opt, batch, experience.targets, cfg, lr, rng, ptxBatch(it));
    const t3 = performance.now();
    const klCoef = kl.value;
    kl.update(experience.meanKl, cfg.batchSize);
    trainSeconds += (t3 - t0) / 1000;
    iteration = it + 1;
    seconds = { rollout: (t1 - t0) / 1000, score: (t2 - t1) / 1000, update: (t3 - t2) / 1000 };
    const elapsed = (performance.now() - startedAt) / 1000;
    return {
      eps: ((iteration - (resumedFrom ?? 0)) * cfg.batchSize) / Math.max(elapsed, 1e-9),
      ...experience.metrics,
      "policy/approxkl_avg": stats.approxkl,
      "policy/clipfrac_avg": stats.pgClipfrac,
      "loss/policy_avg": stats.pgLoss,
      "loss/value_avg": stats.vfLoss,
      "val/clipfrac_avg": stats.vfClipfrac,
      "policy/entropy_avg": stats.entropy,
      "val/ratio": stats.ratio,
      "val/ratio_var": stats.ratioVar,
      lr,
      episode: iteration * cfg.batchSize,
      "objective/kl_coef": klCoef,
      grad_norm: stats.gradNorm,
      "time/rollout": seconds.rollout,
      "time/score": seconds.score,
      "time/update": seconds.update,
      ...(demonstrations ? { [PPO_PTX_METRIC_NAME]: stats.ptxLoss } : {}),
    };
  };

  const evaluate = async (): Promise<MetricValues | null> => {
    if (evalPrompts.length === 0) return null;
    const decoder = await openPolicyDecoder(policyShape, unpackParams(policyLayout, policyWeights()), sessionOptions);
    try {
      const e = await evaluator.evaluate(
        { iteration, episode: iteration * cfg.batchSize },
        decoder,
        () => openPolicyDecoder(policyShape, reference.weights, sessionOptions),
        policyWeights(),
        valueWeights(),
      );
      evalLog.append(e);
      o.onEvaluation?.(e);
      return evaluationFigures(e);
    } finally {
      await decoder.release();
    }
  };

  const summarize = (): PpoSummary => ({
    iterations: iteration,
    total_iterations: totalIterations,
    episodes: iteration * cfg.batchSize,
    last: metricsLog.lastWith("objective/scores"),
    evaluation: evalLog.last(),
    config: cfg,
    shape: { prompt_length: P, response_length: R },
    stop_token_id: stopTokenId,
    train_prompts: trainPrompts.length,
    eval_prompts: evalPrompts.length,
    truncated_prompts: truncated,
    kl_coef: kl.value,
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

    // The finished run, in one all-or-nothing write: the policy directory, the value model in
    // value/, the logs and the summary (no optimizer tensors).
    const summary = summarize();
    const value = valueDirFiles((dir) =>
      saveValueModel(dir, { config: rm.config, weights: copyWeights(unpackParams(valueLayout, valueWeights())), tokenizer: rm.tokenizer ?? tokenizer }),
    );
    const files = checkpointFiles({
      state: state(true),
      files: { ...logFiles(), ...(await value), [PPO_METRICS_FILE]: JSON.stringify(summary, null, 2) + "\n" },
    });
    await saveLanguageModel(o.outDir, policyModel(), files);
    log(`finished: ${iteration} iterations in ${trainSeconds.toFixed(1)} s`);
    return { iterations: iteration, totalIterations, cancelled: false, resumedFrom, ...resultOf(summary), summary };
  } finally {
    await scorer.release();
    await update.release();
  }
}

/**
 * PPO-ptx's demonstrations as ids in the run's layout (prompt fitted to P; answer + end token,
 * cut to R), or null when ptx is off.
 */
export function ptxDemonstrations(
  cfg: Pick<PpoConfig, "ptxCoef">,
  examples: readonly PpoDemonstration[] | undefined,
  tokenizer: Tokenizer | null,
  shape: PpoShape,
  stopTokenId: number | null,
): { prompt: number[]; answer: number[] }[] | null {
  if (cfg.ptxCoef === 0) return null;
  if (!examples || examples.length === 0)
    throw new Error(`config.ptxCoef is ${cfg.ptxCoef}: PPO-ptx needs demonstrations (a prompt and a written answer each); none were given`);
  if (!tokenizer) throw new Error("PPO-ptx's demonstrations are text: the policy directory needs a tokenizer");
  return examples.map((e, i) => {
    const answer = [...tokenizer.encode(e.answer), ...(stopTokenId === null ? [] : [stopTokenId])].slice(0, shape.responseLength);
    if (answer.length === 0) throw new Error(`demonstration ${i + 1}: the answer is empty`);
    return { prompt: fitPrompt(encodePrompt(tokenizer, e.prompt), shape.promptLength), answer };
  });
}

/** The flat final metrics and the last evaluation of a summary. */
function resultOf(summary: PpoSummary): Pick<TrainPpoResult, "metrics" | "evaluation"> {
  const metrics: Record<string, number> = { ...(summary.last ?? {}) };
  if (summary.evaluation) for (const [k, v] of Object.entries(evaluationFigures(summary.evaluation))) metrics[`eval_${k}`] = v;
  return { metrics, evaluation: summary.evaluation };
}
