// How the DPO form lays out DpoConfig's settings: which section each goes in and the labels that
// read better than the derived ones. The fields themselves (kind, bounds, default, help) come from
// the schema (app/components/config-fields.ts); a setting not placed here still appears, under
// "Other", with its derived label.

/** Form sections: where each setting of DpoConfig goes (a setting not listed here goes under "Other"). */
export const DPO_FIELD_SECTIONS: Record<string, string> = {
  beta: "Objective",
  lossType: "Objective",
  labelSmoothing: "Objective",
  includeNoneAcceptable: "Objective",
  learningRate: "Training",
  epochs: "Training",
  batchSize: "Training",
  maxGradNorm: "Training",
  warmupRatio: "Training",
  maxLength: "Training",
  maxPromptLength: "Training",
  seed: "Evaluation and checkpoints",
  validationFraction: "Evaluation and checkpoints",
  evalEvery: "Evaluation and checkpoints",
  checkpointEvery: "Evaluation and checkpoints",
};

/** Labels where the derived one reads worse than the field's name in the field's words. */
export const DPO_FIELD_LABELS: Record<string, string> = {
  beta: "β",
  lossType: "Loss type",
  labelSmoothing: "Label smoothing ε",
  includeNoneAcceptable: "Include “none acceptable” rankings",
  batchSize: "Batch size (pairs)",
  maxGradNorm: "Max gradient norm",
  maxLength: "Max length (tokens)",
  maxPromptLength: "Max prompt length (tokens)",
  evalEvery: "Evaluate every (steps)",
  checkpointEvery: "Checkpoint every (steps)",
};
