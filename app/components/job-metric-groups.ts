// Which metrics of a job kind share one chart, in one place: a kind listed here gets one panel per
// group (its series in this order, the sparse held-out ones marked) and every other metric it logs
// in the generic panels after them; a kind not listed gets only the generic panels (a metric with
// its `eval_` counterpart). Names are TRL's, as the jobs log them.
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";

export interface MetricGroup {
  title: string;
  metrics: readonly string[];
}

export const JOB_METRIC_GROUPS: Readonly<Record<string, readonly MetricGroup[]>> = {
  // Held-out figures as the trainer logs them, with TRL's eval_ prefix (eval_scores, eval_kl, …).
  [PPO_JOB_KIND]: [
    {
      title: "Reward",
      metrics: ["objective/scores", "objective/rlhf_reward", "eval_scores", "eval_scores_reference"],
    },
    { title: "KL", metrics: ["objective/kl", "eval_kl"] },
    { title: "Entropy", metrics: ["objective/entropy", "policy/entropy_avg"] },
    { title: "Losses", metrics: ["loss/policy_avg", "loss/value_avg"] },
    { title: "Clip fractions", metrics: ["policy/clipfrac_avg", "val/clipfrac_avg", "policy/approxkl_avg"] },
    { title: "Held-out win rate over the SFT model", metrics: ["eval_win_rate"] },
  ],
};

/** The chart groups of a job kind (none: generic panels only). */
export function metricGroupsOf(kind: string): readonly MetricGroup[] {
  return JOB_METRIC_GROUPS[kind] ?? [];
}
