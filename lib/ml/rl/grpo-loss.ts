// GRPO's loss as a graph builder (TRL's GRPOTrainer.compute_loss), so one minibatch update is
// one ORT run: policy forward, this loss, backward (autodiff), then clipping and AdamW.
// Tensors are [B, T] over completion positions (mask 1 on real tokens), advantages [B]:
//
//   ratio   = exp(logp − logp_old)                      (logp_old = logp, no gradient, when on-policy)
//   l1      = −A·ratio,  l2 = −A·clip(ratio, 1 − ε, 1 + ε)
//   kl_k3   = exp(ref − logp) − (ref − logp) − 1         (Schulman's k3: ≥ 0, unbiased for KL(π‖π_ref))
//   per_tok = max(l1, l2) + β·kl_k3                      (= −min(ratio·A, clip(ratio)·A) + β·kl_k3)
//   loss    grpo:    mean_i( Σ_t per_tok·mask / Σ_t mask )          (each completion's token mean, then the mean)
//           bnpo:    Σ per_tok·mask / Σ mask                        (every real token of the minibatch alike)
//           dr_grpo: Σ per_tok·mask / (B · maxCompletionLength)
//   metrics (no gradient, token means over the minibatch as TRL logs them):
//           kl = masked_mean(kl_k3), clip_ratio = masked_mean(l2 > l1)
//
// The same A_i multiplies every token of completion i. With β = 0 no reference log-probabilities
// are needed (refLogprobs null) and `kl` is absent. Padding cannot poison the loss: the log-ratios
// there are replaced by 0 before exp (an overflow would give inf·0 = NaN), and padded entries are
// zeroed before they are summed.
import type { Graph, Value } from "../onnx";
import type { GrpoLossType } from "./grpo-config";
import { declarePpoBatch, policyLogprobs, type PpoBatchInputs } from "./ppo-graph";
import { maskedMeanOf } from "./ppo-loss";
import type { Gpt2Config } from "../nn/gpt2-config";
import type { LossOutputs } from "../train/train-step";
import type { PpoShape } from "./ppo-batch";

export interface GrpoLossInputs {
  /** log π_θ(token), [B, T]. */
  logprobs: Value;
  /** log π_old(token) from the sampling policy, [B, T]; null: on-policy (π_old = π_θ, no gradient). */
  oldLogprobs: Value | null;
  /** log π_ref(token), [B, T]; null when β = 0. */
  refLogprobs: Value | null;
  /** One advantage per completion, [B]. */
  advantages: Value;
  mask: Value;
}

export interface GrpoLossOptions {
  epsilon: number;
  beta: number;
  lossType: GrpoLossType;
  /** T, for dr_grpo's normalizer. */
  maxCompletionLength: number;
}

export interface GrpoLoss {
  loss: Value;
  /** masked_mean(kl_k3), null when β = 0. */
  kl: Value | null;
  /** Share of real tokens where the clipped term is the larger of the two (its gradient cut). */
  clipRatio: Value;
}

export function grpoLoss(g: Graph, x: GrpoLossInputs, o: GrpoLossOptions): GrpoLoss {
  if (o.beta > 0 && !x.refLogprobs) throw new Error("grpoLoss: β > 0 needs the reference log-probabilities");
  const dtype = x.logprobs.dtype;
  const zero = g.scalar(0, dtype);
  const real = g.greater(x.mask, g.scalar(0, x.mask.dtype));
  const old = x.oldLogprobs ?? g.stopGradient(x.logprobs);
  const ratio = g.exp(g.where(real, g.sub(x.logprobs, old), zero));
  const negAdv = g.neg(g.unsqueeze(x.advantages, [1])); // [B, 1]
  const l1 = g.mul(negAdv, ratio);
  const l2 = g.mul(negAdv, g.clip(ratio, 1 - o.epsilon, 1 + o.epsilon));
  let perToken = g.max(l1, l2);
  let kl: Value | null = null;
  if (o.beta > 0) {
    const d = g.where(real, g.sub(x.refLogprobs!, x.logprobs), zero);
    const k3 = g.sub(g.sub(g.exp(d), d), g.scalar(1, dtype));
    perToken = g.add(perToken, g.mul(k3, g.scalar(o.beta, dtype)));
    kl = maskedMeanOf(g, g.stopGradient(k3), x.mask);
  }
  const masked = g.mul(g.where(real, perToken, zero), x.mask);
  let loss: Value;
  if (o.lossType === "grpo") {
    const perSequence = g.div(g.reduceSum(masked, [1], false), g.max(g.reduceSum(x.mask, [1], false), g.scalar(1, x.mask.dtype)));
    loss = g.reduceMean(perSequence, null, false);
  } else if (o.lossType === "bnpo") {
    loss = maskedMeanOf(g, perToken, x.mask);
  } else {
    const rows = x.logprobs.shape?.[0];
    if (typeof rows !== "number") throw new Error("grpoLoss: dr_grpo needs a static batch dimension");
    loss = g.div(g.reduceSum(masked, null, false), g.scalar(rows * o.maxCompletionLength, dtype));
  }
  const clipped = g.cast(g.greater(g.stopGradient(l2), g.stopGradient(l1)), dtype);
  return { loss, kl, clipRatio: maskedMeanOf(g, clipped, x.mask) };
}

export interface GrpoUpdateSpec {
  policy: Gpt2Config;
  /** Rows per minibatch. */
  rows: number;
  shape: PpoShape;
  temperature: number;
  epsilon: number;
  beta: number;
  lossType: GrpoLossType;
  /** Whether the rollout's log-probabilities are fed (μ > 1 or several minibatches): else on-policy. */
  offPolicy: boolean;
}

/**
 * The update step's loss builder over the policy's weights (HF names): inputs the batch
 * (ppo-batch.ts layout), `advantages` [rows], `mask` [rows, R], `ref_logprobs` when β > 0 and
 * `old_logprobs` when off-policy. Metrics: kl (β > 0), clip_ratio, entropy (token means).
 */
export function grpoUpdateLoss(spec: GrpoUpdateSpec) {
  const { rows, shape } = spec;
  return (g: Graph, weights: Record<string, Value>): LossOutputs => {
    const x: PpoBatchInputs = declarePpoBatch(g, rows, shape);
    const resp = (name: string) => g.input(name, "float32", [rows, shape.responseLength]);
    const mask = resp("mask");
    const advantages = g.input("advantages", "float32", [rows]);
    const oldLogprobs = spec.offPolicy ? resp("old_logprobs") : null;
    const refLogprobs = spec.beta > 0 ? resp("ref_logprobs") : null;
    const { logprobs, entropy } = policyLogprobs(g, spec.policy, weights, x, shape, spec.temperature);
    const l = grpoLoss(g, { logprobs, oldLogprobs, refLogprobs, advantages, mask }, { ...spec, maxCompletionLength: shape.responseLength });
    return {
      loss: l.loss,
      metrics: {
        ...(l.kl ? { kl: l.kl } : {}),
        clip_ratio: l.clipRatio,
        entropy: maskedMeanOf(g, g.stopGradient(entropy), mask),
      },
    };
  };
}
