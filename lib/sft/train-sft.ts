// Supervised fine-tuning of a model on demonstrations with a held-out evaluation: the loop behind
// the sft job and `palate sft`. The objective and the packing are the default models' SFT
// (lib/default-model/sft-train.ts: encodeDemonstration puts the loss on answer tokens only,
// PackedRows packs whole demonstrations into rows of maxLength + 1 tokens, reshuffled each
// epoch); this adds what a run on a project needs: epochs, a held-out split by prompt evaluated
// during training, a finished run that is returned as it is, and TRL's metric names.
//
//   train, eval   ← the caller's split by prompt (lib/sft/demonstration-set.ts, mix.ts)
//   for step s = 0 … ⌈epochs · rows of one pass ÷ batchSize⌉ − 1:   (lib/ml/train's runTraining)
//     batch   ← batchSize packed rows; ONE TrainStep run (masked cross-entropy, AdamW)
//     metrics: loss, grad_norm, lr, epoch → metrics.jsonl
//     every evalEvery steps, and at the end, on the held-out demonstrations:
//       eval_loss      mean cross-entropy per answer token (the same mask)
//       eval_accuracy  share of the held-out prompts with a reference answer whose greedy answer
//                      the `accuracy` rule reward (lib/rewards) marks right; absent without any
//     every checkpointEvery steps a checkpoint
//
// Outputs in outDir: the model as a language-model directory (what generate, serve, eval-qa and
// the other trainers load), metrics.jsonl, metrics.json (SftSummary), split.json (the prompts of
// each side), trainer_state.json. outDir is also the checkpoint (optimizer.safetensors: AdamW's
// moments): a run started again on it resumes (each step logged once), a finished one is
// returned as it is. A directory holding another model is not overwritten unless asked.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeDemonstration, PackedRows, type MaskedSequence } from "../default-model/sft-train";
import { generate } from "../ml/generate";
import { DEFAULT_ADAMW } from "../ml/nn/adamw";
import { flatLayout, packParams, unpackParams } from "../ml/nn/flat-params";
import { gpt2ParamSpecs } from "../ml/nn/gpt2-config";
import { loadLanguageModel, openDecoder, openSession, saveLanguageModel, shapeOf, type LanguageModel } from "../ml/nn/language-model";
import { float32, int64 } from "../ml/onnx";
import { Random, type RandomState } from "../ml/random";
import { ENDOFTEXT, encodeChat, type ChatMessage } from "../ml/tokenizer";
import { END_MARKER } from "../ml/tokenizer/special-tokens";
import { causalLmLoss } from "../ml/train/causal-lm";
import { checkpointFiles, readCheckpoint, type TrainerState } from "../ml/train/checkpoint";
import { learningRateAt } from "../ml/train/lr-schedule";
import { METRICS_LOG_FILE, MetricsLog, type MetricValues } from "../ml/train/metrics-log";
import { adamWCheckpointTensors, adamWStateFrom } from "../ml/train/optimizer-state";
import { TrainStep } from "../ml/train/train-step";
import { runTraining, stepMetrics } from "../ml/train/trainer";
import { accuracy } from "../rewards/accuracy";
import { sftRunConfigSchema, type SftRunConfig, type SftRunConfigInput } from "./sft-config";

export const SFT_METRICS_FILE = "metrics.json";
export const SFT_SPLIT_FILE = "split.json";
export const SFT_STATE_KIND = "sft";

/** The metrics logged every step (TRL's names) and at evaluations. */
export const SFT_METRIC_NAMES = ["loss", "grad_norm", "lr", "epoch"] as const;
export const SFT_EVAL_METRIC_NAMES = ["eval_loss", "eval_accuracy"] as const;

/** One demonstration: the prompt's messages, the answer, and the prompt's reference answer (for the exact-answer check). */
export interface SftExample {
  /** JSON of the prompt's messages: the key of the split by prompt. */
  promptKey: string;
  prompt: ChatMessage[];
  answer: string;
  reference: string | null;
}

