// Training a GPT-2 language model on a text corpus (pretraining from scratch, or
// continuing from a model directory): `palate train-lm` and make-default-model's pretraining,
// on the shared loop (trainer.ts).
//
// - Settings: lm-config.ts (one schema: defaults, help, CLI flags).
// - Corpus: plain text, or JSONL with a "text" field (text-corpus.ts); documents are
//   joined with <|endoftext|> and sampled as random windows (token-windows.ts).
// - Without `initDir` a byte-level BPE tokenizer is trained on the corpus first, and the
//   weights start from Hugging Face's GPT-2 initialization.
// - Checkpoints: the output directory is itself the checkpoint. Every `checkpointEvery`
//   steps (and at the end, or when cancelled) it is rewritten all-or-nothing as a model
//   directory plus the checkpoint files (checkpoint.ts): trainer_state.json (step, RNG
//   state, schedule, the loss of every step), optimizer.safetensors (Adam moments) and
//   metrics.jsonl (loss, grad_norm, lr, num_tokens per step). A run whose output directory
//   holds a checkpoint RESUMES from it automatically (same tokenizer, shape and data stream:
//   the RNG state is the data position), unless `overwrite` is set; a finished one with as
//   many steps as asked is left as it is.
import { join } from "node:path";
import { initGPT2Params, toGpt2Config } from "../io";
import { float32, int64 } from "../onnx";
import { DEFAULT_ADAMW } from "../nn/adamw";
import { flatLayout, packParams, unpackParams } from "../nn/flat-params";
import { gpt2ParamSpecs, validateGpt2Config, type Gpt2Config } from "../nn/gpt2-config";
import { loadLanguageModel, newLanguageModelConfig, saveLanguageModel, type LanguageModel } from "../nn/language-model";
import { Random, type RandomState } from "../random";
import { Tokenizer, trainBpe } from "../tokenizer";
import { causalLmLoss } from "./causal-lm";
import { CHECKPOINT_TENSORS_FILE, TRAINER_STATE_FILE, checkpointFiles, readCheckpoint, type TrainerState } from "./checkpoint";
import { DEFAULT_LM_CONTEXT, lmConfigSchema, lmWarmupSteps, type LmConfig, type LmConfigInput } from "./lm-config";
import { learningRateAt } from "./lr-schedule";
import { METRICS_LOG_FILE, MetricsLog, type MetricValues } from "./metrics-log";
import { adamWCheckpointTensors, adamWStateFrom } from "./optimizer-state";
import { readTextCorpus } from "./text-corpus";
import { TokenWindows, tokenStream } from "./token-windows";
import { TrainStep } from "./train-step";
import { runTraining, stepMetrics } from "./trainer";

export { TRAINER_STATE_FILE };
export const OPTIMIZER_FILE = CHECKPOINT_TENSORS_FILE;

export interface TrainLmOptions {
  /** Plain text or JSONL ({"text": ...} per line). */
  dataPath: string;
  /** Output model directory (also the checkpoint). */
  outDir: string;
  /** Start from this model directory (its tokenizer and shape) instead of from scratch. */
  initDir?: string;
  /** Settings (lm-config.ts); unset fields take their defaults. */
  config?: LmConfigInput;
  /** Ignore and replace an existing checkpoint in outDir. */
  overwrite?: boolean;
  onProgress?: (p: TrainLmProgress) => void;
  /** Each point written to metrics.jsonl. */
  onMetrics?: (step: number, values: MetricValues) => void;
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

/** trainer_state.json of a train-lm checkpoint. */
interface LmTrainerState extends TrainerState {
  totalSteps: number;
  rng: RandomState;
  seed: number;
  lr: number;
  warmupSteps: number;
  batchSize: number;
  seqLen: number;
  losses: { step: number; loss: number }[];
}

function parseLmState(raw: unknown, path: string): LmTrainerState {
  const s = raw as Partial<LmTrainerState> | null;
  if (!s || typeof s.step !== "number" || !s.rng || !Array.isArray(s.losses)) {
    throw new Error(`${path}: not a train-lm checkpoint (pass overwrite to replace it)`);
  }
  return s as LmTrainerState;
}

/** A fresh model for the corpus: a trained tokenizer and HF-initialized weights. */
function newModel(docs: string[], c: LmConfig): LanguageModel {
  const tokenizer = Tokenizer.fromBpe(trainBpe(docs, { vocabSize: c.vocabSize }));
  const shape: Gpt2Config = {
    vocabSize: tokenizer.vocabSize,
    nPositions: c.context ?? DEFAULT_LM_CONTEXT,
    nEmbd: c.dModel,
    nLayer: c.layers,
    nHead: c.heads,
    layerNormEpsilon: 1e-5,
  };
  validateGpt2Config(shape);
  const config = newLanguageModelConfig(shape, tokenizer);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of initGPT2Params(config, c.seed)) weights[name] = t.data;
  return { config, weights, tokenizer };
}

