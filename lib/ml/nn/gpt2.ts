// GPT-2 as Hugging Face defines it (modeling_gpt2.py), built op by op on the ONNX graph
// builder. Read it top to bottom like nanoGPT's model.py:
//
//   x = wte[input_ids] + wpe[position_ids]
//   for each block:  x = x + attn(ln_1(x));  x = x + mlp(ln_2(x))
//   hidden = ln_f(x);  logits = hidden @ wte^T            (lm_head tied to wte)
//
// attn: q, k, v = split(x @ c_attn.weight + c_attn.bias)    (Conv1D layout [in, out])
//       softmax(q k^T / sqrt(head_dim) + mask) v, heads merged, then c_proj
// mlp:  c_proj(gelu_new(c_fc(x)))                             (gelu_new: tanh approximation)
//
// The same builder serves training (no cache, constant causal mask; reward and value
// models pass a padding-aware attentionBias), the exported inference graph with a KV
// cache (past keys/values in, presents out, the mask built from attention_mask) and the
// generation decoder (a static cache attended with a fused op, see gpt2-decoder.ts).
import type { FloatDType, Graph, Value } from "../onnx";
import { MS_DOMAIN, fastGelu } from "./fast-gelu";
import { type Gpt2Config, gpt2ParamSpecs } from "./gpt2-config";

/** Parameter values of a graph, by Hugging Face name. */
export type Gpt2Weights = Readonly<Record<string, Value>>;

/** One layer's attention cache, [batch, heads, length, head_dim] each. */
export interface KeyValue {
  key: Value;
  value: Value;
}

export interface Gpt2Inputs {
  /** int64 [batch, seq]. */
  inputIds: Value;
  /** int64 [batch, seq]; default 0..seq-1 (the rows of wpe, shared by the batch). */
  positionIds?: Value;
  /**
   * float added to the attention scores, broadcastable to [batch, heads, seq, past+seq]:
   * 0 where a query may attend to a key, a large negative number where not. Default:
   * the causal mask for a cache-free sequence of static length (see causalBias).
   */
  attentionBias?: Value;
  /** Per layer, the cached keys and values of earlier positions. */
  pastKeyValues?: readonly KeyValue[];
  /**
   * A fixed-capacity cache (see gpt2-decoder.ts), attended with onnxruntime's fused
   * Attention op (com.microsoft; inference only). attentionBias is then unused; the new
   * tokens' keys and values come out as `cacheUpdates`.
   */
  staticCache?: StaticCacheInputs;
  /**
   * Use onnxruntime's fused FastGelu (com.microsoft, float32 only) with its hand-derived
   * gradient — faster training. Default false: standard ONNX ops, portable to any runtime.
   */
  fusedGelu?: boolean;
}

export interface StaticCacheInputs {
  /** Per layer, keys and values stacked, [2, batch, heads, capacity, head_dim]; empty slots are masked. */
  layers: readonly Value[];
  /** int32 [batch, capacity + seq]: 1 for cache slots and new positions holding real tokens. */
  keyPaddingMask: Value;
}

export interface Gpt2Outputs {
  /** ln_f output, [batch, seq, d]. */
  hidden: Value;
  /** Per layer, past + current keys and values, [batch, heads, past+seq, head_dim] (none with a static cache). */
  presents: KeyValue[];
  /** With a static cache, per layer the new tokens' keys and values, [2, batch, heads, seq, head_dim]. */
  cacheUpdates: Value[];
}

/** Added to masked attention scores. Finite, so fully masked rows (padding) stay finite. */
export const MASKED_SCORE = -1e9;

/** Declares every GPT-2 parameter as a graph param (HF names and shapes). */
export function declareGpt2Params(g: Graph, c: Gpt2Config, dtype: FloatDType = "float32"): Record<string, Value> {
  const w: Record<string, Value> = {};
  for (const spec of gpt2ParamSpecs(c)) w[spec.name] = g.param(spec.name, spec.shape, dtype);
  return w;
}

/** Constant causal mask [seq, seq]: 0 on and below the diagonal, MASKED_SCORE above. */
export function causalBias(g: Graph, seq: number, dtype: FloatDType = "float32"): Value {
  const data = new Float64Array(seq * seq);
  for (let i = 0; i < seq; i++) for (let j = i + 1; j < seq; j++) data[i * seq + j] = MASKED_SCORE;
  return g.constant(data, [seq, seq], dtype, `causal_bias_${seq}_${dtype}`);
}

/**
 * The attention bias from a padding mask and a cache: attentionMask int64 [batch, past+seq]
 * (1 = token, 0 = padding), queries at absolute positions past..past+seq-1. A key is
 * visible when it is not padding and not in the future. Result [batch, 1, seq, past+seq].
 */
