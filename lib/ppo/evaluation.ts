// A PPO run's evaluation on held-out prompts, as the job publishes it (its "evaluation" output,
// replaced at every evaluation) and as the registered policy keeps the last one
// (metadata.evaluation): the mean reward-model scores of the policy's and of the SFT model's
// greedy answers, the mean KL of the policy's answers to the reference, and one sample per
// prompt. One schema for the job that writes it and the pages that read it.
import { z } from "zod";

export const ppoEvaluationSampleSchema = z.object({
  /** The prompt as shown (the conversation's text). */
  prompt: z.string(),
  /** The SFT (reference) model's answer. */
  reference: z.string(),
  /** The policy's answer. */
  policy: z.string(),
  /** The reward model's score of the SFT answer. */
  referenceScore: z.number(),
  /** The reward model's score of the policy's answer. */
  policyScore: z.number(),
});
export type PpoEvaluationSample = z.infer<typeof ppoEvaluationSampleSchema>;

export const ppoEvaluationSchema = z.object({
  /** The PPO iteration after which the evaluation ran (0: before training). */
  iteration: z.number().int().min(0),
  /** Mean reward-model score of the policy's answers (the `eval/score` metric). */
  meanScore: z.number(),
  /** Mean reward-model score of the SFT model's answers (`eval/reference_score`). */
  referenceMeanScore: z.number(),
  /** Mean over prompts of the KL of the policy's answer to the reference, in nats (`eval/kl`). */
  meanKl: z.number(),
  samples: z.array(ppoEvaluationSampleSchema),
});
export type PpoEvaluation = z.infer<typeof ppoEvaluationSchema>;

/** The evaluation a job output or a model's metadata holds, or null when it is missing or not of this shape. */
export function parsePpoEvaluation(value: unknown): PpoEvaluation | null {
  const parsed = ppoEvaluationSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Share of samples where the policy's answer scores higher than the SFT answer (ties count ½); null without samples. */
export function policyWinRate(evaluation: Pick<PpoEvaluation, "samples">): number | null {
  const { samples } = evaluation;
  if (samples.length === 0) return null;
  const wins = samples.reduce((n, s) => n + (s.policyScore > s.referenceScore ? 1 : s.policyScore === s.referenceScore ? 0.5 : 0), 0);
  return wins / samples.length;
}
