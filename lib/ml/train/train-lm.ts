// Training a GPT-2 language model on a text corpus (pretraining from scratch, or
// continuing from a model directory): the loop behind `palate train-lm`.
//
// - Corpus: plain text, or JSONL with a "text" field (text-corpus.ts); documents are
//   joined with <|endoftext|> and sampled as random windows (token-windows.ts).
// - Without `initDir` a byte-level BPE tokenizer is trained on the corpus first, and the
//   weights start from Hugging Face's GPT-2 initialization.
// - Checkpoints: the output directory is itself the checkpoint. Every `checkpointEvery`
//   steps (and at the end, or when cancelled) it is rewritten all-or-nothing as a model
//   directory plus `optimizer.safetensors` (Adam moments) and `trainer_state.json` (step,
//   RNG state, schedule). A run whose output directory holds an unfinished
//   trainer_state.json RESUMES from it automatically (same tokenizer, shape and data
//   stream), unless `overwrite` is set. Resumed runs continue the exact batch sequence.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { initGPT2Params, parseSafetensors, serializeSafetensors, toGpt2Config } from "../io";
import { float32, int64 } from "../onnx";
import { DEFAULT_ADAMW, type AdamWConfig } from "../nn/adamw";
import { flatLayout, packParams, unpackParams } from "../nn/flat-params";
import { gpt2ParamSpecs, validateGpt2Config, type Gpt2Config } from "../nn/gpt2-config";
import { loadLanguageModel, newLanguageModelConfig, saveLanguageModel, type LanguageModel } from "../nn/language-model";
import { Random, type RandomState } from "../random";
import { Tokenizer, trainBpe } from "../tokenizer";
import { causalLmLoss } from "./causal-lm";
import { learningRateAt } from "./lr-schedule";
import { readTextCorpus } from "./text-corpus";
import { TokenWindows, tokenStream } from "./token-windows";
import { TrainStep, type AdamWState } from "./train-step";

export const TRAINER_STATE_FILE = "trainer_state.json";
export const OPTIMIZER_FILE = "optimizer.safetensors";

export interface TrainLmOptions {
  /** Plain text or JSONL ({"text": ...} per line). */
  dataPath: string;
  /** Output model directory (also the checkpoint). */
  outDir: string;
  /** Start from this model directory (its tokenizer and shape) instead of from scratch. */
  initDir?: string;
  /** New models only: tokenizer vocabulary (default 2048) and architecture. */
  vocabSize?: number;
  dModel?: number;
  layers?: number;
  heads?: number;
  /** Training window length; also n_positions of a new model (default 128). */
  context?: number;
  batchSize?: number;
  /** Total optimizer steps (default 1000). */
  steps?: number;
  /** Peak learning rate (default 1e-3); linear warmup then cosine decay to lr/10. */
  lr?: number;
  /** Default min(100, steps/10). */
  warmupSteps?: number;
  /** Seed of initialization and batch sampling (default 0). */
  seed?: number;
  adamW?: Partial<AdamWConfig>;
  /** Steps between checkpoints (default 200). */
  checkpointEvery?: number;
  /** Ignore and replace an existing checkpoint in outDir. */
  overwrite?: boolean;
  onProgress?: (p: TrainLmProgress) => void;
  /** Stops after the current step, saving a checkpoint. */
  signal?: AbortSignal;
}

export interface TrainLmProgress {
  step: number;
  totalSteps: number;
  loss: number;
  gradNorm: number;
  lr: number;
  /** Training tokens per second over recent steps. */
  tokensPerSecond: number;
  /** Set once, when the run resumed from a checkpoint at this step. */
  resumedFrom?: number;
}

export interface TrainLmResult {
  steps: number;
  finalLoss: number;
  resumedFrom: number | null;
  cancelled: boolean;
  shape: Gpt2Config;
}

interface TrainerState {
  step: number;
  totalSteps: number;
  rng: RandomState;
  seed: number;
  lr: number;
  warmupSteps: number;
  batchSize: number;
  seqLen: number;
  losses: { step: number; loss: number }[];
}

function resolveOptions(o: TrainLmOptions) {
  const steps = o.steps ?? 1000;
  const positive = (v: number, name: string) => {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
    return v;
  };
  const lr = o.lr ?? 1e-3;
  if (!(lr > 0)) throw new Error(`lr must be positive, got ${lr}`);
  return {
    steps: positive(steps, "steps"),
    batchSize: positive(o.batchSize ?? 16, "batchSize"),
    lr,
    warmupSteps: o.warmupSteps ?? Math.min(100, Math.floor(steps / 10)),
    seed: o.seed ?? 0,
    checkpointEvery: positive(o.checkpointEvery ?? 200, "checkpointEvery"),
    adamW: { ...DEFAULT_ADAMW, ...o.adamW },
  };
}

/** A fresh model for the corpus: a trained tokenizer and HF-initialized weights. */
function newModel(docs: string[], o: TrainLmOptions, seed: number): LanguageModel {
  const tokenizer = Tokenizer.fromBpe(trainBpe(docs, { vocabSize: o.vocabSize ?? 2048 }));
  const shape: Gpt2Config = {
    vocabSize: tokenizer.vocabSize,
    nPositions: o.context ?? 128,
    nEmbd: o.dModel ?? 128,
    nLayer: o.layers ?? 4,
    nHead: o.heads ?? 4,
    layerNormEpsilon: 1e-5,
  };
  validateGpt2Config(shape);
  const config = newLanguageModelConfig(shape, tokenizer);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of initGPT2Params(config, seed)) weights[name] = t.data;
  return { config, weights, tokenizer };
}

