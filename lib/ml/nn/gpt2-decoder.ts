// The graph our own generation runs: GPT-2 with a STATIC key/value cache kept in
// TypeScript memory, so each step moves only the new tokens' keys and values.
//
// model.onnx (gpt2-inference.ts, Optimum layout) returns the whole grown cache every step;
// onnxruntime-node copies every output into a fresh JavaScript buffer, which at batch 16
// costs more than the step itself. Here the cache is a fixed-capacity buffer per layer,
// [batch, heads, capacity, head_dim], fed as an input (no copy); the graph returns just the
// new keys/values ([batch, heads, seq, head_dim]) and TypeScript writes them into the next
// free slots. Attention is onnxruntime's fused MultiHeadAttention (com.microsoft) over the
// cache slots then the new tokens, causal, with empty slots and padding masked — one node
// instead of a dozen, which is most of the cost of a batch-1 step.
//
// The next-token distribution is computed here too, so sampling in TypeScript needs no exp():
//
// Inputs   input_ids [B, T], position_ids [B, T], attention_mask [B, C + T] (cache slots,
//          then the new tokens; 1 = a real token), cache.N.key / cache.N.value [B, H, C, hd],
//          inv_temperature [] (1 / sampling temperature)
// Outputs  logprobs [B, V] = log_softmax(logits) and probs [B, V] = softmax(logits ·
//          inv_temperature), both at the last position; new.N.key / new.N.value [B, T, d]
import { Graph, type SessionOptions, type Tensor, float32, int64, Session } from "../onnx";
import { declareGpt2Params, gpt2Backbone, lmHead, type KeyValue } from "./gpt2";
import { DECODE_SESSION_OPTIONS } from "./causal-lm-session";
import type { Gpt2Config } from "./gpt2-config";

const cacheKey = (l: number) => `cache.${l}.key`;
const cacheValue = (l: number) => `cache.${l}.value`;
const newKey = (l: number) => `new.${l}.key`;
const newValue = (l: number) => `new.${l}.value`;

export function buildGpt2DecoderGraph(c: Gpt2Config): Graph {
  const g = new Graph({ name: "gpt2_static_cache_decoder" });
  const hd = c.nEmbd / c.nHead;
  const inputIds = g.input("input_ids", "int64", ["batch", "seq"]);
  const positionIds = g.input("position_ids", "int64", ["batch", "seq"]);
  const attentionMask = g.input("attention_mask", "int64", ["batch", "capacity + seq"]);
  const invTemperature = g.input("inv_temperature", "float32", []);
  const cache: KeyValue[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    cache.push({
      key: g.input(cacheKey(l), "float32", ["batch", c.nHead, "capacity", hd]),
      value: g.input(cacheValue(l), "float32", ["batch", c.nHead, "capacity", hd]),
    });
  }
  const w = declareGpt2Params(g, c);
  const staticCache = { layers: cache, keyPaddingMask: g.cast(attentionMask, "int32") };
  const { hidden, presents } = gpt2Backbone(g, c, w, { inputIds, positionIds, staticCache, fusedGelu: true });
  const last = g.squeeze(g.slice(hidden, [-1], [2 ** 62], [1]), [1]); // [B, d]
  const logits = lmHead(g, w, last); // [B, V]
  g.output(g.logSoftmax(logits, -1), "logprobs");
  g.output(g.softmax(g.mul(logits, invTemperature), -1), "probs");
  presents.forEach((p, l) => {
    g.output(p.key, newKey(l));
    g.output(p.value, newValue(l));
  });
  return g;
}

/** A batch's cache: per layer, keys and values [batch, heads, capacity, head_dim], and which slots are filled. */
export interface StaticCache {
  batch: number;
  capacity: number;
  /** Slots filled so far (the same for every row). */
  length: number;
  keys: Float32Array[];
  values: Float32Array[];
  /** [batch, capacity]: 1 where a slot holds a real (non-padding) token. */
  mask: BigInt64Array;
}

export class Gpt2Decoder {
  private constructor(
    readonly session: Session,
    readonly config: Gpt2Config,
  ) {}

  static async create(
    config: Gpt2Config,
    weights: Readonly<Record<string, Float32Array>>,
    options: SessionOptions = DECODE_SESSION_OPTIONS,
  ): Promise<Gpt2Decoder> {
    const bytes = buildGpt2DecoderGraph(config).toOnnx({ paramValues: weights });
    return new Gpt2Decoder(await Session.create(bytes, options), config);
  }

  /** An empty cache for `batch` rows and up to `capacity` positions. */
  newCache(batch: number, capacity: number): StaticCache {
    const n = batch * this.config.nHead * capacity * (this.config.nEmbd / this.config.nHead);
    return {
      batch,
      capacity,
      length: 0,
      keys: Array.from({ length: this.config.nLayer }, () => new Float32Array(n)),
      values: Array.from({ length: this.config.nLayer }, () => new Float32Array(n)),
      mask: new BigInt64Array(batch * capacity),
    };
  }

  /**
   * Runs `seq` new tokens per row after the cached ones and appends them to the cache.
   * `attentionMask` [batch, seq] marks the new tokens that are real (0 = left padding).
   * Returns the next-token distribution after the last new position, [batch, vocab] each:
   * raw log-probabilities, and probabilities at `temperature` (default 1; 0 counts as 1).
   */
  async step(
    cache: StaticCache,
    seq: number,
    inputIds: BigInt64Array,
    positionIds: BigInt64Array,
    attentionMask: BigInt64Array,
    temperature = 1,
  ): Promise<{ logprobs: Float32Array; probs: Float32Array }> {
    const { batch: B, capacity: C } = cache;
    const H = this.config.nHead;
    const hd = this.config.nEmbd / H;
    if (cache.length + seq > C) throw new Error(`decoder cache full: ${cache.length} + ${seq} > capacity ${C}`);
    const mask = new BigInt64Array(B * (C + seq));
    for (let b = 0; b < B; b++) {
      mask.set(cache.mask.subarray(b * C, (b + 1) * C), b * (C + seq));
      mask.set(attentionMask.subarray(b * seq, (b + 1) * seq), b * (C + seq) + C);
    }
    const feeds: Record<string, Tensor> = {
      input_ids: int64(inputIds, [B, seq]),
      position_ids: int64(positionIds, [B, seq]),
      attention_mask: int64(mask, [B, C + seq]),
      inv_temperature: float32([temperature > 0 ? 1 / temperature : 1], []),
    };
    for (let l = 0; l < this.config.nLayer; l++) {
      feeds[cacheKey(l)] = float32(cache.keys[l], [B, H, C, hd]);
      feeds[cacheValue(l)] = float32(cache.values[l], [B, H, C, hd]);
    }
    const out = await this.session.run(feeds);
    // Append: the new [B, T, H, hd] rows go to slots [length, length + seq) of [B, H, C, hd].
    for (let l = 0; l < this.config.nLayer; l++) {
      const nk = out[newKey(l)].data as Float32Array;
      const nv = out[newValue(l)].data as Float32Array;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < seq; t++) {
          for (let h = 0; h < H; h++) {
            const src = ((b * seq + t) * H + h) * hd;
            const dst = ((b * H + h) * C + cache.length + t) * hd;
            cache.keys[l].set(nk.subarray(src, src + hd), dst);
            cache.values[l].set(nv.subarray(src, src + hd), dst);
          }
        }
      }
    }
    for (let b = 0; b < B; b++) cache.mask.set(attentionMask.subarray(b * seq, (b + 1) * seq), b * C + cache.length);
    cache.length += seq;
    return { logprobs: out.logprobs.data as Float32Array, probs: out.probs.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
