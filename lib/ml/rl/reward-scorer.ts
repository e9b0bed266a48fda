// Scoring (prompt, completion) pairs with a trained reward model directory: the inference
// side of train-reward-model.ts, used by PPO, by evaluations and by the app.
//
// model.safetensors is the source of truth: the scoring graph (the same one exported as
// model.onnx, dynamic batch and sequence) is rebuilt from it, so a directory edited by
// Python tools scores the same way. Items are encoded with the chat template exactly as in
// training, sorted by length, batched and right-padded.
import { isSequenceClassifier, loadModelDir, toGpt2Config, type GPT2Config } from "../io";
import { Session, int64, type SessionOptions } from "../onnx";
import { exportRewardModelOnnx } from "../nn/reward-model";
import type { ChatMessage, Tokenizer } from "../tokenizer";
import { encodeCompletion } from "./reward-data";

export interface ScoreItem {
  /** The conversation before the answer. */
  prompt: ChatMessage[];
  completion: string;
}

export interface ScoreOptions {
  /** Sequences per session run (default 32). */
  batchSize?: number;
}

export const SCORER_SESSION_OPTIONS: SessionOptions = { intraOpNumThreads: 1, logSeverityLevel: 3 };

export class RewardScorer {
  private constructor(
    private session: Session | null,
    readonly config: GPT2Config,
    readonly tokenizer: Tokenizer,
    /** Longest sequence scored; longer ones lose their first tokens (n_positions). */
    readonly maxLength: number,
    readonly padTokenId: number,
  ) {}

  /** Loads a reward-model directory (GPT2ForSequenceClassification with a tokenizer). */
  static async load(dir: string, options: SessionOptions = SCORER_SESSION_OPTIONS): Promise<RewardScorer> {
    const loaded = await loadModelDir(dir);
    if (!isSequenceClassifier(loaded.config)) throw new Error(`${dir}: not a reward model (config.json architectures is ${loaded.config.architectures[0]})`);
    if (!loaded.tokenizer) throw new Error(`${dir}: the model directory has no tokenizer.json`);
    const weights: Record<string, Float32Array> = {};
    for (const [name, t] of loaded.params) weights[name] = t.data;
    return RewardScorer.fromWeights(loaded.config, weights, loaded.tokenizer, options);
  }

  /** A scorer over weights in memory (config must be a sequence classifier). */
  static async fromWeights(
    config: GPT2Config,
    weights: Readonly<Record<string, Float32Array>>,
    tokenizer: Tokenizer,
    options: SessionOptions = SCORER_SESSION_OPTIONS,
  ): Promise<RewardScorer> {
    const shape = toGpt2Config(config);
    const session = await Session.create(exportRewardModelOnnx(shape, weights), options);
    const pad = config.pad_token_id ?? tokenizer.padTokenId ?? config.eos_token_id;
    return new RewardScorer(session, config, tokenizer, shape.nPositions, pad);
  }

  /** The token ids scored for one item. */
  encode(item: ScoreItem): number[] {
    return encodeCompletion(this.tokenizer, item.prompt, item.completion, this.maxLength);
  }

  /** Rewards of the items, in their order. */
  async score(items: readonly ScoreItem[], options: ScoreOptions = {}): Promise<number[]> {
    return this.scoreIds(
      items.map((it) => this.encode(it)),
      options,
    );
  }

  /** Rewards of token sequences (each non-empty, at most maxLength long), in their order. */
  async scoreIds(sequences: readonly (readonly number[])[], options: ScoreOptions = {}): Promise<number[]> {
    const session = this.session;
    if (!session) throw new Error("RewardScorer: released");
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[a].length - sequences[b].length || a - b);
    const out = new Array<number>(sequences.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const T = Math.max(...idx.map((i) => sequences[i].length));
      const ids = new BigInt64Array(idx.length * T).fill(BigInt(this.padTokenId));
      const mask = new BigInt64Array(idx.length * T);
      idx.forEach((i, b) => {
        const s = sequences[i];
        if (s.length === 0) throw new Error(`RewardScorer: sequence ${i} is empty`);
        if (s.length > this.maxLength) throw new Error(`RewardScorer: sequence ${i} has ${s.length} tokens, more than ${this.maxLength}`);
        for (let t = 0; t < s.length; t++) {
          ids[b * T + t] = BigInt(s[t]);
          mask[b * T + t] = 1n;
        }
      });
      const res = await session.run({ input_ids: int64(ids, [idx.length, T]), attention_mask: int64(mask, [idx.length, T]) });
      const logits = res.logits.data as Float32Array;
      idx.forEach((i, b) => (out[i] = logits[b]));
    }
    return out;
  }

  async release(): Promise<void> {
    const s = this.session;
    this.session = null;
    if (s) await s.release();
  }
}
