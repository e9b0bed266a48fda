// Next-token cross-entropy with a loss mask (HF's shifted CrossEntropyLoss, ignore_index
// replaced by a 0/1 mask): loss = Σ mask·(−log softmax(logits)[label]) / max(Σ mask, 1).
// `labels[b, t]` is the token that follows position t (already shifted), so SFT trains on
// answer tokens only by zeroing the mask over the prompt.
import type { Graph, Value } from "../onnx";

export interface MaskedCrossEntropy {
  /** Scalar mean negative log-likelihood over the masked tokens. */
  loss: Value;
  /**
   * d loss / d logits, [B, T, V], derived by hand: (softmax(logits) − one-hot(label)) ·
   * mask / max(Σ mask, 1) — three passes over the logits instead of autodiff's six.
   */
  logitsGrad: Value;
  /** [batch, seq] −log p(label) at every position (masked or not). */
  tokenNll: Value;
  /** Scalar Σ mask (the number of tokens averaged over). */
  tokenCount: Value;
}

/** logits [B, T, V] float, labels [B, T] int64, lossMask [B, T] float (1 = counts). */
export function maskedCrossEntropy(g: Graph, logits: Value, labels: Value, lossMask: Value): MaskedCrossEntropy {
  const logProbs = g.logSoftmax(logits, -1);
  const picked = g.gatherElements(logProbs, g.unsqueeze(labels, [-1]), -1); // [B, T, 1]
  const tokenNll = g.neg(g.squeeze(picked, [-1]));
  const tokenCount = g.reduceSum(lossMask, null, false);
  const denominator = g.max(tokenCount, 1);
  const loss = g.div(g.reduceSum(g.mul(tokenNll, lossMask), null, false), denominator);
  const weight = g.unsqueeze(g.div(lossMask, denominator), [-1]); // [B, T, 1]
  const logitsGrad = g.scatterElements(g.mul(g.exp(logProbs), weight), g.unsqueeze(labels, [-1]), g.neg(weight), -1, "add");
  return { loss, logitsGrad, tokenNll, tokenCount };
}
