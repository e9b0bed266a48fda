// Supervised fine-tuning with the loss on answer tokens only, on the shared trainer
// (lib/ml/train: the loop, checkpoints, metrics.jsonl) with the language-modelling objective
// (TrainStep + causalLmLoss, whose loss_mask input carries the mask). Settings: sft-config.ts.
//
// Each demonstration is encoded with the chat template (encodeChat: the assistant's
// content and its closing <|end|> are answer tokens) followed by <|endoftext|> (also an
// answer token, so the model learns to stop). Every epoch the demonstrations are shuffled
// (seeded) and packed greedily into rows of maxLength + 1 tokens without splitting one; the
// rest of a row is <|endoftext|> padding with mask 0. Position t predicts token t + 1, and
// counts when token t + 1 is an answer token.
//
// With `outDir` the run is resumable like train-lm: the directory is a model directory and
// the checkpoint (trainer_state.json with the packing position and RNG state, Adam moments,
// metrics.jsonl), rewritten all-or-nothing every `checkpointEvery` steps, when cancelled and
// at the end; a run finds its checkpoint there and continues the same batches.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { int64, float32 } from "../ml/onnx";
import { DEFAULT_ADAMW } from "../ml/nn/adamw";
import { flatLayout, packParams, unpackParams } from "../ml/nn/flat-params";
import { gpt2ParamSpecs } from "../ml/nn/gpt2-config";
import { loadLanguageModel, saveLanguageModel, shapeOf, type LanguageModel } from "../ml/nn/language-model";
import { Random, type RandomState } from "../ml/random";
import { ENDOFTEXT, encodeChat, type ChatMessage, type ChatTokenizer } from "../ml/tokenizer";
import { causalLmLoss } from "../ml/train/causal-lm";
import { checkpointFiles, readCheckpoint, type TrainerState } from "../ml/train/checkpoint";
import { learningRateAt } from "../ml/train/lr-schedule";
import { METRICS_LOG_FILE, MetricsLog, type MetricValues } from "../ml/train/metrics-log";
import { adamWCheckpointTensors, adamWStateFrom } from "../ml/train/optimizer-state";
import { sftConfigSchema, type SftConfigInput } from "../ml/train/sft-config";
import { TrainStep } from "../ml/train/train-step";
import { runTraining, stepMetrics } from "../ml/train/trainer";

export interface MaskedSequence {
  ids: number[];
  /** 1 where the token is an answer token (its prediction counts). */
  mask: number[];
}

/** One demonstration as ids + answer mask, <|endoftext|> appended as an answer token. */
export function encodeDemonstration(tokenizer: ChatTokenizer, messages: readonly ChatMessage[]): MaskedSequence {
  const { ids, assistantMask } = encodeChat(tokenizer, messages);
  const eos = tokenizer.tokenToId(ENDOFTEXT);
  if (eos === undefined) throw new Error(`the tokenizer has no ${ENDOFTEXT} token`);
  return { ids: [...ids, eos], mask: [...assistantMask, 1] };
}

export interface PackedBatch {
  inputIds: BigInt64Array;
  labels: BigInt64Array;
  lossMask: Float32Array;
}

/** Where a PackedRows stream stands: enough to continue it exactly (plain JSON). */
export interface PackingPosition {
  /** The generator of the per-epoch shuffles. */
  rng: RandomState;
  /** This epoch's order of the demonstrations, and how many of it were taken. */
  order: number[];
  at: number;
  /** A demonstration taken but left for the next row (it did not fit), by index. */
  pending: number | null;
}

/**
 * Endless stream of packed rows over the demonstrations: a seeded shuffle per epoch,
 * greedy packing without splitting a demonstration (longer than a row: truncated).
 */
export class PackedRows {
  private order: number[] = [];
  private at = 0;
  private pending: number | null = null;

  constructor(
    private readonly sequences: readonly MaskedSequence[],
    readonly seqLen: number,
    private readonly padId: number,
    private rng: Random,
  ) {
    if (sequences.length === 0) throw new Error("SFT needs at least one demonstration");
  }

