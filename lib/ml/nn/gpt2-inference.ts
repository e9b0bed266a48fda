// The inference graph of GPT-2 with a KV cache, in the input/output layout of Optimum's
// GPT-2 ONNX export (and so of transformers.js):
//
//   inputs   input_ids                  int64 [batch_size, sequence_length]
//            attention_mask             int64 [batch_size, past_sequence_length + sequence_length]
//            position_ids               int64 [batch_size, sequence_length]
//            past_key_values.N.key      float [batch_size, n_head, past_sequence_length, head_dim]
//            past_key_values.N.value    (same)
//   outputs  logits                     float [batch_size, sequence_length, vocab_size]
//            present.N.key / .value     float [batch_size, n_head, past_sequence_length + sequence_length, head_dim]
//
// The first call passes past tensors with past_sequence_length 0.
import { Graph, type TypedArray } from "../onnx";
import { declareGpt2Params, gpt2Backbone, lmHead, paddedCausalBias, type KeyValue } from "./gpt2";
import type { Gpt2Config } from "./gpt2-config";

export const BATCH = "batch_size";
export const SEQ = "sequence_length";
export const PAST = "past_sequence_length";
export const TOTAL = "past_sequence_length + sequence_length";

export const pastKeyName = (layer: number) => `past_key_values.${layer}.key`;
export const pastValueName = (layer: number) => `past_key_values.${layer}.value`;
export const presentKeyName = (layer: number) => `present.${layer}.key`;
export const presentValueName = (layer: number) => `present.${layer}.value`;

/** Builds the KV-cache graph; its params are the GPT-2 weights (HF names). */
export function buildGpt2InferenceGraph(c: Gpt2Config): Graph {
  const g = new Graph({ name: "gpt2_with_past" });
  const headDim = c.nEmbd / c.nHead;
  const inputIds = g.input("input_ids", "int64", [BATCH, SEQ]);
  const attentionMask = g.input("attention_mask", "int64", [BATCH, TOTAL]);
  const positionIds = g.input("position_ids", "int64", [BATCH, SEQ]);
  const past: KeyValue[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    past.push({
      key: g.input(pastKeyName(l), "float32", [BATCH, c.nHead, PAST, headDim]),
      value: g.input(pastValueName(l), "float32", [BATCH, c.nHead, PAST, headDim]),
    });
  }
  const w = declareGpt2Params(g, c);
  const attentionBias = paddedCausalBias(g, attentionMask, g.shape(inputIds, 1, 2));
  const { hidden, presents } = gpt2Backbone(g, c, w, { inputIds, positionIds, attentionBias, pastKeyValues: past });
  g.output(lmHead(g, w, hidden), "logits");
  presents.forEach((p, l) => {
    g.output(p.key, presentKeyName(l));
    g.output(p.value, presentValueName(l));
  });
  return g;
}

/** model.onnx bytes: the KV-cache graph with the weights baked in as initializers. */
export function exportGpt2Onnx(c: Gpt2Config, weights: Readonly<Record<string, TypedArray>>): Uint8Array {
  return buildGpt2InferenceGraph(c).toOnnx({
    paramValues: weights,
    outputShapes: true,
    producerName: "palate",
    docString: "GPT-2 with KV cache (Optimum / transformers.js input-output layout)",
  });
}
