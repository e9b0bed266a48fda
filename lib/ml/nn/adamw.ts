// AdamW as graph ops over flat tensors (see flat-params.ts), with global-norm gradient
// clipping first — the same arithmetic as torch.nn.utils.clip_grad_norm_ followed by
// torch.optim.AdamW:
//
//   g   ← g · min(1, maxGradNorm / (‖g‖₂ + 1e-6))
//   m   ← β1 m + (1 − β1) g            v ← β2 v + (1 − β2) g²
//   θ   ← θ (1 − lr·λ·decay)  −  lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
//
// `decay` is 1 for matrices and embeddings and 0 for biases and LayerNorm gains
// (decoupled weight decay, not applied to them). t is the 1-based step count.
import type { Graph, Value } from "../onnx";

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay λ. */
  weightDecay: number;
  /** Clip the global gradient norm to this; null disables clipping. */
  maxGradNorm: number | null;
}

/** torch.optim.AdamW's betas and eps, nanoGPT's weight decay, HF Trainer's max_grad_norm. */
export const DEFAULT_ADAMW: AdamWConfig = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.1,
  maxGradNorm: 1.0,
};

export interface AdamWInputs {
  weights: Value;
  grad: Value;
  m: Value;
  v: Value;
  /** Scalar learning rate. */
  lr: Value;
  /** Scalar 1-based step count (float). */
  step: Value;
  /** Same shape as weights: 1 where weight decay applies, 0 elsewhere. */
  decayMask: Value;
}

export interface AdamWOutputs {
  weights: Value;
  m: Value;
  v: Value;
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: Value;
}

export function adamW(g: Graph, x: AdamWInputs, cfg: AdamWConfig): AdamWOutputs {
  const gradNorm = g.sqrt(g.op1("ReduceSumSquare", [x.grad], { keepdims: 0 }, { shapes: [[]] }));
  // Scalars first (cheap), so each full-size tensor sees as few ops as possible.
  const clip = cfg.maxGradNorm === null ? g.scalar(1) : g.min(g.div(g.scalar(cfg.maxGradNorm), g.add(gradNorm, 1e-6)), 1);
  const bias1 = g.sub(1, g.pow(g.scalar(cfg.beta1), x.step));
  const bias2 = g.sub(1, g.pow(g.scalar(cfg.beta2), x.step));
  const stepSize = g.div(x.lr, bias1);
  const invSqrtBias2 = g.reciprocal(g.sqrt(bias2));

  // m ← β1 m + (1 − β1) c g;   v ← β2 v + (1 − β2) c² g²   (c: the clipping coefficient)
  const m = g.add(g.mul(x.m, cfg.beta1), g.mul(x.grad, g.mul(clip, 1 - cfg.beta1)));
  const v = g.add(g.mul(x.v, cfg.beta2), g.mul(g.mul(x.grad, x.grad), g.mul(g.mul(clip, clip), 1 - cfg.beta2)));
  const denom = g.add(g.mul(g.sqrt(v), invSqrtBias2), cfg.eps);
  let weights = x.weights;
  if (cfg.weightDecay !== 0) {
    // θ ← θ (1 − lr·λ·decay): decay is 0/1 per element.
    weights = g.sub(weights, g.mul(weights, g.mul(x.decayMask, g.mul(x.lr, cfg.weightDecay))));
  }
  weights = g.sub(weights, g.mul(g.div(m, denom), stepSize));
  return { weights, m, v, gradNorm };
}
