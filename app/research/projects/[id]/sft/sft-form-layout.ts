// How the SFT form lays out SftRunConfig's settings: which section each goes in and the labels
// that read better than the derived ones. The fields themselves (kind, bounds, default, help) come
// from the schema (app/components/config-fields.ts); a setting not placed here still appears,
// under "Other", with its derived label.

export const SFT_FIELD_SECTIONS: Record<string, string> = {
  epochs: "Training",
  maxSteps: "Training",
  batchSize: "Training",
  maxLength: "Training",
  learningRate: "Training",
  warmupSteps: "Training",
  weightDecay: "Training",
  seed: "Evaluation and checkpoints",
  validationFraction: "Evaluation and checkpoints",
  evalEvery: "Evaluation and checkpoints",
  evalMaxNewTokens: "Evaluation and checkpoints",
  checkpointEvery: "Evaluation and checkpoints",
};

export const SFT_FIELD_LABELS: Record<string, string> = {
  maxSteps: "Max steps (0: from the epochs)",
  batchSize: "Batch size (packed rows)",
  maxLength: "Row length (tokens)",
  evalEvery: "Evaluate every (steps)",
  evalMaxNewTokens: "Answer length in the exact-answer check (tokens)",
  checkpointEvery: "Checkpoint every (steps)",
};
