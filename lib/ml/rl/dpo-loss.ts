// DPO's losses as graph builders (Rafailov et al. 2023; TRL's DPOTrainer), so one optimizer step
// is one ORT run: the policy's log-probabilities of the chosen and the rejected completions of a
// batch of pairs (2B rows in one forward pass), these losses, backward.
//
//   log π(y|x)  = Σ_t mask_t · log π(y_t | x, y_<t)        over completion tokens only (the
//                                                          end token included, the prompt never)
//                 (IPO: divided by the number of completion tokens, as TRL's ipo does)
//   h           = (log π_c − log π_ref,c) − (log π_r − log π_ref,r)
//   sigmoid     = −(1 − ε)·log σ(β·h) − ε·log σ(−β·h)        (ε = label smoothing; 0: DPO)
//   ipo         = (h − 1/(2β))²                              (Azar et al. 2023, eq. 17)
//   loss        = Σ_pairs w·loss / Σ w                        (w: the pair's weight — how many
//                                                          rankings imply it — 0 for padding)
//
// and TRL's metrics, weighted the same way (no gradient):
//   rewards/chosen = mean β·(log π_c − log π_ref,c)   rewards/rejected = mean β·(log π_r − log π_ref,r)
//   rewards/accuracies = share with reward_c > reward_r   rewards/margins = mean reward_c − reward_r
//   logps/chosen = mean log π_c                          logps/rejected = mean log π_r
//
// The reference log-probabilities are inputs: computed once before training (dpo-score.ts).
// Dtype-generic: the float dtype of the log-probabilities is used throughout.
import type { FloatDType, Graph, Value } from "../onnx";
import type { Gpt2Config } from "../nn/gpt2-config";
import type { LossOutputs } from "../train/train-step";
import type { DpoLossType } from "./dpo-config";
import type { PpoShape } from "./ppo-batch";
import { declarePpoBatch, policyLogprobs } from "./ppo-graph";

/** Keeps Σ w = 0 (a batch of padding only) from dividing by zero. */
const EMPTY_FLOOR = 1e-12;

export interface DpoLossOptions {
  beta: number;
  lossType: DpoLossType;
  /** sigmoid only (default 0). */
  labelSmoothing?: number;
}

/**
 * Sequence log-probabilities [N] from token log-probabilities [N, R] and the completion mask
 * [N, R]: the masked sum, or (`average`) the masked mean per token (0 for a row without tokens).
 * Entries where mask is 0 never reach the sum.
 */
export function completionLogps(g: Graph, logprobs: Value, mask: Value, average: boolean): Value {
  const dtype = logprobs.dtype as FloatDType;
  const real = g.greater(mask, g.scalar(0, mask.dtype as FloatDType));
  const summed = g.reduceSum(g.mul(g.where(real, logprobs, g.scalar(0, dtype)), mask), [1], false);
  if (!average) return summed;
  return g.div(summed, g.max(g.reduceSum(mask, [1], false), g.scalar(1, dtype)));
}

/**
 * log(1 + eˣ) that neither overflows nor loses its gradient: x + log(1 + e⁻ˣ) for x > 0, else
 * log(1 + eˣ) (onnxruntime's Softplus overflows to inf past x ≈ 89 in float32). The branch not
 * taken may be inf; Where routes it a zero gradient, so nothing NaN flows back.
 */
export function stableSoftplus(g: Graph, x: Value): Value {
  const positive = g.greater(x, g.scalar(0, x.dtype as FloatDType));
  return g.where(positive, g.add(x, g.softplus(g.neg(x))), g.softplus(x));
}

export interface DpoLossInputs {
  /** log π of each pair's chosen / rejected completion under the policy being trained, [B]. */
  chosenLogps: Value;
  rejectedLogps: Value;
  /** The same under the frozen reference, [B]. */
  refChosenLogps: Value;
  refRejectedLogps: Value;
  /** Each pair's weight [B] (0 for padding rows). */
  weights: Value;
}

export interface DpoLoss {
  /** The weighted mean loss over the pairs. */
  loss: Value;
  /** TRL's metrics (scalars, no gradient): rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected. */
  rewardsChosen: Value;
  rewardsRejected: Value;
  rewardsAccuracies: Value;
  rewardsMargins: Value;
  logpsChosen: Value;
  logpsRejected: Value;
}

