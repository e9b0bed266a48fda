// PPO's losses as graph builders (TRL's PPOTrainer), so one minibatch update is one ORT
// train-step session: policy and value forward, these losses, backward, AdamW.
// Every tensor is [B, T] over response positions; mask is 1 on real tokens, 0 on padding.
//
//   logprobs = log_softmax(logits / temperature)[token]       (tokenLogprobs; entropy as a metric)
//   policy:  ratio = exp(logp − logp_old)
//            pg1 = −A·ratio,  pg2 = −A·clip(ratio, 1 − ε, 1 + ε)
//            loss = masked_mean(max(pg1, pg2))                 (the clipped surrogate, negated)
//            clipfrac = masked_mean(pg2 > pg1),  approxkl = ½·masked_mean((logp − logp_old)²)
//   value:   v_clipped = v_old + clip(v − v_old, −c, c)
//            loss = ½·masked_mean(max((v − R)², (v_clipped − R)²))
//            clipfrac = masked_mean((v_clipped − R)² > (v − R)²)
//   masked_mean(x) = Σ(x·mask) / Σ mask                        (0 for an all-padding batch)
//
// Padding cannot poison a loss: entries where mask is 0 are replaced by 0 before they are
// summed (an overflowing ratio on a pad token would otherwise give inf·0 = NaN), and the
// ratio there is exp(0) = 1. Metrics (clipfrac, approxkl, ratio, entropy) carry no gradient.
// Dtype-generic: the float dtype of `logprobs` / `values` / `logits` is used throughout.
import type { Graph, Value } from "../onnx";

/** Below any real token count; keeps Σ mask = 0 from dividing by zero. */
const EMPTY_MASK_FLOOR = 1e-12;

/** Σ(x·mask) / Σ mask over all entries, a scalar; entries where mask is 0 never reach the sum. */
export function maskedMeanOf(g: Graph, x: Value, mask: Value): Value {
  const real = g.greater(mask, g.scalar(0, mask.dtype));
  const masked = g.mul(g.where(real, x, g.scalar(0, x.dtype)), mask);
  const count = g.max(g.reduceSum(mask, null, false), g.scalar(EMPTY_MASK_FLOOR, mask.dtype));
  return g.div(g.reduceSum(masked, null, false), count);
}

export interface PpoPolicyLossInputs {
  /** log π(token) under the policy being trained, [B, T]. */
  logprobs: Value;
  /** log π_old(token) from the rollout, [B, T]. */
  oldLogprobs: Value;
  /** Whitened GAE advantages, [B, T]. */
  advantages: Value;
  mask: Value;
}

export interface PpoPolicyLoss {
  /** masked_mean(max(−A·ratio, −A·clip(ratio, 1 − ε, 1 + ε))): TRL's `pg_loss`. */
  loss: Value;
  /** Share of real tokens where the clipped term is the larger (`policy/clipfrac_avg`). */
  clipfrac: Value;
  /** ½·masked_mean((logp − logp_old)²) (`policy/approxkl_avg`). */
  approxkl: Value;
  /** masked_mean(ratio) (`val/ratio`). */
  ratio: Value;
}

/** The clipped surrogate objective of Schulman et al. 2017, as a loss to minimize. */
export function ppoPolicyLoss(g: Graph, x: PpoPolicyLossInputs, cliprange: number): PpoPolicyLoss {
  const dtype = x.logprobs.dtype;
  const real = g.greater(x.mask, g.scalar(0, x.mask.dtype));
  const diff = g.where(real, g.sub(x.logprobs, x.oldLogprobs), g.scalar(0, dtype));
  const ratio = g.exp(diff);
  const negAdv = g.neg(x.advantages);
  const pg1 = g.mul(negAdv, ratio);
  const pg2 = g.mul(negAdv, g.clip(ratio, 1 - cliprange, 1 + cliprange));
  const loss = maskedMeanOf(g, g.max(pg1, pg2), x.mask);
  const clipped = g.cast(g.greater(g.stopGradient(pg2), g.stopGradient(pg1)), dtype);
  const d = g.stopGradient(diff);
  return {
    loss,
    clipfrac: maskedMeanOf(g, clipped, x.mask),
    approxkl: g.mul(maskedMeanOf(g, g.mul(d, d), x.mask), g.scalar(0.5, dtype)),
    ratio: maskedMeanOf(g, g.stopGradient(ratio), x.mask),
  };
}

export interface PpoValueLossInputs {
  /** The value model's predictions now, [B, T]. */
  values: Value;
  /** Its predictions at the rollout, [B, T]. */
  oldValues: Value;
  /** GAE returns (advantages + old values, before whitening), [B, T]. */
  returns: Value;
  mask: Value;
}

export interface PpoValueLoss {
  /** ½·masked_mean(max((v − R)², (v_clipped − R)²)): TRL's `vf_loss` (`loss/value_avg`). */
  loss: Value;
  /** Share of real tokens where the clipped error is the larger (`val/clipfrac_avg`). */
  clipfrac: Value;
}

/** The clipped value loss (predictions kept within `cliprangeValue` of the rollout's). */
export function ppoValueLoss(g: Graph, x: PpoValueLossInputs, cliprangeValue: number): PpoValueLoss {
  const dtype = x.values.dtype;
  const clippedValues = g.add(x.oldValues, g.clip(g.sub(x.values, x.oldValues), -cliprangeValue, cliprangeValue));
  const e1 = g.sub(x.values, x.returns);
  const e2 = g.sub(clippedValues, x.returns);
  const l1 = g.mul(e1, e1);
  const l2 = g.mul(e2, e2);
  const loss = g.mul(maskedMeanOf(g, g.max(l1, l2), x.mask), g.scalar(0.5, dtype));
  const clipped = g.cast(g.greater(g.stopGradient(l2), g.stopGradient(l1)), dtype);
  return { loss, clipfrac: maskedMeanOf(g, clipped, x.mask) };
}

export interface TokenLogprobs {
  /** log softmax(logits / temperature) at each token, [B, T]. */
  logprobs: Value;
  /** Entropy of softmax(logits / temperature) at each position, [B, T] (no gradient). */
  entropy: Value;
}

/**
 * Log-probabilities of `tokens` (int64 [B, T]) under softmax(logits / temperature), logits
 * [B, T, V], and the entropy of each position's distribution. LogSoftmax + GatherElements:
 * the gradient is one [B, T, V] scatter, no one-hot.
 */
export function tokenLogprobs(g: Graph, logits: Value, tokens: Value, temperature: number): TokenLogprobs {
  if (!(temperature > 0)) throw new Error(`tokenLogprobs: temperature must be > 0, got ${temperature}`);
  const scaled = temperature === 1 ? logits : g.div(logits, g.scalar(temperature, logits.dtype));
  const lsm = g.logSoftmax(scaled, -1);
  const logprobs = g.squeeze(g.gatherElements(lsm, g.unsqueeze(tokens, [-1]), -1), [-1]);
  const fixed = g.stopGradient(lsm);
  const entropy = g.neg(g.reduceSum(g.mul(g.exp(fixed), fixed), [-1], false));
  return { logprobs, entropy };
}
