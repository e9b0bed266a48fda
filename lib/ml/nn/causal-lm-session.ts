// Running a GPT-2 inference graph (model.onnx, Optimum KV-cache layout) from TypeScript:
// one forward step over new tokens given the cache of earlier ones, and whole-sequence
// log-probabilities.
import { Session, type SessionOptions, type Tensor, float32, int64 } from "../onnx";
import type { Gpt2Config } from "./gpt2-config";
import { pastKeyName, pastValueName, presentKeyName, presentValueName } from "./gpt2-inference";
import { logSumExp } from "./sampling";

/** The cache as graph feeds: past_key_values.N.key / .value, [batch, heads, past, head_dim]. */
export type KvCache = Record<string, Tensor>;

export interface ForwardResult {
  /** [batch, seq, vocab] row-major. */
  logits: Float32Array;
  /** The cache after these tokens, ready to feed back. */
  cache: KvCache;
}

/**
 * One intra-op thread for decoding. Measured on the shared 2-core machine (reference GPT,
 * 112 new tokens): with the machine lightly loaded, 1 vs 2 threads gave batch 1 ~2.8–4.4k
 * vs ~4.0k tokens/s and batch 16 ~8.5–9.4k vs ~10.4–10.6k; under heavy load (other jobs
 * on both cores) 2 threads collapsed (batch 16: 1.0k vs 3.8k with one thread). One thread
 * is the robust choice next to a web server and a worker; `bench:engine` measures both.
 */
export const DECODE_SESSION_OPTIONS: SessionOptions = { intraOpNumThreads: 1, graphOptimizationLevel: "all" };

export class CausalLmSession {
  private constructor(
    readonly session: Session,
    readonly config: Gpt2Config,
  ) {}

  /** `model` is model.onnx's path or bytes. */
  static async create(model: string | Uint8Array, config: Gpt2Config, options: SessionOptions = DECODE_SESSION_OPTIONS): Promise<CausalLmSession> {
    return new CausalLmSession(await Session.create(model, options), config);
  }

  get headDim(): number {
    return this.config.nEmbd / this.config.nHead;
  }

  /** A cache holding nothing (past length 0). */
  emptyCache(batch: number): KvCache {
    const dims = [batch, this.config.nHead, 0, this.headDim];
    const cache: KvCache = {};
    for (let l = 0; l < this.config.nLayer; l++) {
      cache[pastKeyName(l)] = float32(new Float32Array(0), dims);
      cache[pastValueName(l)] = float32(new Float32Array(0), dims);
    }
    return cache;
  }

  /**
   * Runs `seq` new tokens per row. `attentionMask` covers past + new positions
   * ([batch, past+seq]); `positionIds` the new ones ([batch, seq]).
   */
  async forward(
    batch: number,
    seq: number,
    inputIds: BigInt64Array,
    attentionMask: BigInt64Array,
    positionIds: BigInt64Array,
    cache: KvCache,
  ): Promise<ForwardResult> {
    const out = await this.session.run({
      input_ids: int64(inputIds, [batch, seq]),
      attention_mask: int64(attentionMask, [batch, attentionMask.length / batch]),
      position_ids: int64(positionIds, [batch, seq]),
      ...cache,
    });
    const next: KvCache = {};
    for (let l = 0; l < this.config.nLayer; l++) {
      next[pastKeyName(l)] = out[presentKeyName(l)];
      next[pastValueName(l)] = out[presentValueName(l)];
    }
    return { logits: out.logits.data as Float32Array, cache: next };
  }

  /**
   * log p(ids[i+1] | ids[0..i]) for i = 0..n-2, from one forward pass over `ids` (at most
   * n_positions tokens).
   */
  async tokenLogprobs(ids: readonly number[]): Promise<number[]> {
    const n = ids.length;
    if (n < 2) return [];
    if (n > this.config.nPositions) throw new Error(`the text has ${n} tokens, more than n_positions (${this.config.nPositions})`);
    const { logits } = await this.forward(
      1,
      n,
      BigInt64Array.from(ids, BigInt),
      new BigInt64Array(n).fill(1n),
      BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
      this.emptyCache(1),
    );
    const V = this.config.vocabSize;
    const out: number[] = [];
    for (let i = 0; i < n - 1; i++) out.push(logits[i * V + ids[i + 1]] - logSumExp(logits, i * V, V));
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
