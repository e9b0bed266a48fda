// How the GRPO form lays out GrpoConfig's settings: which section each goes in and the labels that
// read better than the derived ones. The fields themselves (kind, bounds, default, help) come from
// the schema (app/components/config-fields.ts); a setting not placed here still appears, under
// "Other", with its derived label.

/** Form sections: where each setting of GrpoConfig goes (a setting not listed here goes under "Other"). */
export const GRPO_FIELD_SECTIONS: Record<string, string> = {
  totalEpisodes: "Run",
  batchSize: "Run",
  numGenerations: "Run",
  numIterations: "Run",
  stepsPerGeneration: "Run",
  learningRate: "Run",
  maxGradNorm: "Run",
  beta: "Objective",
  epsilon: "Objective",
  scaleRewards: "Objective",
  lossType: "Objective",
  rewardModelWeight: "Objective",
  temperature: "Sampling",
  topK: "Sampling",
  topP: "Sampling",
  maxCompletionLength: "Sampling",
  seed: "Prompts, evaluation and checkpoints",
  validationFraction: "Prompts, evaluation and checkpoints",
  evalEvery: "Prompts, evaluation and checkpoints",
  evalPrompts: "Prompts, evaluation and checkpoints",
  checkpointEvery: "Prompts, evaluation and checkpoints",
};

/** Labels where the derived one reads worse than the field's name in the field's words (TRL's and the paper's). */
export const GRPO_FIELD_LABELS: Record<string, string> = {
  totalEpisodes: "Total episodes",
  batchSize: "Completions per iteration",
  numGenerations: "Completions per prompt (G)",
  numIterations: "Passes per iteration (μ)",
  stepsPerGeneration: "Minibatches per pass",
  maxGradNorm: "Max gradient norm",
  beta: "KL coefficient β",
  epsilon: "Clip range ε",
  scaleRewards: "Scale advantages by",
  lossType: "Loss type",
  rewardModelWeight: "Reward-model weight",
  topK: "Top-k",
  topP: "Top-p",
  maxCompletionLength: "Max completion length (tokens)",
  evalEvery: "Evaluate every (iterations)",
  evalPrompts: "Evaluation prompts",
  checkpointEvery: "Checkpoint every (iterations)",
};
