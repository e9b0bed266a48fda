// A PPO run's evaluation on held-out prompts, as the job publishes it (its "evaluation" output,
// replaced at every evaluation) and as the registered policy keeps the last one
// (metadata.evaluation): the mean reward-model scores of the policy's and of the SFT model's
// greedy answers, the mean KL of the policy's answers to the reference, and one sample per
// prompt. One schema for the job that writes it and the pages that read it.
//
// The trainer (lib/ml/rl/ppo-evaluate.ts) keeps its own record in evaluations.jsonl, with TRL's
// figure names (scores, scores_reference, kl, win_rate, num_eos_tokens; referenceAnswer,
// policyAnswer): fromTrainerEvaluation maps it to this shape, and parsePpoEvaluation reads either.
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
  /** Mean reward-model score of the policy's answers (the trainer's `eval_scores` metric). */
  meanScore: z.number(),
  /** Mean reward-model score of the SFT model's answers (`eval_scores_reference`). */
  referenceMeanScore: z.number(),
  /** Mean over prompts of the KL of the policy's answer to the reference, in nats (`eval_kl`). */
  meanKl: z.number(),
  samples: z.array(ppoEvaluationSampleSchema),
  /** Episodes sampled when it ran. */
  episode: z.number().int().min(0).optional(),
  /** Share of prompts where the policy's answer scores higher (ties ½); else computed from the samples. */
  winRate: z.number().min(0).max(1).optional(),
  /** Policy answers that ended with the end token. */
  numEosTokens: z.number().int().min(0).optional(),
});
export type PpoEvaluation = z.infer<typeof ppoEvaluationSchema>;

/** The trainer's own record of an evaluation (lib/ml/rl/ppo-evaluate.ts PpoEvaluation, a line of evaluations.jsonl). */
export const trainerEvaluationSchema = z.object({
  iteration: z.number().int().min(0),
  episode: z.number().int().min(0),
  scores: z.number(),
  scores_reference: z.number(),
  kl: z.number(),
  win_rate: z.number().min(0).max(1),
  num_eos_tokens: z.number().int().min(0),
  samples: z.array(
    z.object({ prompt: z.string(), referenceAnswer: z.string(), policyAnswer: z.string(), referenceScore: z.number(), policyScore: z.number() }),
  ),
});
export type TrainerEvaluation = z.infer<typeof trainerEvaluationSchema>;

/** The trainer's record as the job publishes it and the registry keeps it. */
export function fromTrainerEvaluation(e: TrainerEvaluation): PpoEvaluation {
  return {
    iteration: e.iteration,
    meanScore: e.scores,
    referenceMeanScore: e.scores_reference,
    meanKl: e.kl,
    samples: e.samples.map((s) => ({ prompt: s.prompt, reference: s.referenceAnswer, policy: s.policyAnswer, referenceScore: s.referenceScore, policyScore: s.policyScore })),
    episode: e.episode,
    winRate: e.win_rate,
    numEosTokens: e.num_eos_tokens,
  };
}

/** The evaluation a job output or a model's metadata holds (this shape, or the trainer's record), or null when it is missing or of another shape. */
export function parsePpoEvaluation(value: unknown): PpoEvaluation | null {
  const parsed = ppoEvaluationSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const trainer = trainerEvaluationSchema.safeParse(value);
  return trainer.success ? fromTrainerEvaluation(trainer.data) : null;
}

/** Share of prompts where the policy's answer scores higher than the SFT answer (ties count ½): the evaluation's own, else from its samples; null without either. */
export function policyWinRate(evaluation: Pick<PpoEvaluation, "samples" | "winRate">): number | null {
  if (evaluation.winRate !== undefined) return evaluation.winRate;
  const { samples } = evaluation;
  if (samples.length === 0) return null;
  const wins = samples.reduce((n, s) => n + (s.policyScore > s.referenceScore ? 1 : s.policyScore === s.referenceScore ? 0.5 : 0), 0);
  return wins / samples.length;
}
