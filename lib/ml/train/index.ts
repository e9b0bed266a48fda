/**
 * The trainer every objective uses: the loop (trainer.ts), the learning-rate schedule,
 * checkpoints written all-or-nothing (weights, optimizer moments and any other named tensors,
 * RNG and data position, extra state), metrics.jsonl logged exactly once per step across
 * resumes, and config schemas (one zod schema per trainer: defaults and help texts, from which
 * CLI flags and form fields are derived).
 * The objectives themselves are loss builders for TrainStep (causal-lm.ts here; lib/ml/rl).
 */
export { runTraining, stepMetrics, evalMetrics, type TrainingLoop, type TrainingLoopResult, type StepReport, type Evaluation } from "./trainer";
export {
  TRAINER_STATE_FILE,
  CHECKPOINT_TENSORS_FILE,
  checkpointFiles,
  writeCheckpoint,
  writeDirectoryAtomic,
  readCheckpoint,
  checkpointTensor,
  type TrainerState,
  type Checkpoint,
  type LoadedCheckpoint,
} from "./checkpoint";
export { ADAM_M, ADAM_V, adamWCheckpointTensors, adamWStateFrom } from "./optimizer-state";
export { METRICS_LOG_FILE, MetricsLog, type MetricValues, type MetricsLogOptions } from "./metrics-log";
export { configDefaults, configHelp, type ConfigSchema } from "./config-schema";
export { learningRateAt, type LrSchedule } from "./lr-schedule";
export { TrainStep, TRAIN_SESSION_OPTIONS, initialAdamWState, type AdamWState, type StepResult, type LossOutputs, type TrainStepSpec } from "./train-step";
export { lmConfigSchema, DEFAULT_LM_CONFIG, LM_CONFIG_HELP, lmWarmupSteps, type LmConfig, type LmConfigInput } from "./lm-config";
export { sftConfigSchema, DEFAULT_SFT_CONFIG, SFT_CONFIG_HELP, type SftConfig, type SftConfigInput } from "./sft-config";
