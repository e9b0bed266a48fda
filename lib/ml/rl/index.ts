/**
 * RLHF on top of the engine: the reward model's ranking loss, data, trainer and scorer;
 * PPO's rollout math (ppo-math) and losses (ppo-loss); GRPO (grpo-math, grpo-loss, train-grpo).
 *
 *   const r = await trainRewardModel({ baseDir, outDir, examples, config });   // → outDir: a reward-model dir
 *   const scorer = await RewardScorer.load(outDir);
 *   const rewards = await scorer.score([{ prompt, completion }]);
 */
export { preferenceMatrix, rankingLoss, type RankingLoss, type RankingLossOptions } from "./ranking-loss";
export { rewardConfigSchema, DEFAULT_REWARD_CONFIG, type RewardConfig, type RewardConfigInput } from "./reward-config";
export {
  validateRankingExample,
  pairMatrix,
  pairCount,
  encodeCompletion,
  splitByPrompt,
  trainingSetHash,
  encodeRankings,
  batchShape,
  makeRankingBatch,
  type RankingExample,
  type EncodedRanking,
  type RankingBatch,
} from "./reward-data";
export {
  trainRewardModel,
  rewardModelLoss,
  evaluateRewards,
  calibrationTable,
  TRAINER_STATE_FILE,
  OPTIMIZER_FILE,
  METRICS_LOG_FILE,
  METRICS_FILE,
  SPLIT_FILE,
  type TrainRewardModelOptions,
  type TrainRewardModelProgress,
  type TrainRewardModelResult,
  type RewardMetrics,
  type RankingEvaluation,
  type Calibration,
  type CalibrationBin,
} from "./train-reward-model";
export { RewardScorer, SCORER_SESSION_OPTIONS, type ScoreItem, type ScoreOptions } from "./reward-scorer";
export {
  klPerToken,
  ppoRewards,
  maskedMean,
  maskedVar,
  whiten,
  gae,
  entropyOfLogits,
  FixedKlController,
  AdaptiveKlController,
  klController,
  type KlEstimatorName,
  type KlController,
  type PpoRewardsOptions,
  type PpoRewards,
  type GaeOptions,
  type Gae,
} from "./ppo-math";
export {
  ppoPolicyLoss,
  ppoValueLoss,
  tokenLogprobs,
  maskedMeanOf,
  type PpoPolicyLossInputs,
  type PpoPolicyLoss,
  type PpoValueLossInputs,
  type PpoValueLoss,
  type TokenLogprobs,
} from "./ppo-loss";
export {
  trainPpo,
  PPO_METRIC_NAMES,
  PPO_EVAL_METRIC_NAMES,
  PPO_METRICS_LOG_FILE,
  PPO_EVALUATIONS_FILE,
  PPO_METRICS_FILE,
  PPO_SPLIT_FILE,
  PPO_VALUE_DIR,
  type TrainPpoOptions,
  type TrainPpoResult,
  type PpoProgress,
  type PpoSummary,
} from "./train-ppo";
export type { PpoEvaluation, PpoSample } from "./ppo-evaluate";
export { grpoConfigSchema, grpoConfigObject, DEFAULT_GRPO_CONFIG, GRPO_CONFIG_HELP, type GrpoConfig, type GrpoConfigInput } from "./grpo-config";
export { groupAdvantages, rewardFigures, type GroupAdvantages } from "./grpo-math";
export { grpoLoss, grpoUpdateLoss, type GrpoLoss, type GrpoLossInputs } from "./grpo-loss";
export {
  trainGrpo,
  GRPO_METRIC_NAMES,
  GRPO_EVAL_METRIC_NAMES,
  GRPO_METRICS_LOG_FILE,
  GRPO_EVALUATIONS_FILE,
  GRPO_METRICS_FILE,
  GRPO_SPLIT_FILE,
  type TrainGrpoOptions,
  type TrainGrpoResult,
  type GrpoRewardFn,
  type GrpoProgress,
  type GrpoSummary,
} from "./train-grpo";
export type { GrpoEvaluation, GrpoSample, GrpoRewardValue } from "./grpo-evaluate";
export type { PpoPromptInput } from "./ppo-batch";
export {
  dpoConfigSchema,
  dpoConfigObject,
  DEFAULT_DPO_CONFIG,
  DPO_CONFIG_HELP,
  DPO_LOSS_TYPES,
  type DpoConfig,
  type DpoConfigInput,
  type DpoLossType,
} from "./dpo-config";
export { dpoLoss, completionLogps, stableSoftplus, dpoStepLoss, type DpoLoss, type DpoLossInputs, type DpoLossOptions } from "./dpo-loss";
export { dpoFigures } from "./dpo-figures";
export { pairsOfExample, type DpoPair } from "./dpo-data";
export {
  trainDpo,
  DPO_METRIC_NAMES,
  DPO_EVAL_METRIC_NAMES,
  DPO_METRICS_LOG_FILE,
  DPO_METRICS_FILE,
  DPO_SPLIT_FILE,
  type TrainDpoOptions,
  type TrainDpoResult,
  type DpoProgress,
  type DpoSummary,
} from "./train-dpo";