function readCheckpoint(dir: string): { state: TrainerState; m: Float32Array; v: Float32Array } | null {
  const statePath = join(dir, TRAINER_STATE_FILE);
  if (!existsSync(statePath)) return null;
  const state = JSON.parse(readFileSync(statePath, "utf8")) as TrainerState;
  const opt = parseSafetensors(readFileSync(join(dir, OPTIMIZER_FILE)));
  const m = opt.tensors.get("adam_m");
  const v = opt.tensors.get("adam_v");
  if (!m || !v || m.dtype !== "F32" || v.dtype !== "F32") throw new Error(`${join(dir, OPTIMIZER_FILE)}: missing adam_m / adam_v`);
  return { state, m: m.data, v: v.data };
}

export async function trainLm(o: TrainLmOptions): Promise<TrainLmResult> {
  const opts = resolveOptions(o);
  const docs = readTextCorpus(o.dataPath);

  // The model: a checkpoint to resume, a model to continue from, or a new one.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir);
  let model: LanguageModel;
  if (checkpoint) model = await loadLanguageModel(o.outDir);
  else if (o.initDir) model = await loadLanguageModel(o.initDir);
  else model = newModel(docs, o, opts.seed);
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error("the model directory has no tokenizer.json");
  const eos = tokenizer.eosTokenId ?? model.config.eos_token_id;
  const shape = toGpt2Config(model.config);

  const stream = tokenStream(docs.map((d) => tokenizer.encode(d)), eos);
  const context = Math.min(o.context ?? shape.nPositions, shape.nPositions);
  const windows = new TokenWindows(stream, context);
  const B = opts.batchSize;
  const T = windows.seqLen;

  const specs = gpt2ParamSpecs(shape);
  const layout = flatLayout(specs);
  const state: AdamWState = {
    weights: packParams(layout, model.weights),
    m: checkpoint?.m ?? new Float32Array(layout.size),
    v: checkpoint?.v ?? new Float32Array(layout.size),
    step: checkpoint?.state.step ?? 0,
  };
  const rng = checkpoint ? Random.fromState(checkpoint.state.rng) : new Random(opts.seed);
  const losses = checkpoint?.state.losses ?? [];
  const resumedFrom = checkpoint ? checkpoint.state.step : null;

  const save = async () => {
    const trainerState: TrainerState = {
      step: state.step,
      totalSteps: opts.steps,
      rng: rng.state(),
      seed: opts.seed,
      lr: opts.lr,
      warmupSteps: opts.warmupSteps,
      batchSize: B,
      seqLen: T,
      losses,
    };
    const optimizer = serializeSafetensors(
      {
        adam_m: { dtype: "F32", shape: [layout.size], data: state.m },
        adam_v: { dtype: "F32", shape: [layout.size], data: state.v },
      },
      { format: "pt", layout: JSON.stringify(layout.slots.map((s) => s.name)) },
    );
    const weights = unpackParams(layout, state.weights);
    await saveLanguageModel(o.outDir, { ...model, weights }, {
      [TRAINER_STATE_FILE]: JSON.stringify(trainerState, null, 2) + "\n",
      [OPTIMIZER_FILE]: optimizer,
    });
  };

  if (state.step >= opts.steps) {
    return { steps: state.step, finalLoss: losses.at(-1)?.loss ?? NaN, resumedFrom, cancelled: false, shape };
  }

  const trainStep = await TrainStep.create({ params: specs, buildLoss: causalLmLoss(shape, B, T), adamW: opts.adamW });
  const lossMask = float32(new Float32Array(B * T).fill(1), [B, T]);
  const schedule = { lr: opts.lr, warmupSteps: opts.warmupSteps, totalSteps: opts.steps };
  let finalLoss = NaN;
  let cancelled = false;
  let smoothedTps = 0;
  let announcedResume = resumedFrom !== null;
  try {
    while (state.step < opts.steps) {
      if (o.signal?.aborted) {
        cancelled = true;
        break;
      }
      const batch = windows.sample(B, () => rng.uniform());
      const lr = learningRateAt(state.step, schedule);
      const t0 = performance.now();
      const r = await trainStep.run(
        state,
        { input_ids: int64(batch.inputIds, [B, T]), labels: int64(batch.labels, [B, T]), loss_mask: lossMask },
        lr,
      );
      const tps = (B * T) / ((performance.now() - t0) / 1000);
      smoothedTps = smoothedTps === 0 ? tps : 0.9 * smoothedTps + 0.1 * tps;
      finalLoss = r.loss;
      losses.push({ step: state.step, loss: r.loss });
      o.onProgress?.({
        step: state.step,
        totalSteps: opts.steps,
        loss: r.loss,
        gradNorm: r.gradNorm,
        lr,
        tokensPerSecond: smoothedTps,
        ...(announcedResume ? { resumedFrom: resumedFrom! } : {}),
      });
      announcedResume = false;
      if (state.step % opts.checkpointEvery === 0 && state.step < opts.steps) await save();
    }
  } finally {
    await trainStep.release();
  }
  await save();
  return { steps: state.step, finalLoss, resumedFrom, cancelled, shape };
}

