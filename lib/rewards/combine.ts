// A run's reward: the weighted sum of its rule reward functions (and of any terms the caller
// scores itself, such as a reward model), with each function's own value kept for its metric.
//
//   const rewards = combineRewards("accuracy,format=0.5", { external: [{ name: "reward_model", weight: 1 }] });
//   const { reward, values } = rewards.score({ prompt, completion, reference }, { reward_model: 0.37 });
//   // reward = 1·accuracy + 0.5·format + 1·reward_model; values = { accuracy, format, reward_model }
//   rewardMetrics(allScores)  // { "rewards/accuracy": mean, "rewards/format": mean, "rewards/reward_model": mean }
//
// GRPO logs each function's mean as its own metric, `rewards/<name>`, beside `reward` and
// `reward_std` (TRL's names).
import { rewardFunction } from "./registry";
import type { RewardInput } from "./reward-function";
import { parseRewardSpec, resolveRewardTerms, RewardSpecError, type RewardTerm } from "./spec";

/**
 * A term the caller scores itself and passes to `score` by name (a reward model: batched, async,
 * not a pure function of text). Its name must differ from the rule functions' names.
 */
export interface ExternalRewardTerm {
  name: string;
  weight: number;
}

/** One sample's reward: the weighted sum, and each term's unweighted value by name. */
export interface RewardScores {
  reward: number;
  values: Record<string, number>;
}

export interface CombinedReward {
  /** The rule functions, resolved (parameters with their defaults). */
  readonly rules: readonly RewardTerm[];
  readonly external: readonly ExternalRewardTerm[];
  /** Every term's name, rules first, in the order given. */
  readonly names: readonly string[];
  /** Scores one sample; `external` gives each external term's value (a missing one throws). */
  score(input: RewardInput, external?: Readonly<Record<string, number>>): RewardScores;
}

export function combineRewards(spec: string | readonly RewardTerm[], options: { external?: readonly ExternalRewardTerm[] } = {}): CombinedReward {
  const rules = typeof spec === "string" ? parseRewardSpec(spec) : resolveRewardTerms(spec);
  const external = [...(options.external ?? [])];
  const names = [...rules.map((r) => r.name), ...external.map((e) => e.name)];
  for (const e of external) {
    if (!Number.isFinite(e.weight)) throw new RewardSpecError(`${e.name}: the weight must be a finite number, got ${e.weight}`);
    if (names.indexOf(e.name) !== names.lastIndexOf(e.name)) throw new RewardSpecError(`reward term "${e.name}" is given twice`);
  }
  const scorers = rules.map((term) => {
    const f = rewardFunction(term.name)!;
    return { term, score: (input: RewardInput) => f.score(input, term.params) };
  });
  return {
    rules,
    external,
    names,
    score(input, given = {}) {
      const values: Record<string, number> = {};
      let reward = 0;
      for (const { term, score } of scorers) {
        const value = score(input);
        values[term.name] = value;
        reward += term.weight * value;
      }
      for (const e of external) {
        const value = given[e.name];
        if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`no value given for the reward term "${e.name}"`);
        values[e.name] = value;
        reward += e.weight * value;
      }
      return { reward, values };
    },
  };
}

/** The metric name of a term's mean: `rewards/<name>`. */
export function rewardMetricName(name: string): string {
  return `rewards/${name}`;
}

/** Each term's mean over a batch of scores, as metrics (`rewards/accuracy`, …); an empty batch gives none. */
export function rewardMetrics(scores: readonly RewardScores[]): Record<string, number> {
  if (scores.length === 0) return {};
  const sums: Record<string, number> = {};
  for (const s of scores) for (const [name, v] of Object.entries(s.values)) sums[name] = (sums[name] ?? 0) + v;
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [rewardMetricName(name), sum / scores.length]));
}
