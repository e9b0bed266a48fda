// Supervised fine-tuning with the loss on answer tokens only, built from lib/ml's public
// pieces (TrainStep + causalLmLoss, whose loss_mask input carries the mask).
//
// Each demonstration is encoded with the chat template (encodeChat: the assistant's
// content and its closing <|end|> are answer tokens) followed by <|endoftext|> (also an
// answer token, so the model learns to stop). Every epoch the demonstrations are shuffled
// (seeded) and packed greedily into rows of seqLen + 1 tokens without splitting one; the
// rest of a row is <|endoftext|> padding with mask 0. Position t predicts token t + 1, and
// counts when token t + 1 is an answer token.
import { int64, float32 } from "../ml/onnx";
import { DEFAULT_ADAMW, type AdamWConfig } from "../ml/nn/adamw";
import { flatLayout, packParams, unpackParams } from "../ml/nn/flat-params";
import { gpt2ParamSpecs } from "../ml/nn/gpt2-config";
import { shapeOf, type LanguageModel } from "../ml/nn/language-model";
import { Random } from "../ml/random";
import { ENDOFTEXT, encodeChat, type ChatMessage, type ChatTokenizer } from "../ml/tokenizer";
import { causalLmLoss } from "../ml/train/causal-lm";
import { learningRateAt } from "../ml/train/lr-schedule";
import { TrainStep } from "../ml/train/train-step";

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

/**
 * Endless stream of packed rows over the demonstrations: a seeded shuffle per epoch,
 * greedy packing without splitting a demonstration (longer than a row: truncated).
 */
export class PackedRows {
  private order: number[] = [];
  private at = 0;
  private pending: MaskedSequence | null = null;

  constructor(
    private readonly sequences: readonly MaskedSequence[],
    readonly seqLen: number,
    private readonly padId: number,
    private readonly rng: Random,
  ) {
    if (sequences.length === 0) throw new Error("SFT needs at least one demonstration");
  }

  private next(): MaskedSequence {
    if (this.pending) {
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
    return this.sequences[this.order[this.at++]];
  }

  /** One row of seqLen + 1 tokens and masks. */
  row(): MaskedSequence {
    const L = this.seqLen + 1;
    const ids: number[] = [];
    const mask: number[] = [];
    for (;;) {
      const s = this.next();
      if (ids.length > 0 && ids.length + s.ids.length > L) {
        this.pending = s;
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
}

export interface SftOptions {
  steps: number;
  batchSize: number;
  seqLen: number;
  lr: number;
  warmupSteps: number;
  seed: number;
  adamW?: Partial<AdamWConfig>;
  onProgress?: (p: { step: number; totalSteps: number; loss: number; lr: number }) => void;
}

export interface SftResult {
  model: LanguageModel;
  finalLoss: number;
  /** Mean loss of the last 50 steps (or fewer). */
  tailLoss: number;
  steps: number;
}

/** Fine-tunes `model` on the demonstrations; returns a new model (same tokenizer and config). */
export async function trainSft(model: LanguageModel, sequences: readonly MaskedSequence[], o: SftOptions): Promise<SftResult> {
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new Error("SFT needs a model with a tokenizer");
  const shape = shapeOf(model);
  const padId = tokenizer.tokenToId(ENDOFTEXT) ?? 0;
  const rng = new Random(o.seed);
  const rows = new PackedRows(sequences, Math.min(o.seqLen, shape.nPositions), padId, rng);
  const B = o.batchSize;
  const T = rows.seqLen;
  const specs = gpt2ParamSpecs(shape);
  const layout = flatLayout(specs);
  const state = { weights: packParams(layout, model.weights), m: new Float32Array(layout.size), v: new Float32Array(layout.size), step: 0 };
  const trainStep = await TrainStep.create({ params: specs, buildLoss: causalLmLoss(shape, B, T), adamW: { ...DEFAULT_ADAMW, ...o.adamW } });
  const schedule = { lr: o.lr, warmupSteps: o.warmupSteps, totalSteps: o.steps };
  const losses: number[] = [];
  try {
    while (state.step < o.steps) {
      const batch = rows.batch(B);
      const lr = learningRateAt(state.step, schedule);
      const r = await trainStep.run(
        state,
        { input_ids: int64(batch.inputIds, [B, T]), labels: int64(batch.labels, [B, T]), loss_mask: float32(batch.lossMask, [B, T]) },
        lr,
      );
      losses.push(r.loss);
      o.onProgress?.({ step: state.step, totalSteps: o.steps, loss: r.loss, lr });
    }
  } finally {
    await trainStep.release();
  }
  const tail = losses.slice(-50);
  return {
    model: { ...model, weights: unpackParams(layout, state.weights) },
    finalLoss: losses.at(-1) ?? NaN,
    tailLoss: tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length),
    steps: state.step,
  };
}
