// A reward model as transformers' GPT2ForSequenceClassification with one label: the GPT-2
// backbone, then a bias-free linear `score` head [1, d] on every position, read at the last
// non-padding token of each sequence:
//
//   hidden = GPT2Model(input_ids)                 [B, T, d]
//   logits = hidden @ score.weight^T              [B, T, 1]
//   reward = logits[b, last(b)]                   last(b): the last position holding a token
//
// Sequences are right-padded (pad id = eos = 0) and end with `<|end|>`. Under the causal mask
// the padding after the last token never reaches it, so training uses a constant causal bias
// and a one-hot selection of the last token; the exported graph masks padding keys
// (paddedCausalBias) and finds the last token from attention_mask.
import { Graph, type FloatDType, type TypedArray, type Value } from "../onnx";
import { declareGpt2Params, gpt2Backbone, paddedCausalBias } from "./gpt2";
import { gpt2ParamSpecs, type Gpt2Config, type ParamSpec } from "./gpt2-config";

/** The score head's parameter name and shape (as lib/ml/io's SCORE_WEIGHT). */
export const SCORE_WEIGHT_NAME = "score.weight";

/** GPT2ForSequenceClassification's parameters: GPT-2's, then `score.weight` [1, d] (decayed, as a Linear weight). */
export function rewardModelParamSpecs(c: Gpt2Config): ParamSpec[] {
  return [...gpt2ParamSpecs(c), { name: SCORE_WEIGHT_NAME, shape: [1, c.nEmbd], decay: true }];
}

export interface RewardScoreInputs {
  /** int64 [B, T], right-padded. */
  inputIds: Value;
  /**
   * float [B, T]: 1 at the position whose score is the reward (the last token), 0 elsewhere.
   * An all-zero row gives reward 0 (a dummy sequence).
   */
  lastTokenMask: Value;
  /** Default: the constant causal mask (enough for right padding). */
  attentionBias?: Value;
  /** Default 0..T-1. */
  positionIds?: Value;
  /** onnxruntime's fused FastGelu (training graphs only; not in model.onnx). */
  fusedGelu?: boolean;
}

/** The scores of every position, [B, T]: hidden @ score.weight^T. */
export function scoreHead(g: Graph, w: Readonly<Record<string, Value>>, hidden: Value): Value {
  const logits = g.matmul(hidden, g.transpose(w[SCORE_WEIGHT_NAME], [1, 0])); // [B, T, 1]
  return g.squeeze(logits, [2]);
}

/**
 * The reward of each sequence, [B]: the score head applied to the hidden state selected by
 * `lastTokenMask`. (Selecting first and projecting second is the same arithmetic as HF's
 * projecting every position and gathering, with T times fewer multiplications.)
 */
export function rewardScores(g: Graph, c: Gpt2Config, w: Readonly<Record<string, Value>>, inputs: RewardScoreInputs): Value {
  const { hidden } = gpt2Backbone(g, c, w, {
    inputIds: inputs.inputIds,
    attentionBias: inputs.attentionBias,
    positionIds: inputs.positionIds,
    fusedGelu: inputs.fusedGelu,
  });
  const last = g.reduceSum(g.mul(hidden, g.unsqueeze(inputs.lastTokenMask, [2])), [1], false); // [B, d]
  return g.squeeze(g.matmul(last, g.transpose(w[SCORE_WEIGHT_NAME], [1, 0])), [1]); // [B]
}

export const RM_BATCH = "batch";
export const RM_SEQ = "sequence";

/**
 * The standalone scoring graph (model.onnx of a reward-model directory), standard opset-18 ops:
 *   input_ids int64 [batch, sequence], attention_mask int64 [batch, sequence]
 *   → logits float32 [batch, 1], the score at the last position whose attention_mask is 1.
 * Padding keys are masked, so left or middle padding scores like the unpadded sequence too
 * (positions are 0..T-1, as transformers uses without position_ids).
 */
export function buildRewardModelGraph(c: Gpt2Config, dtype: FloatDType = "float32"): Graph {
  const g = new Graph({ name: "gpt2_for_sequence_classification" });
  const inputIds = g.input("input_ids", "int64", [RM_BATCH, RM_SEQ]);
  const attentionMask = g.input("attention_mask", "int64", [RM_BATCH, RM_SEQ]);
  const w: Record<string, Value> = declareGpt2Params(g, c, dtype);
  w[SCORE_WEIGHT_NAME] = g.param(SCORE_WEIGHT_NAME, [1, c.nEmbd], dtype);

  const seqLen = g.shape(inputIds, 1, 2); // int64 [1]
  const positions = g.range(0, g.squeeze(seqLen, [0]), 1); // [T]
  const positionIds = g.unsqueeze(positions, [0]); // [1, T], broadcast over the batch
  const attentionBias = paddedCausalBias(g, attentionMask, seqLen, dtype);
  const { hidden } = gpt2Backbone(g, c, w, { inputIds, positionIds, attentionBias });

  // last(b) = max_t (t · attention_mask[b, t]); a one-hot row selects it.
  const last = g.reduceMax(g.mul(attentionMask, g.unsqueeze(positions, [0])), [1], true); // [B, 1]
  const select = g.cast(g.equal(g.unsqueeze(positions, [0]), last), dtype); // [B, T]
  const selected = g.reduceSum(g.mul(hidden, g.unsqueeze(select, [2])), [1], false); // [B, d]
  const logits = g.matmul(selected, g.transpose(w[SCORE_WEIGHT_NAME], [1, 0])); // [B, 1]
  g.output(logits, "logits");
  return g;
}

/** model.onnx bytes of a reward model: the scoring graph with the weights baked in. */
export function exportRewardModelOnnx(c: Gpt2Config, weights: Readonly<Record<string, TypedArray>>): Uint8Array {
  if (!weights[SCORE_WEIGHT_NAME]) throw new Error(`exportRewardModelOnnx: missing ${SCORE_WEIGHT_NAME}`);
  return buildRewardModelGraph(c).toOnnx({
    paramValues: weights,
    outputShapes: true,
    producerName: "palate",
    docString: "GPT2ForSequenceClassification (1 label): input_ids, attention_mask → logits [batch, 1] at the last attended token",
  });
}
