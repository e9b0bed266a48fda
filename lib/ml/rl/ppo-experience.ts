// From a scored rollout to the update's targets, as TRL's PPOTrainer between its forward pass
// and its minibatch loop (the arithmetic is ppo-math.ts):
//
//   score    ← RM score − missing_eos_penalty   (responses that never emitted the end token)
//   reward_t = −β·kl_t,  + score on the last response token
//   (whiten rewards, without shifting the mean, if config.whitenRewards)
//   A, returns = GAE(rewards, values; γ, λ);   A ← whiten(A) over the real tokens
//
// and the rollout's metrics under TRL's names (objective/kl: the mean over episodes of the
// summed per-token KL; objective/entropy: of −Σ logp; …).
import { gae, ppoRewards, whiten } from "./ppo-math";
import type { PpoBatch } from "./ppo-batch";
import type { PpoConfig } from "./ppo-config";
import type { PpoScores } from "./ppo-score";
import type { PpoTargets } from "./ppo-update";

export interface PpoExperience {
  targets: PpoTargets;
  /** [B] scores after the missing-end-token penalty. */
  scores: Float32Array;
  /** Rollout metrics (TRL names): objective/kl, objective/entropy, objective/non_score_reward, objective/rlhf_reward, objective/scores, val/num_eos_tokens. */
  metrics: Record<string, number>;
  /** objective/kl: mean over episodes of Σ_t kl_t (what the adaptive β controller sees). */
  meanKl: number;
}

const mean = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length > 0 ? s / x.length : 0;
};

/** Rewards, advantages and returns of one scored rollout batch at KL coefficient `klCoef`. */
export function ppoExperience(
  batch: PpoBatch,
  scored: PpoScores,
  config: Pick<PpoConfig, "missingEosPenalty" | "klEstimator" | "whitenRewards" | "gamma" | "lam">,
  klCoef: number,
): PpoExperience {
  const B = batch.rows;
  const T = batch.shape.responseLength;
  const { mask } = batch;
  const scores = Float32Array.from(scored.scores, (s, b) => (batch.ended[b] ? s : s - config.missingEosPenalty));
  const {
    rewards: rawRewards,
    kl,
    nonScoreReward,
  } = ppoRewards({
    scores,
    logprobs: scored.logprobs,
    refLogprobs: scored.refLogprobs,
    mask,
    B,
    T,
    klCoef,
    estimator: config.klEstimator,
  });
  const rewards = config.whitenRewards ? whiten(rawRewards, mask, false) : rawRewards;
  const { advantages, returns } = gae({ rewards, values: scored.values, mask, B, T, gamma: config.gamma, lam: config.lam });
  const whitened = whiten(advantages, mask);

  const klSum = new Float32Array(B);
  const negLogp = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      klSum[b] += kl[i];
      negLogp[b] -= scored.logprobs[i];
    }
  }
  const meanKl = mean(klSum);
  const metrics: Record<string, number> = {
    "objective/kl": meanKl,
    "objective/entropy": mean(negLogp),
    "objective/non_score_reward": mean(nonScoreReward),
    "objective/rlhf_reward": mean(Float32Array.from(scores, (s, b) => s + nonScoreReward[b])),
    "objective/scores": mean(scores),
    "val/num_eos_tokens": batch.ended.filter(Boolean).length,
    // Beyond TRL's list: the mean response length (tokens, the end token included).
    "val/mean_response_length": mean(batch.responses.map((r) => r.length)),
  };
  return { targets: { logprobs: scored.logprobs, values: scored.values, advantages: whitened, returns }, scores, metrics, meanKl };
}