  /** The index of the next demonstration: one left over from the last row, or the next of this epoch's order. */
  private nextIndex(): number {
    if (this.pending !== null) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    if (this.at >= this.order.length) {
      this.order = this.sequences.map((_, i) => i);
      for (let i = this.order.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng.uniform() * (i + 1));
        [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
      }
      this.at = 0;
    }
    return this.order[this.at++];
  }

  /** One row of seqLen + 1 tokens and masks. */
  row(): MaskedSequence {
    const L = this.seqLen + 1;
    const ids: number[] = [];
    const mask: number[] = [];
    for (;;) {
      const index = this.nextIndex();
      const s = this.sequences[index];
      if (ids.length > 0 && ids.length + s.ids.length > L) {
        this.pending = index;
        break;
      }
      const take = Math.min(s.ids.length, L - ids.length);
      ids.push(...s.ids.slice(0, take));
      mask.push(...s.mask.slice(0, take));
      if (ids.length >= L) break;
    }
    while (ids.length < L) {
      ids.push(this.padId);
      mask.push(0);
    }
    return { ids, mask };
  }

  batch(batchSize: number): PackedBatch {
    const T = this.seqLen;
    const inputIds = new BigInt64Array(batchSize * T);
    const labels = new BigInt64Array(batchSize * T);
    const lossMask = new Float32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const { ids, mask } = this.row();
      for (let t = 0; t < T; t++) {
        inputIds[b * T + t] = BigInt(ids[t]);
        labels[b * T + t] = BigInt(ids[t + 1]);
        lossMask[b * T + t] = mask[t + 1];
      }
    }
    return { inputIds, labels, lossMask };
  }

  position(): PackingPosition {
    return { rng: this.rng.state(), order: [...this.order], at: this.at, pending: this.pending };
  }

  /** Continues from a position of a stream over the same demonstrations. */
  restore(p: PackingPosition): void {
    const n = this.sequences.length;
    const valid = (i: number) => Number.isInteger(i) && i >= 0 && i < n;
    if (!p.order.every(valid) || p.at < 0 || p.at > p.order.length || (p.pending !== null && !valid(p.pending))) {
      throw new Error("packing position: not a position over these demonstrations");
    }
    this.rng = Random.fromState(p.rng);
    this.order = [...p.order];
    this.at = p.at;
    this.pending = p.pending;
  }
}

export interface SftProgress {
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  /** Set once, when the run resumed from a checkpoint at this step. */
  resumedFrom?: number;
}

export interface SftOptions {
  /** Settings (sft-config.ts); unset fields take their defaults. */
  config?: SftConfigInput;
  /** Checkpoint / output model directory; without it the run is in memory only. */
  outDir?: string;
  /** Start over instead of resuming the checkpoint in outDir. */
  overwrite?: boolean;
  onProgress?: (p: SftProgress) => void;
  /** The metrics of each step (loss, grad_norm, lr), as metrics.jsonl holds them. */
  onMetrics?: (step: number, values: MetricValues) => void;
  /** Stops after the current step (checkpointing when there is an outDir). */
  signal?: AbortSignal;
}

export interface SftResult {
  model: LanguageModel;
  finalLoss: number;
  /** Mean loss of the last 50 steps (or fewer). */
  tailLoss: number;
  steps: number;
  resumedFrom: number | null;
  cancelled: boolean;
}

/** trainer_state.json of an SFT checkpoint. */
interface SftTrainerState extends TrainerState {
  totalSteps: number;
  rng: RandomState;
  packing: Omit<PackingPosition, "rng">;
  /** sha256 of the demonstrations (ids and masks): a checkpoint of other data is not resumed. */
  dataHash: string;
  losses: number[];
}

function demonstrationsHash(sequences: readonly MaskedSequence[]): string {
  const h = createHash("sha256");
  for (const s of sequences) h.update(JSON.stringify([s.ids, s.mask])).update("\n");
  return h.digest("hex");
}