export interface SftProgress {
  step: number;
  totalSteps: number;
  /** 1-based epoch of this step (metrics' `epoch` is the fractional one TRL logs). */
  epoch: number;
  /** Set once, on the first step after resuming from a checkpoint at this step. */
  resumedFrom?: number;
}

export interface TrainSftOptions {
  /** The model to fine-tune (a language-model directory with a chat tokenizer). */
  baseDir: string;
  /** Output (and checkpoint) directory. */
  outDir: string;
  train: readonly SftExample[];
  /** Held-out demonstrations (evaluated, never trained on). */
  eval: readonly SftExample[];
  config?: SftRunConfigInput;
  /** Replace whatever outDir holds (a checkpoint, a finished run, another model). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: SftProgress) => void;
  /** Each logged point, as written to metrics.jsonl. */
  onMetrics?: (step: number, values: Record<string, number>) => void;
  onLog?: (text: string) => void;
  /** onnxruntime threads per operator of the training step (default 1: the same result bit for bit). */
  intraOpNumThreads?: number;
}

/** What metrics.json holds. */
export interface SftSummary {
  steps: number;
  total_steps: number;
  /** Packed rows of one pass over the training demonstrations. */
  rows_per_epoch: number;
  /** The last step's metrics, and the last evaluation's eval_ figures. */
  last: Record<string, number> | null;
  evaluation: Record<string, number> | null;
  train_examples: number;
  eval_examples: number;
  train_prompts: number;
  eval_prompts: number;
  /** Held-out prompts with a reference answer (the exact-answer check's denominator). */
  eval_reference_prompts: number;
  /** Demonstrations longer than a row, cut to maxLength + 1 tokens. */
  truncated: number;
  /** sha256 of the encoded training demonstrations. */
  data_hash: string;
  config: SftRunConfig;
  train_seconds: number;
}

export interface TrainSftResult {
  steps: number;
  totalSteps: number;
  cancelled: boolean;
  resumedFrom: number | null;
  /** The last step's metrics and the last evaluation's figures, flat. */
  metrics: Record<string, number>;
  summary: SftSummary;
}

