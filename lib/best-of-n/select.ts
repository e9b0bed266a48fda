// Rejection sampling's choice (DeepSeek-R1's step 4 input; Llama 2's best-of-N): of the N answers
// sampled for a prompt, the best by score is kept when it scores at least the threshold. Empty
// answers are never kept (an SFT demonstration needs text). Ties go to the answer sampled first,
// so the choice is deterministic. Pure: scores in, choice and counts out.

export interface ScoredAnswer {
  text: string;
  score: number;
}

export interface BestAnswer extends ScoredAnswer {
  /** Which of the N samples it is (0-based, in sampling order). */
  sample: number;
  /** Whether it scores at least the threshold (always, without one). */
  kept: boolean;
}

/** The best non-empty answer (null: every answer is empty), kept when its score is at least `threshold` (null: keep the best in any case). */
export function bestAnswer(answers: readonly ScoredAnswer[], threshold: number | null): BestAnswer | null {
  let best: BestAnswer | null = null;
  answers.forEach((a, sample) => {
    if (a.text.trim() === "" || !Number.isFinite(a.score)) return;
    if (best === null || a.score > best.score) best = { text: a.text, score: a.score, sample, kept: false };
  });
  if (best === null) return null;
  const chosen: BestAnswer = best;
  return { ...chosen, kept: threshold === null || chosen.score >= threshold };
}

export interface BestOfNCounts {
  prompts: number;
  /** Prompts whose best answer was kept. */
  kept: number;
  /** Mean over prompts of the best answer's score (prompts whose answers were all empty left out). */
  meanBestScore: number | null;
  /** Mean score of every answer sampled (non-empty ones). */
  meanScore: number | null;
  /** Mean over prompts of the share of answers that score at least the threshold (null without a threshold). */
  passRate: number | null;
}

export function bestOfNCounts(perPrompt: readonly (readonly ScoredAnswer[])[], threshold: number | null): BestOfNCounts {
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  const bests = perPrompt.map((answers) => bestAnswer(answers, threshold));
  const valid = (answers: readonly ScoredAnswer[]) => answers.filter((a) => a.text.trim() !== "" && Number.isFinite(a.score));
  return {
    prompts: perPrompt.length,
    kept: bests.filter((b) => b?.kept).length,
    meanBestScore: mean(bests.filter((b): b is BestAnswer => b !== null).map((b) => b.score)),
    meanScore: mean(perPrompt.flatMap((answers) => valid(answers).map((a) => a.score))),
    passRate:
      threshold === null
        ? null
        : mean(perPrompt.map((answers) => (answers.length === 0 ? 0 : valid(answers).filter((a) => a.score >= threshold).length / answers.length))),
  };
}