export async function trainLm(o: TrainLmOptions): Promise<TrainLmResult> {
  const cfg = lmConfigSchema.parse(o.config ?? {});
  const warmupSteps = lmWarmupSteps(cfg);
  const docs = readTextCorpus(o.dataPath);

  // The model: a checkpoint to resume, a model to continue from, or a new one.
  const checkpoint = o.overwrite ? null : readCheckpoint(o.outDir, parseLmState);
  let model: LanguageModel;
  if (checkpoint) model = await loadLanguageModel(o.outDir);
  else if (o.initDir) model = await loadLanguageModel(o.initDir);
  else model = newModel(docs, cfg);
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error("the model directory has no tokenizer.json");
  const eos = tokenizer.eosTokenId ?? model.config.eos_token_id;
  const shape = toGpt2Config(model.config);

  const stream = tokenStream(
    docs.map((d) => tokenizer.encode(d)),
    eos,
  );
  const context = Math.min(cfg.context ?? shape.nPositions, shape.nPositions);
  const windows = new TokenWindows(stream, context);
  const B = cfg.batchSize;
  const T = windows.seqLen;

  const specs = gpt2ParamSpecs(shape);
  const layout = flatLayout(specs);
  const state = adamWStateFrom(packParams(layout, model.weights), checkpoint, checkpoint?.state.step ?? 0);
  // The data position: windows are drawn from this generator, so its state is where the data stream stands.
  const rng = checkpoint ? Random.fromState(checkpoint.state.rng) : new Random(cfg.seed);
  const losses = checkpoint?.state.losses ?? [];
  const resumedFrom = checkpoint ? checkpoint.state.step : null;

  if (state.step >= cfg.steps) {
    return { steps: state.step, finalLoss: losses.at(-1)?.loss ?? NaN, resumedFrom, cancelled: false, shape };
  }

  const log = MetricsLog.open(join(o.outDir, METRICS_LOG_FILE), resumedFrom, { onRecord: o.onMetrics });
  const save = async () => {
    const trainerState: LmTrainerState = {
      step: state.step,
      totalSteps: cfg.steps,
      rng: rng.state(),
      seed: cfg.seed,
      lr: cfg.learningRate,
      warmupSteps,
      batchSize: B,
      seqLen: T,
      losses,
    };
    const files = checkpointFiles({ state: trainerState, ...adamWCheckpointTensors(state, layout), files: { [METRICS_LOG_FILE]: log.content() } });
    await saveLanguageModel(o.outDir, { ...model, weights: unpackParams(layout, state.weights) }, files);
  };

  const trainStep = await TrainStep.create({
    params: specs,
    buildLoss: causalLmLoss(shape, B, T),
    adamW: { ...DEFAULT_ADAMW, weightDecay: cfg.weightDecay },
  });
  const lossMask = float32(new Float32Array(B * T).fill(1), [B, T]);
  const schedule = { lr: cfg.learningRate, warmupSteps, totalSteps: cfg.steps };
  let finalLoss = NaN;
  let smoothedTps = 0;
  let run;
  try {
    run = await runTraining({
      startStep: state.step,
      totalSteps: cfg.steps,
      resumedFrom,
      log,
      runStep: async (step) => {
        const batch = windows.sample(B, () => rng.uniform());
        const lr = learningRateAt(step, schedule);
        const t0 = performance.now();
        const r = await trainStep.run(state, { input_ids: int64(batch.inputIds, [B, T]), labels: int64(batch.labels, [B, T]), loss_mask: lossMask }, lr);
        const tps = (B * T) / ((performance.now() - t0) / 1000);
        smoothedTps = smoothedTps === 0 ? tps : 0.9 * smoothedTps + 0.1 * tps;
        finalLoss = r.loss;
        losses.push({ step: state.step, loss: r.loss });
        return { ...stepMetrics(r, lr), num_tokens: state.step * B * T };
      },
      onStep: ({ step, totalSteps, metrics, resumedFrom }) =>
        o.onProgress?.({
          step,
          totalSteps,
          loss: metrics.loss,
          gradNorm: metrics.grad_norm,
          lr: metrics.lr,
          tokensPerSecond: smoothedTps,
          ...(resumedFrom !== undefined ? { resumedFrom } : {}),
        }),
      checkpoint: { every: cfg.checkpointEvery, save },
      signal: o.signal,
    });
  } finally {
    await trainStep.release();
  }
  if (!run.cancelled) await save();
  return { steps: state.step, finalLoss, resumedFrom, cancelled: run.cancelled, shape };
}
