/**
 * Rule reward functions (DeepSeek-R1's accuracy and format rewards, a length penalty): pure,
 * named functions of (prompt, completion, reference) → number, registered in one place
 * (registry.ts), combined with weights by a run's spec (spec.ts, combine.ts). No database here:
 * a project's prompts with their references come from lib/datasets/reference-prompts.ts.
 */
export { accuracy, accuracyReward } from "./accuracy";
export { format, formatReward } from "./format";
export { length, lengthPenalty, lengthReward, lengthParamsSchema, type LengthParams } from "./length";
export { answerMatches } from "./match";
export { answerRegion, finalAnswer, type AnswerRegion, type FinalAnswer, type AnswerSource } from "./answer";
export { numbersIn, lastNumber, parseNumber, sameNumber, type FoundNumber } from "./numbers";
export { normalizeText, normalizeAnswerText } from "./normalize";
export { REWARD_FUNCTIONS, REWARD_FUNCTION_NAMES, rewardFunction, describeRewardFunctions, type RewardFunctionInfo } from "./registry";
export { parseRewardSpec, resolveRewardTerms, formatRewardSpec, rewardTermsSchema, RewardSpecError, type RewardTerm } from "./spec";
export { combineRewards, rewardMetrics, rewardMetricName, type CombinedReward, type ExternalRewardTerm, type RewardScores } from "./combine";
export { referenceOf, withReference, REFERENCE_KEY } from "./reference";
export type { RewardFunction, RewardInput, RewardParamsSchema } from "./reward-function";