/** Fine-tunes `model` on the demonstrations; returns a new model (same tokenizer and config). */
export async function trainSft(model: LanguageModel, sequences: readonly MaskedSequence[], o: SftOptions = {}): Promise<SftResult> {
  const cfg = sftConfigSchema.parse(o.config ?? {});
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error("SFT needs a model with a tokenizer");
  const shape = shapeOf(model);
  const padId = tokenizer.tokenToId(ENDOFTEXT) ?? 0;
  const dataHash = o.outDir ? demonstrationsHash(sequences) : "";

  const checkpoint =
    o.outDir && !o.overwrite
      ? readCheckpoint(o.outDir, (raw, path) => {
          const s = raw as Partial<SftTrainerState> | null;
          if (!s || typeof s.step !== "number" || !s.packing || !s.rng || !Array.isArray(s.losses)) {
            throw new Error(`${path}: not an SFT checkpoint (pass overwrite to replace it)`);
          }
          if (s.dataHash !== dataHash) throw new Error(`${path}: a checkpoint of other demonstrations (pass overwrite to replace it)`);
          return s as SftTrainerState;
        })
      : null;
  const start = checkpoint ? await loadLanguageModel(checkpoint.dir) : model;

  const rows = new PackedRows(sequences, Math.min(cfg.maxLength, shape.nPositions), padId, new Random(cfg.seed));
  if (checkpoint) rows.restore({ ...checkpoint.state.packing, rng: checkpoint.state.rng });
  const B = cfg.batchSize;
  const T = rows.seqLen;
  const specs = gpt2ParamSpecs(shape);
  const layout = flatLayout(specs);
  const state = adamWStateFrom(packParams(layout, start.weights), checkpoint, checkpoint?.state.step ?? 0);
  const losses = checkpoint?.state.losses ?? [];
  const resumedFrom = checkpoint ? checkpoint.state.step : null;
  const result = (cancelled: boolean): SftResult => {
    const tail = losses.slice(-50);
    return {
      model: { ...model, weights: unpackParams(layout, state.weights) },
      finalLoss: losses.at(-1) ?? NaN,
      tailLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
      steps: state.step,
      resumedFrom,
      cancelled,
    };
  };
  if (state.step >= cfg.steps) return result(false);

  const outDir = o.outDir;
  const log = outDir ? MetricsLog.open(join(outDir, METRICS_LOG_FILE), resumedFrom, { onRecord: o.onMetrics }) : null;
  const save = async () => {
    if (!outDir || !log) return;
    const { rng, ...packing } = rows.position();
    const trainerState: SftTrainerState = { step: state.step, totalSteps: cfg.steps, rng, packing, dataHash, losses };
    const files = checkpointFiles({ state: trainerState, ...adamWCheckpointTensors(state, layout), files: { [METRICS_LOG_FILE]: log.content() } });
    await saveLanguageModel(outDir, { ...model, weights: unpackParams(layout, state.weights) }, files);
  };

  const trainStep = await TrainStep.create({
    params: specs,
    buildLoss: causalLmLoss(shape, B, T),
    adamW: { ...DEFAULT_ADAMW, weightDecay: cfg.weightDecay },
  });
  const schedule = { lr: cfg.learningRate, warmupSteps: cfg.warmupSteps, totalSteps: cfg.steps };
  let run;
  try {
    run = await runTraining({
      startStep: state.step,
      totalSteps: cfg.steps,
      resumedFrom,
      log,
      runStep: async (step) => {
        const batch = rows.batch(B);
        const lr = learningRateAt(step, schedule);
        const r = await trainStep.run(
          state,
          { input_ids: int64(batch.inputIds, [B, T]), labels: int64(batch.labels, [B, T]), loss_mask: float32(batch.lossMask, [B, T]) },
          lr,
        );
        losses.push(r.loss);
        return stepMetrics(r, lr);
      },
      onStep: ({ step, totalSteps, metrics, resumedFrom }) => {
        if (!log) o.onMetrics?.(step, metrics);
        o.onProgress?.({ step, totalSteps, loss: metrics.loss, lr: metrics.lr, ...(resumedFrom !== undefined ? { resumedFrom } : {}) });
      },
      checkpoint: outDir ? { every: cfg.checkpointEvery, save } : undefined,
      signal: o.signal,
    });
  } finally {
    await trainStep.release();
  }
  if (!run.cancelled) await save();
  return result(run.cancelled);
}
