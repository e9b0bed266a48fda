// A GRPO run's evaluation on held-out prompts, exactly as the trainer records it
// (lib/ml/rl/grpo-evaluate.ts GrpoEvaluation, a line of evaluations.jsonl): the job publishes it
// as is (its "evaluation" output, replaced at every evaluation). One shape with the trainer's
// names; this schema only reads it back from JSON, and the compile-time checks below keep it and
// the trainer's type the same.
import { z } from "zod";
import type { GrpoEvaluation, GrpoSample } from "../ml/rl/grpo-evaluate";

export type { GrpoEvaluation, GrpoSample };

export const grpoSampleSchema = z.object({
  /** The prompt as shown (the conversation's text). */
  prompt: z.string(),
  /** The prompt's reference answer, when it has one. */
  answer: z.string().nullable(),
  /** The reference (frozen) model's greedy completion. */
  referenceCompletion: z.string(),
  /** The policy's greedy completion. */
  policyCompletion: z.string(),
  /** The total reward of each. */
  referenceReward: z.number(),
  policyReward: z.number(),
  /** The exact-answer check of each (null: the prompt has no reference answer). */
  referenceCorrect: z.boolean().nullable(),
  policyCorrect: z.boolean().nullable(),
}) satisfies z.ZodType<GrpoSample>;

export const grpoEvaluationSchema = z.object({
  /** The iteration after which the evaluation ran (0: before training). */
  iteration: z.number().int().min(0),
  episode: z.number().int().min(0),
  /** Mean total reward of the policy's answers (`eval_reward`). */
  reward: z.number(),
  /** The same for the reference's answers (`eval_reward_reference`). */
  reward_reference: z.number(),
  /** Each reward part's mean over the policy's answers (`eval_rewards/<name>`). */
  rewards: z.record(z.string(), z.number()),
  /** Share of the prompts with a reference answer the policy answers exactly (`eval_accuracy`); null when none has one. */
  accuracy: z.number().min(0).max(1).nullable(),
  accuracy_reference: z.number().min(0).max(1).nullable(),
  completion_length: z.number(),
  samples: z.array(grpoSampleSchema),
}) satisfies z.ZodType<GrpoEvaluation>;

// `satisfies` catches a field the schema lacks or types differently; these catch one it adds.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<keyof z.infer<typeof grpoEvaluationSchema>, keyof GrpoEvaluation> = true;
const sameSampleKeys: Same<keyof z.infer<typeof grpoSampleSchema>, keyof GrpoSample> = true;
void [sameKeys, sameSampleKeys];

/** The evaluation a job output holds, or null when it is missing or of another shape. */
export function parseGrpoEvaluation(value: unknown): GrpoEvaluation | null {
  const parsed = grpoEvaluationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
