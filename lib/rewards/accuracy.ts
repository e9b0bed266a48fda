// The accuracy reward (DeepSeek-R1's rule-based "accuracy reward"): 1 when the completion's final
// answer matches the prompt's reference answer (match.ts: numbers compared as numbers, text after
// normalization), else 0. A prompt without a reference scores 0.
import { z } from "zod";
import { answerMatches } from "./match";
import { defineRewardFunction, type RewardInput } from "./reward-function";

export function accuracy(prompt: string, completion: string, reference: string | null): number {
  return reference !== null && answerMatches(completion, reference) ? 1 : 0;
}

export const accuracyReward = defineRewardFunction({
  name: "accuracy",
  help: "1 when the final answer (inside <answer>…</answer>, else the last number or phrase) matches the reference answer, else 0.",
  params: z.object({}).strict(),
  score: (input: RewardInput) => accuracy(input.prompt, input.completion, input.reference),
});
