// The graph our own generation runs: GPT-2 with a STATIC key/value cache kept in
// TypeScript memory, so each step moves only the new tokens' keys and values.
//
// model.onnx (gpt2-inference.ts, Optimum layout) returns the whole grown cache every step;
// onnxruntime-node copies every output into a fresh JavaScript buffer, which at batch 16
// costs more than the step itself. Here the cache is a fixed-capacity buffer per layer,
// [batch, heads, capacity, head_dim], fed as an input (no copy); the graph returns just the
// new keys/values and TypeScript writes them into the next free slots. Attention is
// onnxruntime's fused Attention op (com.microsoft; it also does the c_attn projection)
// over the cache slots then the new tokens, causal, with empty slots and padding masked —
// one node instead of a dozen, which is most of the cost of a batch-1 step.
//
// The next-token distribution is computed here too, so sampling in TypeScript needs no exp():
//
// Inputs   input_ids [B, T], position_ids [B, T], attention_mask [B, C + T] (cache slots,
//          then the new tokens; 1 = a real token), cache.N [2, B, H, C, hd] (keys then
//          values of layer N), inv_temperature [] (1 / sampling temperature)
// Outputs  logprobs [B, V] = log_softmax(logits) and probs [B, V] = softmax(logits ·
//          inv_temperature), both at the last position; new.N [2, B, H, T, hd]
import { Graph, type SessionOptions, type Tensor, float32, int64, Session } from "../onnx";
import { declareGpt2Params, gpt2Backbone, lmHead } from "./gpt2";
import { DECODE_SESSION_OPTIONS } from "./causal-lm-session";
import type { Gpt2Config } from "./gpt2-config";

const cacheName = (l: number) => `cache.${l}`;
const newName = (l: number) => `new.${l}`;

export function buildGpt2DecoderGraph(c: Gpt2Config): Graph {
  const g = new Graph({ name: "gpt2_static_cache_decoder" });
  const hd = c.nEmbd / c.nHead;
  const inputIds = g.input("input_ids", "int64", ["batch", "seq"]);
  const positionIds = g.input("position_ids", "int64", ["batch", "seq"]);
  const attentionMask = g.input("attention_mask", "int64", ["batch", "capacity + seq"]);
  const invTemperature = g.input("inv_temperature", "float32", []);
  const cache = Array.from({ length: c.nLayer }, (_, l) => g.input(cacheName(l), "float32", [2, "batch", c.nHead, "capacity", hd]));
  const w = declareGpt2Params(g, c);
  const staticCache = { layers: cache, keyPaddingMask: g.cast(attentionMask, "int32") };
  const { hidden, cacheUpdates } = gpt2Backbone(g, c, w, { inputIds, positionIds, staticCache, fusedGelu: true });
  const last = g.squeeze(g.slice(hidden, [-1], [2 ** 62], [1]), [1]); // [B, d]
  const logits = lmHead(g, w, last); // [B, V]
  g.output(g.logSoftmax(logits, -1), "logprobs");
  g.output(g.softmax(g.mul(logits, invTemperature), -1), "probs");
  cacheUpdates.forEach((u, l) => g.output(u, newName(l)));
  return g;
}

/** A batch's cache: per layer, keys then values [2, batch, heads, capacity, head_dim], and which slots are filled. */
export interface StaticCache {
  batch: number;
  capacity: number;
  /** Slots filled so far (the same for every row). */
  length: number;
  layers: Float32Array[];
  /** The layers as graph inputs (built once; the arrays are updated in place). */
  feeds: Record<string, Tensor>;
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
    const H = this.config.nHead;
    const hd = this.config.nEmbd / H;
    const layers = Array.from({ length: this.config.nLayer }, () => new Float32Array(2 * batch * H * capacity * hd));
    const feeds: Record<string, Tensor> = {};
    layers.forEach((data, l) => (feeds[cacheName(l)] = float32(data, [2, batch, H, capacity, hd])));
    return { batch, capacity, length: 0, layers, feeds, mask: new BigInt64Array(batch * capacity) };
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
    const out = await this.session.run({
      ...cache.feeds,
      input_ids: int64(inputIds, [B, seq]),
      position_ids: int64(positionIds, [B, seq]),
      attention_mask: int64(mask, [B, C + seq]),
      inv_temperature: float32([temperature > 0 ? 1 / temperature : 1], []),
    });
    // Append: each [seq, hd] block of [2, B, H, seq, hd] goes to slots [length, length + seq).
    for (let l = 0; l < this.config.nLayer; l++) {
      const update = out[newName(l)].data as Float32Array;
      for (let block = 0; block < 2 * B * H; block++) {
        cache.layers[l].set(update.subarray(block * seq * hd, (block + 1) * seq * hd), (block * C + cache.length) * hd);
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
