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
  [PPO_JOB_KIND]: [
    { title: "Reward", metrics: ["objective/scores", "objective/rlhf_reward", "eval/score", "eval/reference_score"] },
    { title: "KL", metrics: ["objective/kl", "eval/kl"] },
    { title: "Entropy", metrics: ["objective/entropy", "policy/entropy_avg"] },
    { title: "Losses", metrics: ["loss/policy_avg", "loss/value_avg"] },
    { title: "Clip fractions", metrics: ["policy/clipfrac_avg", "val/clipfrac_avg", "policy/approxkl_avg"] },
  ],
};

/** The chart groups of a job kind (none: generic panels only). */
export function metricGroupsOf(kind: string): readonly MetricGroup[] {
  return JOB_METRIC_GROUPS[kind] ?? [];
}
