// What each raw metric key of a reward model means: one table for the model page (labels and
// tooltips), and anything else that prints these keys. Names follow TRL's RewardTrainer (train
// metrics bare, held-out ones with the eval_ prefix); a "pair" is one comparison an annotator's
// ranking implies: completion A ranked above completion B of the same prompt.

export interface MetricMeaning {
  /** A short label for tables. */
  label: string;
  /** One or two sentences: what the number is, over what. */
  meaning: string;
}

/** What "a pair" means wherever pair counts are shown. */
export const PAIR_MEANING =
  "A pair is one comparison a ranking implies: completion A ranked above completion B of the same prompt (a ranking of 4 with no ties gives 6; tied completions give none). Several annotators' rankings of one task count once each.";

export const REWARD_METRIC_GLOSSARY: Record<string, MetricMeaning> = {
  eval_accuracy: {
    label: "Eval accuracy",
    meaning:
      "Share of held-out pairs where the model gives the completion the annotators preferred the higher reward (a tie in reward counts as wrong); 50% is chance. Shown with its Wilson 95% interval over the held-out pairs.",
  },
  eval_loss: {
    label: "Eval loss",
    meaning:
      "Mean over held-out pairs of −log σ(r_chosen − r_rejected − margin), the training loss on prompts the model never trained on; ln 2 ≈ 0.693 is a model that cannot tell the two apart.",
  },
  eval_margin: {
    label: "Eval margin",
    meaning: "Mean over held-out pairs of r_chosen − r_rejected, in reward units: how far apart the model puts the preferred and the other completion.",
  },
  eval_mean_reward: { label: "Eval mean reward", meaning: "Mean reward over the held-out completions (the scale is arbitrary: only differences matter)." },
  eval_min_reward: { label: "Eval min reward", meaning: "Lowest reward of a held-out completion." },
  eval_max_reward: { label: "Eval max reward", meaning: "Highest reward of a held-out completion." },
  train_loss: { label: "Train loss", meaning: "The ranking loss of the last training step's batch (not the whole training set)." },
  train_accuracy: {
    label: "Train accuracy",
    meaning: "Share of the last training step's pairs the model ordered right (one batch; no interval, it is not an estimate of anything held out).",
  },
  train_pairs: { label: "Training pairs", meaning: "Pairs in the training rankings: what the loss was computed over each epoch." },
  eval_pairs: { label: "Eval pairs", meaning: "Pairs in the held-out rankings: the n of eval accuracy, and the total of the calibration table." },
  train_rankings: { label: "Training rankings", meaning: "Training examples: ranked tasks, all annotators' rankings of one task merged into one example." },
  eval_rankings: { label: "Eval rankings", meaning: "Held-out examples: ranked tasks of the held-out prompts, all rankings of a task merged." },
  train_prompts: { label: "Training prompts", meaning: "Distinct prompts on the training side. The split is by prompt, so no prompt is on both sides." },
  eval_prompts: {
    label: "Eval prompts",
    meaning:
      "Distinct held-out prompts (validation fraction × prompts). Pairs of one prompt are alike, so few prompts make a rough estimate however many pairs they hold.",
  },
  dropped_without_pairs: { label: "Dropped (no pair)", meaning: "Rankings left out because they imply no pair (every completion tied)." },
  dropped_none_acceptable: { label: "Dropped (none acceptable)", meaning: "Rankings marked “none acceptable” left out (the includeNoneAcceptable setting)." },
  steps: { label: "Steps", meaning: "Optimizer steps taken (one batch of rankings each)." },
  total_steps: { label: "Total steps", meaning: "Optimizer steps planned: epochs × ⌈training rankings / batch size⌉." },
  epochs: { label: "Epochs", meaning: "Passes over the training rankings." },
  train_seconds: { label: "Training time (s)", meaning: "Seconds spent in training steps, not evaluations or checkpoints, across resumes." },
  loss: { label: "Loss", meaning: "Per step in the job's chart: the ranking loss of that step's batch." },
  accuracy: { label: "Accuracy", meaning: "Per step in the job's chart: the share of that batch's pairs ordered right." },
  margin: { label: "Margin", meaning: "Per step: mean r_chosen − r_rejected over the batch's pairs." },
  grad_norm: { label: "Gradient norm", meaning: "Per step: the global gradient norm before clipping at 1." },
  lr: { label: "Learning rate", meaning: "Per step: the scheduled learning rate (linear warmup, cosine decay)." },
  calibration: {
    label: "Calibration",
    meaning:
      "Each held-out pair once, binned by the model's confidence σ(|r_a − r_b|) that its favourite of the two is the preferred one, against how often it was: a calibrated model's observed share matches its mean confidence. The bins' pairs add up to Eval pairs.",
  },
};

/** The meaning of a metric key; keys not in the table get their own name and no meaning. */
export function metricMeaning(key: string): MetricMeaning & { known: boolean } {
  const m = REWARD_METRIC_GLOSSARY[key];
  return m ? { ...m, known: true } : { label: key, meaning: "", known: false };
}
