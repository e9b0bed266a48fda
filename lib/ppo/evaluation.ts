// A PPO run's evaluation on held-out prompts, exactly as the trainer records it
// (lib/ml/rl/ppo-evaluate.ts PpoEvaluation, a line of evaluations.jsonl): the job publishes it
// as is (its "evaluation" output, replaced at every evaluation) and the registered policy keeps
// the last one (metadata.evaluation). One shape, with the trainer's names — the same figures
// that metrics.jsonl logs with TRL's `eval_` prefix (eval_scores, eval_scores_reference,
// eval_kl, eval_win_rate, eval_num_eos_tokens). This schema only reads it back from JSON; the
// compile-time checks below keep it and the trainer's type the same.
import { z } from "zod";
import type { PpoEvaluation as TrainerPpoEvaluation, PpoSample as TrainerPpoSample } from "../ml/rl/ppo-evaluate";

export type PpoEvaluation = TrainerPpoEvaluation;
export type PpoEvaluationSample = TrainerPpoSample;

export const ppoEvaluationSampleSchema = z.object({
  /** The prompt as shown (the conversation's text). */
  prompt: z.string(),
  /** The SFT (reference) model's greedy answer. */
  referenceAnswer: z.string(),
  /** The policy's greedy answer. */
  policyAnswer: z.string(),
  /** The reward model's score of the SFT answer. */
  referenceScore: z.number(),
  /** The reward model's score of the policy's answer. */
  policyScore: z.number(),
}) satisfies z.ZodType<PpoEvaluationSample>;

export const ppoEvaluationSchema = z.object({
  /** The PPO iteration after which the evaluation ran (0: before training). */
  iteration: z.number().int().min(0),
  /** Episodes sampled when it ran. */
  episode: z.number().int().min(0),
  /** Mean reward-model score of the policy's answers (`eval_scores`). */
  scores: z.number(),
  /** Mean reward-model score of the SFT model's answers (`eval_scores_reference`). */
  scores_reference: z.number(),
  /** Mean over prompts of the KL of the policy's answer to the reference, in nats (`eval_kl`). */
  kl: z.number(),
  /** Share of prompts where the policy's answer scores higher than the SFT answer, ties ½ (`eval_win_rate`). */
  win_rate: z.number().min(0).max(1),
  /** Policy answers that ended with the end token (`eval_num_eos_tokens`). */
  num_eos_tokens: z.number().int().min(0),
  samples: z.array(ppoEvaluationSampleSchema),
}) satisfies z.ZodType<PpoEvaluation>;

// `satisfies` catches a field the schema lacks or types differently; these catch one it adds.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameEvaluation: Same<z.infer<typeof ppoEvaluationSchema>, PpoEvaluation> = true;
const sameSample: Same<z.infer<typeof ppoEvaluationSampleSchema>, PpoEvaluationSample> = true;
const sameKeys: Same<keyof z.infer<typeof ppoEvaluationSchema>, keyof PpoEvaluation> = true;
const sameSampleKeys: Same<keyof z.infer<typeof ppoEvaluationSampleSchema>, keyof PpoEvaluationSample> = true;
void [sameEvaluation, sameSample, sameKeys, sameSampleKeys];

/** The evaluation a job output or a model's metadata holds, or null when it is missing or of another shape. */
export function parsePpoEvaluation(value: unknown): PpoEvaluation | null {
  const parsed = ppoEvaluationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
