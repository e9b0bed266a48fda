// Which metrics of a job kind share one chart, in one place: a kind listed here gets one panel per
// group (its series in this order, the sparse held-out ones marked) and every other metric it logs
// in the generic panels after them; a kind not listed gets only the generic panels (a metric with
// its `eval_` counterpart). Names are TRL's, as the jobs log them.
import { BEST_OF_N_JOB_KIND } from "@/lib/best-of-n/job-params";
import { PPO_JOB_KIND } from "@/lib/ppo/job-params";

// The kinds' names (GRPO_JOB_KIND, DPO_JOB_KIND) written out: their job-params modules reach
// server-only code, and this runs in the browser (tests/unit/grpo/app-views.test.ts keeps them equal).
const GRPO_JOB_KIND = "grpo";
const DPO_JOB_KIND = "dpo";

export interface MetricGroup {
  title: string;
  metrics: readonly string[];
  /** Every metric whose name starts with one of these joins the group too, after `metrics`, by name (GRPO's `rewards/<name>`, one per reward function). */
  prefixes?: readonly string[];
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
    { title: "Losses", metrics: ["loss/policy_avg", "loss/value_avg", "loss/ptx_avg"] },
    { title: "Clip fractions", metrics: ["policy/clipfrac_avg", "val/clipfrac_avg", "policy/approxkl_avg"] },
    { title: "Held-out win rate over the SFT model", metrics: ["eval_win_rate"] },
  ],
  // TRL's GRPOTrainer names (lib/ml/rl/train-grpo.ts GRPO_METRIC_NAMES); evaluations add eval_reward,
  // eval_reward_reference, eval_rewards/<name>, eval_accuracy(_reference), eval_completion_length.
  [GRPO_JOB_KIND]: [
    { title: "Reward", metrics: ["reward", "eval_reward", "eval_reward_reference"] },
    { title: "Reward functions", metrics: [], prefixes: ["rewards/", "eval_rewards/"] },
    { title: "Reward spread", metrics: ["reward_std", "frac_reward_zero_std"] },
    { title: "Held-out exact-answer accuracy", metrics: ["eval_accuracy", "eval_accuracy_reference"] },
    { title: "KL", metrics: ["kl"] },
    { title: "Completion length", metrics: ["completion_length", "eval_completion_length", "completions/clipped_ratio"] },
    { title: "Clip ratio", metrics: ["clip_ratio"] },
    { title: "Entropy", metrics: ["entropy"] },
  ],
  // TRL's DPOTrainer names (lib/ml/rl/train-dpo.ts DPO_METRIC_NAMES), held-out ones under eval_.
  [DPO_JOB_KIND]: [
    { title: "Loss", metrics: ["loss", "eval_loss"] },
    { title: "Rewards", metrics: ["rewards/chosen", "rewards/rejected", "eval_rewards/chosen", "eval_rewards/rejected"] },
    { title: "Margins", metrics: ["rewards/margins", "eval_rewards/margins"] },
    { title: "Accuracies", metrics: ["rewards/accuracies", "eval_rewards/accuracies"] },
    { title: "Log-probabilities", metrics: ["logps/chosen", "logps/rejected", "eval_logps/chosen", "eval_logps/rejected"] },
  ],
  // lib/best-of-n/run-best-of-n.ts: each batch's figures (step = prompts done), kept counted so far.
  [BEST_OF_N_JOB_KIND]: [
    { title: "Scores", metrics: ["mean_best_score", "mean_score"] },
    { title: "Pass rate", metrics: ["pass_rate"] },
    { title: "Kept so far", metrics: ["kept"] },
  ],
};

/** The chart groups of a job kind (none: generic panels only). */
export function metricGroupsOf(kind: string): readonly MetricGroup[] {
  return JOB_METRIC_GROUPS[kind] ?? [];
}