export function paddedCausalBias(g: Graph, attentionMask: Value, seqLen: Value, dtype: FloatDType = "float32"): Value {
  const total = g.squeeze(g.shape(attentionMask, 1, 2), [0]); // past + seq (int64 scalar)
  const past = g.sub(total, g.squeeze(seqLen, [0]));
  const keyPos = g.range(0, total, 1); // [S]
  const queryPos = g.range(past, total, g.scalar(1, "int64")); // [T]
  const future = g.greater(g.unsqueeze(keyPos, [0]), g.unsqueeze(queryPos, [1])); // [T, S]
  const padding = g.unsqueeze(g.equal(attentionMask, g.scalar(0, "int64")), [1, 2]); // [B,1,1,S]
  const masked = g.or(padding, future); // [B, 1, T, S]
  return g.where(masked, MASKED_SCORE, g.scalar(0, dtype));
}

/** Conv1D: x @ weight + bias with weight [in, out]. */
function conv1d(g: Graph, x: Value, weight: Value, bias: Value): Value {
  return g.add(g.matmul(x, weight), bias);
}

/** gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function geluNew(g: Graph, x: Value): Value {
  // The op sequence of transformers' NewGELUActivation, which onnxruntime fuses into FastGelu.
  const cube = g.pow(x, 3);
  const inner = g.mul(g.add(x, g.mul(cube, 0.044715)), Math.sqrt(2 / Math.PI));
  return g.mul(g.mul(x, 0.5), g.add(g.tanh(inner), 1));
}

/**
 * Causal self-attention of one block on the flattened stream x [B·T, d]; returns the
 * c_proj output [B·T, d] and this layer's cache. `headsShape` is [B, T, 3·n_head, head_dim].
 */
function attention(
  g: Graph,
  c: Gpt2Config,
  w: Gpt2Weights,
  prefix: string,
  x: Value,
  headsShape: Value,
  bias: Value,
  past: KeyValue | undefined,
): { out: Value; present: KeyValue } {
  const headDim = c.nEmbd / c.nHead;
  const qkv = conv1d(g, x, w[prefix + "c_attn.weight"], w[prefix + "c_attn.bias"]); // [B·T, 3d]
  // [B·T, 3d] → [B, T, 3H, head_dim] → q, k, v: [B, T, H, head_dim] → [B, H, T, head_dim]
  const [q0, k0, v0] = g.split(g.reshape(qkv, headsShape), 3, 2);
  const toHeads = (t: Value) => g.transpose(t, [0, 2, 1, 3]);
  // Scaling q by 1/sqrt(head_dim) before the product equals HF's scaling of q k^T after it.
  const q = g.mul(toHeads(q0), 1 / Math.sqrt(headDim));
  let k = toHeads(k0);
  let v = toHeads(v0);
  let kT: Value; // [B, H, head_dim, S]
  if (past) {
    k = g.concat([past.key, k], 2);
    v = g.concat([past.value, v], 2);
    kT = g.transposeLast2(k);
  } else {
    kT = g.transpose(k0, [0, 2, 3, 1]); // straight from [B, T, H, head_dim]: one transpose, not two
  }
  const scores = g.add(g.matmul(q, kT), bias); // [B, H, T, S]
  const y = g.matmul(g.softmax(scores, -1), v); // [B, H, T, head_dim]
  const merged = g.reshape(g.transpose(y, [0, 2, 1, 3]), [-1, c.nEmbd]); // [B·T, d]
  const out = conv1d(g, merged, w[prefix + "c_proj.weight"], w[prefix + "c_proj.bias"]);
  return { out, present: { key: k, value: v } };
}

/**
 * The same attention over a static cache with onnxruntime's Attention op, which also does
 * the c_attn projection (its weights use GPT-2's [d, 3d] layout): causal, the query at new
 * position i sees every unmasked cache slot and new positions ≤ i. `shape3d` is [B, T, d],
 * `capacity` the cache length as int64 [1]. Returns the c_proj output and the new tokens'
 * keys and values [2, B, H, T, head_dim].
 */
function cachedAttention(
  g: Graph,
  c: Gpt2Config,
  w: Gpt2Weights,
  prefix: string,
  x: Value,
  shape3d: Value,
  capacity: Value,
  cache: Value,
  keyPaddingMask: Value,
): { out: Value; update: Value } {
  g.domains[MS_DOMAIN] = 1;
  const [y, present] = g.op(
    "Attention",
    [g.reshape(x, shape3d), w[prefix + "c_attn.weight"], w[prefix + "c_attn.bias"], keyPaddingMask, cache],
    { num_heads: c.nHead, unidirectional: 1 },
    { domain: MS_DOMAIN, outputs: 2 },
  );
  const update = g.slice(present, capacity, g.ints([2 ** 62]), [3]); // the slots after the cache
  const out = conv1d(g, g.reshape(y, [-1, c.nEmbd]), w[prefix + "c_proj.weight"], w[prefix + "c_proj.bias"]);
  return { out, update };
}

