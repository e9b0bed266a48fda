// The forward passes PPO's graphs share, over the batch layout of ppo-batch.ts:
//
//   bias        = padded causal mask from attention_mask             (once per graph)
//   policy      hidden = GPT2(input_ids, position_ids, bias)[:, P−1 : T−1]
//               logprobs, entropy = log_softmax(hidden @ wte^T / temperature)[response tokens]
//   value       values = (GPT2(...) @ score^T)[:, P−1 : T−1]
//   reward      score  = GPT2(...)[:, P : T] · last-token mask @ score^T
//
// Only the response positions go through the LM head (the prompt's logits are never read),
// which saves a vocab-sized matmul per prompt token.
import { Graph, float32, int64, type Tensor, type Value } from "../onnx";
import type { FlatLayout } from "../nn/flat-params";
import { gpt2Backbone, lmHead, paddedCausalBias } from "../nn/gpt2";
import type { Gpt2Config } from "../nn/gpt2-config";
import { SCORE_WEIGHT_NAME } from "../nn/reward-model";
import { valueHead } from "../nn/value-model";
import type { PpoBatch, PpoShape } from "./ppo-batch";
import { tokenLogprobs } from "./ppo-loss";

export interface PpoBatchInputs {
  inputIds: Value;
  positionIds: Value;
  attentionBias: Value;
  /** int64 [B, R]: the response tokens (input_ids[:, P:]). */
  responses: Value;
}

/**
 * Declares input_ids, attention_mask, position_ids [rows, T] (names prefixed by `prefix`, for a
 * second batch in the same graph) and derives the attention bias.
 */
export function declarePpoBatch(g: Graph, rows: number, shape: PpoShape, prefix = ""): PpoBatchInputs {
  const T = shape.promptLength + shape.responseLength;
  const inputIds = g.input(`${prefix}input_ids`, "int64", [rows, T]);
  const attentionMask = g.input(`${prefix}attention_mask`, "int64", [rows, T]);
  const positionIds = g.input(`${prefix}position_ids`, "int64", [rows, T]);
  const attentionBias = paddedCausalBias(g, attentionMask, g.ints([T]));
  const responses = g.slice(inputIds, [shape.promptLength], [T], [1]);
  return { inputIds, positionIds, attentionBias, responses };
}

/** The feeds of declarePpoBatch (of the same `prefix`). */
export function ppoBatchFeeds(batch: PpoBatch, prefix = ""): Record<string, Tensor> {
  const T = batch.shape.promptLength + batch.shape.responseLength;
  return {
    [`${prefix}input_ids`]: int64(batch.inputIds, [batch.rows, T]),
    [`${prefix}attention_mask`]: int64(batch.attentionMask, [batch.rows, T]),
    [`${prefix}position_ids`]: int64(batch.positionIds, [batch.rows, T]),
  };
}

/** Named views of a flat float input (one Slice + Reshape per parameter). */
export function flatWeightViews(g: Graph, flat: Value, layout: FlatLayout, prefix = ""): Record<string, Value> {
  const w: Record<string, Value> = {};
  for (const s of layout.slots) {
    w[s.name.slice(prefix.length)] = g.reshape(g.slice(flat, [s.offset], [s.offset + s.size], [0]), s.shape);
  }
  return w;
}

/** Named constants (frozen weights baked into the graph). */
export function constantWeights(
  g: Graph,
  weights: Readonly<Record<string, Float32Array>>,
  names: readonly { name: string; shape: number[] }[],
  prefix: string,
): Record<string, Value> {
  const w: Record<string, Value> = {};
  for (const s of names) {
    const data = weights[s.name];
    if (!data) throw new Error(`missing parameter ${s.name}`);
    w[s.name] = g.constant(data, s.shape, "float32", prefix + s.name);
  }
  return w;
}

function backbone(g: Graph, c: Gpt2Config, w: Record<string, Value>, x: PpoBatchInputs, fusedGelu: boolean): Value {
  return gpt2Backbone(g, c, w, { inputIds: x.inputIds, positionIds: x.positionIds, attentionBias: x.attentionBias, fusedGelu }).hidden;
}

/** Hidden states at P−1 … T−2: the states that predict (and value) each response token. */
function beforeResponse(g: Graph, hidden: Value, shape: PpoShape): Value {
  const P = shape.promptLength;
  return g.slice(hidden, [P - 1], [P - 1 + shape.responseLength], [1]);
}

/** Log-probabilities [B, R] of the response tokens under softmax(logits / temperature), and the entropy there. */
export function policyLogprobs(
  g: Graph,
  c: Gpt2Config,
  w: Record<string, Value>,
  x: PpoBatchInputs,
  shape: PpoShape,
  temperature: number,
  fusedGelu = true,
): { logprobs: Value; entropy: Value } {
  const logits = lmHead(g, w, beforeResponse(g, backbone(g, c, w, x, fusedGelu), shape)); // [B, R, V]
  return tokenLogprobs(g, logits, x.responses, temperature);
}

/** The value model's values [B, R] of the states before each response token. */
export function responseValues(g: Graph, c: Gpt2Config, w: Record<string, Value>, x: PpoBatchInputs, shape: PpoShape, fusedGelu = true): Value {
  return valueHead(g, w, beforeResponse(g, backbone(g, c, w, x, fusedGelu), shape));
}

/** The reward model's score [B] at each response's last token (`lastTokenMask` float [B, R]). */
export function responseScores(
  g: Graph,
  c: Gpt2Config,
  w: Record<string, Value>,
  x: PpoBatchInputs,
  shape: PpoShape,
  lastTokenMask: Value,
  fusedGelu = true,
): Value {
  const P = shape.promptLength;
  const hidden = g.slice(backbone(g, c, w, x, fusedGelu), [P], [P + shape.responseLength], [1]); // [B, R, d]
  const last = g.reduceSum(g.mul(hidden, g.unsqueeze(lastTokenMask, [2])), [1], false); // [B, d]
  return g.squeeze(g.matmul(last, g.transpose(w[SCORE_WEIGHT_NAME], [1, 0])), [1]);
}

/** A float [rows, R] feed. */
export function responseFeed(data: Float32Array, rows: number, shape: PpoShape): Tensor {
  return float32(data, [rows, shape.responseLength]);
}
