// InstructGPT's reward-model loss over a whole ranking. One batch element is one ranking of
// K completions; every pair the ranking implies (a better group over a worse one; ties give
// none) contributes −log σ(r_chosen − r_rejected − margin), averaged over all pairs of the
// batch. An optional centring term c·mean((r_chosen + r_rejected)²) keeps rewards near zero.
// A per-ranking margin m_b (a pairwise answer's strength; TRL's `margin` column) can be
// subtracted too: −log σ(r_chosen − r_rejected − margin − m_b). It is an input like the rewards'
// batch, so the gradient keeps its form: ∂/∂Δ = −σ(−(Δ − margin − m_b)).
import type { FloatDType, Graph, Value } from "../onnx";

/**
 * The pair matrix of one ranking, row-major [K, K]: entry (i, j) is 1 when completion i is
 * ranked above completion j. `groups` lists completion indices (0..K-1), best group first;
 * indices in one group are tied. Completions not in any group take part in no pair.
 */
export function preferenceMatrix(groups: readonly (readonly number[])[], k: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let a = 0; a < groups.length; a++) {
    for (let b = a + 1; b < groups.length; b++) {
      for (const i of groups[a]) for (const j of groups[b]) m[i * k + j] = 1;
    }
  }
  return m;
}

export interface RankingLossOptions {
  /** Subtracted from every reward difference (a required margin); default 0. */
  margin?: number;
  /** Coefficient c of the centring term; default 0 (off). */
  centring?: number;
  /** Per-ranking margins [B] (no gradient flows into them), subtracted from the reward differences of that ranking's pairs. */
  margins?: Value;
}

export interface RankingLoss {
  /** Scalar: mean over pairs of −log σ(Δ − margin), plus the centring term. */
  loss: Value;
  /** Share of pairs with r_chosen > r_rejected. */
  accuracy: Value;
  /** Mean of r_chosen − r_rejected over pairs. */
  margin: Value;
}

/**
 * rewards [B, K]; preferences [B, K, K] (preferenceMatrix per row, 0/1). Rankings with no pair
 * add nothing; a batch with no pair at all gives loss 0 (the pair count is clamped to 1).
 */
export function rankingLoss(g: Graph, rewards: Value, preferences: Value, options: RankingLossOptions = {}): RankingLoss {
  const dtype = rewards.dtype as FloatDType;
  const chosen = g.unsqueeze(rewards, [2]); // [B, K, 1]: r_i
  const rejected = g.unsqueeze(rewards, [1]); // [B, 1, K]: r_j
  const diff = g.sub(chosen, rejected); // [B, K, K]: r_i − r_j
  const pairs = g.max(g.reduceSum(preferences, null, false), g.scalar(1, dtype));
  const meanOverPairs = (x: Value) => g.div(g.reduceSum(g.mul(preferences, x), null, false), pairs);

  let shifted = options.margin ? g.sub(diff, g.scalar(options.margin, dtype)) : diff;
  if (options.margins) shifted = g.sub(shifted, g.unsqueeze(options.margins, [1, 2])); // [B] → [B, 1, 1]
  let loss = meanOverPairs(g.softplus(g.neg(shifted))); // −log σ(x) = softplus(−x)
  if (options.centring) {
    const sum = g.add(chosen, rejected);
    loss = g.add(loss, g.mul(meanOverPairs(g.mul(sum, sum)), g.scalar(options.centring, dtype)));
  }
  const wins = g.cast(g.greater(diff, g.scalar(0, dtype)), dtype);
  return { loss, accuracy: meanOverPairs(g.stopGradient(wins)), margin: meanOverPairs(g.stopGradient(diff)) };
}
