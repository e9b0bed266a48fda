// GRPO's advantages: each completion's reward against the others sampled for the same prompt
// (Shao et al. 2024; TRL's GRPOTrainer._generate_and_score_completions). Pure functions of
// arrays; rewards come in group after group (G consecutive completions share a prompt).
//
//   mean_g = mean(r_group)
//   std_g  = sample standard deviation of r_group (n − 1 in the denominator, as torch.std)
//   A_i    = (r_i − mean_g) / (std_g + eps)          scale "group" (eps = 1e-4, TRL's)
//   A_i    = (r_i − mean_g) / (std_batch + eps)      scale "batch" (std of every reward of the batch)
//   A_i    =  r_i − mean_g                           scale "none"  (Dr. GRPO)
//
// A group whose rewards are all equal carries no signal: its advantages are exactly 0. The
// same A_i is used at every token of completion i.
import type { ScaleRewards } from "./grpo-config";

/** TRL's constant: keeps a zero-variance group's division finite. */
export const GRPO_ADVANTAGE_EPS = 1e-4;

export interface GroupAdvantages {
  /** One per completion, in the rewards' order. */
  advantages: Float64Array;
  /** Per group (prompt): the mean and sample standard deviation of its rewards. */
  groupMean: Float64Array;
  groupStd: Float64Array;
}

/** Group-normalized advantages of `rewards` (length a multiple of `groupSize`). */
export function groupAdvantages(rewards: readonly number[], groupSize: number, scale: ScaleRewards = "group", eps = GRPO_ADVANTAGE_EPS): GroupAdvantages {
  if (!Number.isInteger(groupSize) || groupSize < 2) throw new Error(`groupAdvantages: groups need at least 2 completions, got ${groupSize}`);
  if (rewards.length % groupSize !== 0) throw new Error(`groupAdvantages: ${rewards.length} rewards do not split into groups of ${groupSize}`);
  const groups = rewards.length / groupSize;
  const advantages = new Float64Array(rewards.length);
  const groupMean = new Float64Array(groups);
  const groupStd = new Float64Array(groups);
  const batchStd = scale === "batch" ? sampleStd(rewards) : 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    let sum = 0;
    for (let i = 0; i < groupSize; i++) sum += rewards[start + i];
    const mean = sum / groupSize;
    let sq = 0;
    for (let i = 0; i < groupSize; i++) sq += (rewards[start + i] - mean) ** 2;
    // An all-equal group: exactly 0 (its floating-point mean may differ from the rewards by an ulp).
    let allEqual = true;
    for (let i = 1; i < groupSize; i++) if (rewards[start + i] !== rewards[start]) allEqual = false;
    const std = allEqual ? 0 : Math.sqrt(sq / (groupSize - 1));
    groupMean[g] = mean;
    groupStd[g] = std;
    for (let i = 0; i < groupSize; i++) {
      const centered = rewards[start + i] - mean;
      advantages[start + i] = allEqual ? 0 : scale === "group" ? centered / (std + eps) : scale === "batch" ? centered / (batchStd + eps) : centered;
    }
  }
  return { advantages, groupMean, groupStd };
}

/** Sample standard deviation (n − 1; 0 for fewer than two values). */
function sampleStd(x: readonly number[]): number {
  if (x.length < 2) return 0;
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
}

export interface RewardFigures {
  /** Mean total reward (TRL's `reward`). */
  reward: number;
  /** Mean over groups of the within-group standard deviation (TRL's `reward_std`). */
  reward_std: number;
  /** Share of groups whose rewards are all equal (TRL's `frac_reward_zero_std`). */
  frac_reward_zero_std: number;
}

/** The batch's reward figures, from the rewards and their group statistics. */
export function rewardFigures(rewards: readonly number[], a: GroupAdvantages): RewardFigures {
  const mean = (x: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    return x.length === 0 ? 0 : s / x.length;
  };
  let zero = 0;
  for (const s of a.groupStd) if (s === 0) zero++;
  return { reward: mean(rewards), reward_std: mean(a.groupStd), frac_reward_zero_std: a.groupStd.length === 0 ? 0 : zero / a.groupStd.length };
}