function mlp(g: Graph, w: Gpt2Weights, prefix: string, x: Value, fusedGelu: boolean): Value {
  const hidden = fusedGelu
    ? fastGelu(g, g.matmul(x, w[prefix + "c_fc.weight"]), w[prefix + "c_fc.bias"])
    : geluNew(g, conv1d(g, x, w[prefix + "c_fc.weight"], w[prefix + "c_fc.bias"]));
  return conv1d(g, hidden, w[prefix + "c_proj.weight"], w[prefix + "c_proj.bias"]);
}

function layerNorm(g: Graph, c: Gpt2Config, w: Gpt2Weights, prefix: string, x: Value): Value {
  return g.layerNormalization(x, w[prefix + ".weight"], w[prefix + ".bias"], -1, c.layerNormEpsilon);
}

/** [B, T] of a [batch, seq] tensor followed by `tail`, as an int64 shape (constant when static). */
function batchSeqShape(g: Graph, ids: Value, tail: number[]): Value {
  const s = ids.shape;
  if (s && typeof s[0] === "number" && typeof s[1] === "number") return g.ints([s[0], s[1], ...tail]);
  return g.concat([g.shape(ids), g.ints(tail)], 0);
}

/**
 * GPT2Model: embeddings, the blocks, ln_f. Inside, the residual stream is kept flat as
 * [B·T, d], so every Conv1D is one 2-D MatMul + bias (one Gemm for onnxruntime).
 */
export function gpt2Backbone(g: Graph, c: Gpt2Config, w: Gpt2Weights, inputs: Gpt2Inputs): Gpt2Outputs {
  const { inputIds } = inputs;
  let positions: Value;
  if (inputs.positionIds) positions = g.gather(w["transformer.wpe.weight"], inputs.positionIds);
  else {
    const seq = inputIds.shape?.[1];
    if (typeof seq !== "number") throw new Error("gpt2Backbone: give positionIds when the sequence length is symbolic");
    positions = g.slice(w["transformer.wpe.weight"], [0], [seq], [0]); // [seq, d], broadcast over the batch
  }
  let bias = inputs.attentionBias;
  if (!bias && !inputs.staticCache) {
    const seq = inputIds.shape?.[1];
    if (typeof seq !== "number" || inputs.pastKeyValues) throw new Error("gpt2Backbone: give attentionBias when using a cache or a symbolic sequence length");
    bias = causalBias(g, seq, w["transformer.wte.weight"].dtype as FloatDType);
  }
  const headsShape = inputs.staticCache
    ? batchSeqShape(g, inputIds, [c.nEmbd]) // [B, T, d] for the Attention op
    : batchSeqShape(g, inputIds, [3 * c.nHead, c.nEmbd / c.nHead]);
  const capacity = inputs.staticCache ? g.shape(inputs.staticCache.layers[0], 3, 4) : null;

  const embeddings = g.add(g.gather(w["transformer.wte.weight"], inputIds), positions); // [B, T, d]
  let x = g.reshape(embeddings, [-1, c.nEmbd]); // [B·T, d]
  const presents: KeyValue[] = [];
  const cacheUpdates: Value[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const p = `transformer.h.${l}.`;
    const h = layerNorm(g, c, w, p + "ln_1", x);
    let attnOut: Value;
    if (inputs.staticCache) {
      const { keyPaddingMask, layers } = inputs.staticCache;
      const a = cachedAttention(g, c, w, p + "attn.", h, headsShape, capacity!, layers[l], keyPaddingMask);
      cacheUpdates.push(a.update);
      attnOut = a.out;
    } else {
      const a = attention(g, c, w, p + "attn.", h, headsShape, bias!, inputs.pastKeyValues?.[l]);
      presents.push(a.present);
      attnOut = a.out;
    }
    x = g.add(x, attnOut);
    x = g.add(x, mlp(g, w, p + "mlp.", layerNorm(g, c, w, p + "ln_2", x), inputs.fusedGelu ?? false));
  }
  const hidden = g.reshape(layerNorm(g, c, w, "transformer.ln_f", x), batchSeqShape(g, inputIds, [c.nEmbd]));
  return { hidden, presents, cacheUpdates };
}

/** lm_head tied to wte: logits = hidden @ wte^T, [batch, seq, vocab]. */
export function lmHead(g: Graph, w: Gpt2Weights, hidden: Value): Value {
  return g.matmul(hidden, g.transpose(w["transformer.wte.weight"], [1, 0]));
}