interface SftRunState extends TrainerState {
  kind: typeof SFT_STATE_KIND;
  totalSteps: number;
  finished: boolean;
  /** sha256 of the configuration, the data and the base weights: a checkpoint of another run is not resumed. */
  runHash: string;
  rng: RandomState;
  packing: { order: number[]; at: number; pending: number | null };
  trainSeconds: number;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function sequencesHash(sequences: readonly MaskedSequence[]): string {
  const h = createHash("sha256");
  for (const s of sequences) h.update(JSON.stringify([s.ids, s.mask])).update("\n");
  return h.digest("hex");
}

function weightsHash(weights: Readonly<Record<string, Float32Array>>): string {
  const h = createHash("sha256");
  for (const name of Object.keys(weights).sort()) {
    const w = weights[name];
    h.update(name).update(new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
  }
  return h.digest("hex");
}

/** Rows of `rowLength` tokens that one pass packs greedily (whole demonstrations, a longer one alone). */
export function packedRowCount(lengths: readonly number[], rowLength: number): number {
  let rows = 0;
  let used = 0;
  for (const n of lengths) {
    const len = Math.min(n, rowLength);
    if (used > 0 && used + len > rowLength) {
      rows++;
      used = 0;
    }
    used += len;
    if (used >= rowLength) {
      rows++;
      used = 0;
    }
  }
  return rows + (used > 0 ? 1 : 0);
}

/** The steps of a run: maxSteps, or the epochs over the packed rows. */
export function sftTotalSteps(config: Pick<SftRunConfig, "maxSteps" | "epochs" | "batchSize">, rowsPerEpoch: number): number {
  if (config.maxSteps > 0) return config.maxSteps;
  return Math.max(1, Math.ceil((config.epochs * rowsPerEpoch) / config.batchSize));
}

export async function trainSupervised(o: TrainSftOptions): Promise<TrainSftResult> {
  const cfg = sftRunConfigSchema.parse(o.config ?? {});
  const log = o.onLog ?? (() => {});
  if (o.train.length === 0) throw new Error("no demonstration to train on");

  const base = await loadLanguageModel(o.baseDir);
  const tokenizer = base.tokenizer;
  if (!tokenizer) throw new Error(`${o.baseDir}: the model directory has no tokenizer.json (SFT learns from text)`);
  if (tokenizer.tokenToId(END_MARKER) === undefined)
    throw new Error(`${o.baseDir}: the tokenizer has no chat markers (${END_MARKER}); SFT needs a chat template`);
  const shape = shapeOf(base);
  const T = Math.min(cfg.maxLength, shape.nPositions);
  const B = cfg.batchSize;
  const padId = tokenizer.tokenToId(ENDOFTEXT) ?? 0;
  const encode = (e: SftExample) => encodeDemonstration(tokenizer, [...e.prompt, { role: "assistant", content: e.answer }]);
  const trainSeqs = o.train.map(encode);
  const evalSeqs = o.eval.map(encode).map((s) => ({ ids: s.ids.slice(0, T + 1), mask: s.mask.slice(0, T + 1) }));
  const truncated = trainSeqs.filter((s) => s.ids.length > T + 1).length;
  const rowsPerEpoch = packedRowCount(
    trainSeqs.map((s) => s.ids.length),
    T + 1,
  );
  const totalSteps = sftTotalSteps(cfg, rowsPerEpoch);
  const dataHash = sequencesHash(trainSeqs);
  const runHash = sha256(JSON.stringify({ cfg, dataHash, eval: sequencesHash(evalSeqs) }) + weightsHash(base.weights));

  // Held-out prompts with a reference answer: each distinct one once, for the exact-answer check.
  const referencePrompts = [...new Map(o.eval.filter((e) => e.reference !== null).map((e) => [e.promptKey, e])).values()];
  const trainPrompts = [...new Set(o.train.map((e) => e.promptKey))];
  const evalPrompts = [...new Set(o.eval.map((e) => e.promptKey))];

  const checkpoint = o.overwrite
    ? null
    : readCheckpoint(o.outDir, (raw, path): SftRunState | null => {
        const s = raw as Partial<SftRunState> | null;
        if (!s || s.kind !== SFT_STATE_KIND || typeof s.step !== "number") return null;
        if (s.runHash !== runHash) throw new Error(`${path}: an SFT run of other settings, data or base model; pass overwrite to replace it`);
        return s as SftRunState;
      });
  if (!checkpoint && !o.overwrite && existsSync(join(o.outDir, "config.json")))
    throw new Error(`${o.outDir} holds another model (not a checkpoint of this run); pass overwrite to replace it`);
  if (checkpoint?.state.finished) {
    log(`${o.outDir}: already trained (${checkpoint.state.step} steps)`);
    const summary = JSON.parse(readFileSync(join(o.outDir, SFT_METRICS_FILE), "utf8")) as SftSummary;
    return { steps: checkpoint.state.step, totalSteps, cancelled: false, resumedFrom: null, metrics: flatMetrics(summary), summary };
  }
  const resumedFrom = checkpoint ? checkpoint.state.step : null;
  if (resumedFrom !== null) log(`resuming from the checkpoint at step ${resumedFrom} of ${totalSteps}`);
  log(
    `${trainSeqs.length} training demonstrations of ${trainPrompts.length} prompts (${rowsPerEpoch} packed rows of ${T + 1} tokens a pass), ` +
      `${evalSeqs.length} held out (${evalPrompts.length} prompts, ${referencePrompts.length} with a reference answer); ${totalSteps} steps of ${B} rows` +
      (truncated > 0 ? `; ${truncated} demonstrations longer than a row cut to ${T + 1} tokens` : ""),
  );

  const specs = gpt2ParamSpecs(shape);
  const layout = flatLayout(specs);
  const startWeights = checkpoint ? (await loadLanguageModel(o.outDir)).weights : base.weights;
  const opt = adamWStateFrom(packParams(layout, startWeights), checkpoint, checkpoint?.state.step ?? 0);
  const rows = new PackedRows(trainSeqs, T, padId, new Random(cfg.seed));
  if (checkpoint) rows.restore({ ...checkpoint.state.packing, rng: checkpoint.state.rng });
  let trainSeconds = checkpoint?.state.trainSeconds ?? 0;
  const metricsLog = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { onRecord: o.onMetrics });
  const splitFile = JSON.stringify(
    {
      seed: cfg.seed,
      validation_fraction: cfg.validationFraction,
      train: trainPrompts,
      eval: evalPrompts,
      train_examples: trainSeqs.length,
      eval_examples: evalSeqs.length,
    },
    null,
    2,
  );
  const currentModel = (): LanguageModel => ({
    config: base.config,
    weights: Object.fromEntries(Object.entries(unpackParams(layout, opt.weights)).map(([k, v]) => [k, v.slice()])),
    tokenizer,
  });
  const state = (finished: boolean): SftRunState => {
    const { rng, ...packing } = rows.position();
    return { kind: SFT_STATE_KIND, step: opt.step, totalSteps, finished, runHash, rng, packing, trainSeconds };
  };
  const saveCheckpoint = async () => {
    const files = checkpointFiles({
      state: state(false),
      ...adamWCheckpointTensors(opt, layout),
      files: { [METRICS_LOG_FILE]: metricsLog.content(), [SFT_SPLIT_FILE]: splitFile + "\n" },
    });
    await saveLanguageModel(o.outDir, currentModel(), files);
  };

  let lastEval: Record<string, number> | null = null;
  const evaluate = async (): Promise<MetricValues | null> => {
    if (evalSeqs.length === 0) return null;
    const model = currentModel();
    const values: Record<string, number> = { loss: await heldOutLoss(model, evalSeqs) };
    if (referencePrompts.length > 0) values.accuracy = await exactAnswerAccuracy(model, referencePrompts, cfg.evalMaxNewTokens);
    lastEval = Object.fromEntries(Object.entries(values).map(([k, v]) => [`eval_${k}`, v]));
    return values;
  };
  const summarize = (): SftSummary => ({
    steps: opt.step,
    total_steps: totalSteps,
    rows_per_epoch: rowsPerEpoch,
    last: metricsLog.lastWith("grad_norm"),
    evaluation: lastEval ?? metricsLog.lastWith("eval_loss"),
    train_examples: trainSeqs.length,
    eval_examples: evalSeqs.length,
    train_prompts: trainPrompts.length,
    eval_prompts: evalPrompts.length,
    eval_reference_prompts: referencePrompts.length,
    truncated,
    data_hash: dataHash,
    config: cfg,
    train_seconds: Math.round(trainSeconds * 1000) / 1000,
  });

  const trainStep = await TrainStep.create(
    { params: specs, buildLoss: causalLmLoss(shape, B, T), adamW: { ...DEFAULT_ADAMW, weightDecay: cfg.weightDecay } },
    { intraOpNumThreads: o.intraOpNumThreads ?? 1 },
  );
  const schedule = { lr: cfg.learningRate, warmupSteps: Math.min(cfg.warmupSteps, totalSteps), totalSteps };
  try {
    const run = await runTraining({
      startStep: opt.step,
      totalSteps,
      resumedFrom,
      log: metricsLog,
      runStep: async (s) => {
        const batch = rows.batch(B);
        const lr = learningRateAt(s, schedule);
        const t0 = performance.now();
        const r = await trainStep.run(
          opt,
          { input_ids: int64(batch.inputIds, [B, T]), labels: int64(batch.labels, [B, T]), loss_mask: float32(batch.lossMask, [B, T]) },
          lr,
        );
        trainSeconds += (performance.now() - t0) / 1000;
        return { ...stepMetrics(r, lr), epoch: ((s + 1) * B) / rowsPerEpoch };
      },
      onStep: (r) =>
        o.onProgress?.({
          step: r.step,
          totalSteps,
          epoch: Math.floor(((r.step - 1) * B) / rowsPerEpoch) + 1,
          ...(r.resumedFrom !== undefined ? { resumedFrom: r.resumedFrom } : {}),
        }),
      evaluation: { every: cfg.evalEvery, evaluate },
      checkpoint: { every: cfg.checkpointEvery, save: saveCheckpoint },
      signal: o.signal,
    });
    if (run.cancelled) {
      log(`cancelled at step ${opt.step}; checkpoint written`);
      const summary = summarize();
      return { steps: opt.step, totalSteps, cancelled: true, resumedFrom, metrics: flatMetrics(summary), summary };
    }
    const summary = summarize();
    const files = checkpointFiles({
      state: state(true),
      files: {
        [METRICS_LOG_FILE]: metricsLog.content(),
        [SFT_SPLIT_FILE]: splitFile + "\n",
        [SFT_METRICS_FILE]: JSON.stringify(summary, null, 2) + "\n",
      },
    });
    await saveLanguageModel(o.outDir, currentModel(), files);
    const ev = summary.evaluation;
    log(
      `finished: ${opt.step} steps in ${trainSeconds.toFixed(1)} s` +
        (ev
          ? `; held-out loss ${ev.eval_loss.toFixed(4)}` + (ev.eval_accuracy !== undefined ? `, exact-answer accuracy ${ev.eval_accuracy.toFixed(3)}` : "")
          : ""),
    );
    return { steps: opt.step, totalSteps, cancelled: false, resumedFrom, metrics: flatMetrics(summary), summary };
  } finally {
    await trainStep.release();
  }
}

/** Mean cross-entropy per answer token over the sequences (a forward pass each). */
export async function heldOutLoss(model: LanguageModel, sequences: readonly MaskedSequence[]): Promise<number> {
  const session = await openSession(model);
  try {
    let sum = 0;
    let tokens = 0;
    for (const s of sequences) {
      const logprobs = await session.tokenLogprobs(s.ids);
      logprobs.forEach((lp, t) => {
        if (s.mask[t + 1] === 1) {
          sum -= lp;
          tokens++;
        }
      });
    }
    return tokens === 0 ? 0 : sum / tokens;
  } finally {
    await session.release();
  }
}

const ANSWER_BATCH = 32;

/** Share of the prompts whose greedy answer the `accuracy` rule reward marks right. */
export async function exactAnswerAccuracy(model: LanguageModel, prompts: readonly SftExample[], maxNewTokens: number): Promise<number> {
  const tokenizer = model.tokenizer!;
  const nPositions = model.config.n_positions;
  const room = Math.max(1, nPositions - Math.min(maxNewTokens, Math.floor(nPositions / 2)));
  const stop = [END_MARKER, ENDOFTEXT].map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined);
  const decoder = await openDecoder(model);
  try {
    let right = 0;
    for (let start = 0; start < prompts.length; start += ANSWER_BATCH) {
      const chunk = prompts.slice(start, start + ANSWER_BATCH);
      const ids = chunk.map((p) => encodeChat(tokenizer, p.prompt, { addGenerationPrompt: true }).ids.slice(-room));
      const answers = await generate(decoder, ids, { maxNewTokens, temperature: 0, eosTokenIds: stop }, (t) => tokenizer.decode(t));
      answers.forEach((a, i) => {
        const p = chunk[i];
        if (accuracy(p.prompt.map((m) => m.content).join("\n"), a.text, p.reference) === 1) right++;
      });
    }
    return right / prompts.length;
  } finally {
    await decoder.release();
  }
}

/** The last step's metrics and the last evaluation's figures, flat. */
function flatMetrics(summary: SftSummary): Record<string, number> {
  return { ...(summary.last ?? {}), ...(summary.evaluation ?? {}) };
}
