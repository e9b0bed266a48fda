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
  return tallyCounts(
    perPrompt.reduce((t, answers) => addToTally(t, answers, threshold), EMPTY_TALLY),
    threshold,
  );
}

/**
 * The counts' running sums, prompt by prompt: what a job that writes as it goes (and resumes after
 * an interruption) keeps instead of every answer. Summed in prompt order, so the means equal
 * bestOfNCounts' over the same prompts exactly. Plain numbers, so it is stored as JSON.
 */
export interface BestOfNTally {
  prompts: number;
  kept: number;
  bestSum: number;
  bests: number;
  scoreSum: number;
  scores: number;
  /** Sum over prompts of the share of its answers at or above the threshold. */
  passSum: number;
}

export const EMPTY_TALLY: BestOfNTally = Object.freeze({ prompts: 0, kept: 0, bestSum: 0, bests: 0, scoreSum: 0, scores: 0, passSum: 0 });

const valid = (answers: readonly ScoredAnswer[]) => answers.filter((a) => a.text.trim() !== "" && Number.isFinite(a.score));

/** The tally with one more prompt's answers. */
export function addToTally(t: BestOfNTally, answers: readonly ScoredAnswer[], threshold: number | null): BestOfNTally {
  const best = bestAnswer(answers, threshold);
  const ok = valid(answers);
  let scoreSum = t.scoreSum;
  for (const a of ok) scoreSum += a.score;
  return {
    prompts: t.prompts + 1,
    kept: t.kept + (best?.kept ? 1 : 0),
    bestSum: best ? t.bestSum + best.score : t.bestSum,
    bests: t.bests + (best ? 1 : 0),
    scoreSum,
    scores: t.scores + ok.length,
    passSum: t.passSum + (threshold === null || answers.length === 0 ? 0 : ok.filter((a) => a.score >= threshold).length / answers.length),
  };
}

export function tallyCounts(t: BestOfNTally, threshold: number | null): BestOfNCounts {
  return {
    prompts: t.prompts,
    kept: t.kept,
    meanBestScore: t.bests === 0 ? null : t.bestSum / t.bests,
    meanScore: t.scores === 0 ? null : t.scoreSum / t.scores,
    passRate: threshold === null || t.prompts === 0 ? null : t.passSum / t.prompts,
  };
}