/** The sigmoid (DPO) or IPO loss of a batch of pairs, with TRL's metrics. */
export function dpoLoss(g: Graph, x: DpoLossInputs, o: DpoLossOptions): DpoLoss {
  const dtype = x.chosenLogps.dtype as FloatDType;
  const { beta } = o;
  if (!(beta > 0)) throw new Error(`dpoLoss: beta must be > 0, got ${beta}`);
  const smoothing = o.labelSmoothing ?? 0;
  const chosenRatio = g.sub(x.chosenLogps, x.refChosenLogps);
  const rejectedRatio = g.sub(x.rejectedLogps, x.refRejectedLogps);
  const h = g.sub(chosenRatio, rejectedRatio); // [B]
  let losses: Value;
  if (o.lossType === "ipo") {
    const d = g.sub(h, g.scalar(1 / (2 * beta), dtype));
    losses = g.mul(d, d);
  } else {
    const z = g.mul(h, g.scalar(beta, dtype));
    losses = stableSoftplus(g, g.neg(z)); // −log σ(βh)
    if (smoothing > 0) losses = g.add(g.mul(losses, g.scalar(1 - smoothing, dtype)), g.mul(stableSoftplus(g, z), g.scalar(smoothing, dtype)));
  }
  // Padding pairs (weight 0) never reach a sum: an overflowing loss there would give inf·0 = NaN.
  const real = g.greater(x.weights, g.scalar(0, dtype));
  const total = g.max(g.reduceSum(x.weights, null, false), g.scalar(EMPTY_FLOOR, dtype));
  const mean = (v: Value) => g.div(g.reduceSum(g.mul(g.where(real, v, g.scalar(0, dtype)), x.weights), null, false), total);
  const rc = g.stopGradient(g.mul(chosenRatio, g.scalar(beta, dtype)));
  const rr = g.stopGradient(g.mul(rejectedRatio, g.scalar(beta, dtype)));
  return {
    loss: mean(losses),
    rewardsChosen: mean(rc),
    rewardsRejected: mean(rr),
    rewardsAccuracies: mean(g.cast(g.greater(rc, rr), dtype)),
    rewardsMargins: mean(g.sub(rc, rr)),
    logpsChosen: mean(g.stopGradient(x.chosenLogps)),
    logpsRejected: mean(g.stopGradient(x.rejectedLogps)),
  };
}

/** Graph-safe output names of the step's metrics, and the TRL names they are logged under. */
export const DPO_GRAPH_METRICS = {
  rewards_chosen: "rewards/chosen",
  rewards_rejected: "rewards/rejected",
  rewards_accuracies: "rewards/accuracies",
  rewards_margins: "rewards/margins",
  logps_chosen: "logps/chosen",
  logps_rejected: "logps/rejected",
} as const;

export interface DpoStepSpec {
  policy: Gpt2Config;
  /** Pairs per batch: the graph's rows are 2·pairs (the chosen completions, then the rejected ones). */
  pairs: number;
  shape: PpoShape;
  loss: DpoLossOptions;
}

/**
 * The sequence log-probabilities [2B] of the batch rows under the weights `w` (chosen rows
 * 0 … B−1, rejected rows B … 2B−1), with the batch inputs declared on `g`: input_ids,
 * attention_mask, position_ids [2B, P + R] (ppo-batch.ts's layout: prompt left-padded to P,
 * completion right-padded to R) and mask [2B, R] (1 on completion tokens).
 */
export function batchLogps(g: Graph, c: Gpt2Config, w: Record<string, Value>, rows: number, shape: PpoShape, average: boolean): Value {
  const x = declarePpoBatch(g, rows, shape);
  const mask = g.input("mask", "float32", [rows, shape.responseLength]);
  const { logprobs } = policyLogprobs(g, c, w, x, shape, 1);
  return completionLogps(g, logprobs, mask, average);
}

/**
 * The loss builder of a DPO step (for TrainStep / GradientStep): the batch of batchLogps plus
 * ref_logps [2B] (the reference's, precomputed, laid out as the rows) and pair_weights [B].
 */
export function dpoStepLoss(spec: DpoStepSpec) {
  const B = spec.pairs;
  return (g: Graph, weights: Record<string, Value>): LossOutputs => {
    const logps = batchLogps(g, spec.policy, weights, 2 * B, spec.shape, spec.loss.lossType === "ipo");
    const refLogps = g.input("ref_logps", "float32", [2 * B]);
    const pairWeights = g.input("pair_weights", "float32", [B]);
    const chosen = (v: Value) => g.slice(v, [0], [B], [0]);
    const rejected = (v: Value) => g.slice(v, [B], [2 * B], [0]);
    const out = dpoLoss(
      g,
      {
        chosenLogps: chosen(logps),
        rejectedLogps: rejected(logps),
        refChosenLogps: chosen(refLogps),
        refRejectedLogps: rejected(refLogps),
        weights: pairWeights,
      },
      spec.loss,
    );
    return {
      loss: out.loss,
      metrics: {
        rewards_chosen: out.rewardsChosen,
        rewards_rejected: out.rewardsRejected,
        rewards_accuracies: out.rewardsAccuracies,
        rewards_margins: out.rewardsMargins,
        logps_chosen: out.logpsChosen,
        logps_rejected: out.logpsRejected,
      },
    };
  };
}
