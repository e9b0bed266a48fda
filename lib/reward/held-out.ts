// How much a reward model's held-out accuracy can be trusted, and how to hold out enough.
//
// The accuracy is the share of held-out pairs the model orders as the annotators did; it is
// always shown with its Wilson 95% interval (lib/stats/wilson.ts) and the pair and prompt counts
// it rests on. The interval treats pairs as independent; the pairs of one prompt are not (they
// share completions), so the prompt count matters too: below MIN_EVAL_PAIRS pairs or
// MIN_EVAL_PROMPTS prompts the figure comes with a warning. At 100 pairs the 95% interval of an
// accuracy near 70% is still ±9 points wide; 20 prompts is the fewest that let one odd prompt
// move the figure by no more than ~5 points.
//
// The train-rm form's validation fraction: the config default (0.1) on a project with enough
// prompts; on a smaller one, enough to hold out MIN_EVAL_PROMPTS prompts, up to
// MAX_SUGGESTED_FRACTION so that training keeps most of the rankings. Pure (no Node imports): the
// form runs it in the browser.
import { heldOutPromptCount } from "../ml/rl/prompt-split";
import { DEFAULT_REWARD_CONFIG } from "../ml/rl/reward-config";
import { wilsonInterval } from "../stats/wilson";

/** Fewer held-out pairs than this: the accuracy is shown with a warning. */
export const MIN_EVAL_PAIRS = 100;
/** Fewer held-out prompts than this: the accuracy is shown with a warning. */
export const MIN_EVAL_PROMPTS = 20;
/** The largest validation fraction the form suggests on its own. */
export const MAX_SUGGESTED_FRACTION = 0.3;

export interface HeldOutAccuracy {
  accuracy: number;
  /** Wilson 95% interval of the accuracy over `pairs` pairs. */
  interval: [number, number];
  pairs: number;
  /** Held-out prompts; null when the model's metrics predate the count (then `atMostPrompts` bounds it). */
  prompts: number | null;
  /** An upper bound on the prompts when their count is unknown (held-out rankings: one per task). */
  atMostPrompts: number | null;
  /** Why the figure should not be trusted (too few pairs, too few prompts), or null. */
  warning: string | null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The warning for a held-out set of `pairs` pairs and `prompts` prompts (null when neither is below its minimum). */
export function smallEvalWarning(pairs: number, prompts: number | null, atMostPrompts: number | null = null): string | null {
  const reasons: string[] = [];
  if (pairs < MIN_EVAL_PAIRS) reasons.push(`${plural(pairs, "pair")} (fewer than ${MIN_EVAL_PAIRS})`);
  if (prompts !== null && prompts < MIN_EVAL_PROMPTS) reasons.push(`${plural(prompts, "prompt")} (fewer than ${MIN_EVAL_PROMPTS})`);
  else if (prompts === null && atMostPrompts !== null && atMostPrompts < MIN_EVAL_PROMPTS)
    reasons.push(`at most ${plural(atMostPrompts, "prompt")} (fewer than ${MIN_EVAL_PROMPTS})`);
  if (reasons.length === 0) return null;
  return `Too small to trust: the held-out set has ${reasons.join(" and ")}. Read the interval, not the percentage; hold out more prompts or collect more rankings.`;
}

/**
 * A reward model's held-out accuracy with its interval and warning, from its metrics
 * (eval_accuracy, eval_pairs, eval_prompts, eval_rankings); null without a held-out accuracy.
 */
export function heldOutAccuracy(metrics: Readonly<Record<string, number | null | undefined>>): HeldOutAccuracy | null {
  const accuracy = metrics.eval_accuracy;
  const pairs = metrics.eval_pairs;
  if (typeof accuracy !== "number" || typeof pairs !== "number" || !(pairs > 0)) return null;
  const interval = wilsonInterval(accuracy * pairs, pairs)!;
  const prompts = typeof metrics.eval_prompts === "number" ? metrics.eval_prompts : null;
  const atMostPrompts = prompts === null && typeof metrics.eval_rankings === "number" ? metrics.eval_rankings : null;
  return { accuracy, interval, pairs, prompts, atMostPrompts, warning: smallEvalWarning(pairs, prompts, atMostPrompts) };
}

/** The validation fraction the train-rm form starts with for a project of `prompts` ranked prompts. */
export function suggestedValidationFraction(prompts: number): number {
  const base = DEFAULT_REWARD_CONFIG.validationFraction;
  if (prompts <= 0) return base;
  const needed = Math.ceil((MIN_EVAL_PROMPTS / prompts) * 100) / 100;
  return Math.min(MAX_SUGGESTED_FRACTION, Math.max(base, needed));
}

export interface ExpectedHeldOut {
  /** Prompts the split will hold out (exactly: splitByPrompt's count). */
  prompts: number;
  /** Pairs expected on the held-out side (the project's pairs per prompt × held-out prompts). */
  pairs: number;
  warning: string | null;
}

/**
 * What a validation fraction will hold out of a project's training set: `prompts` distinct
 * prompts with `pairs` pairs in all (the held-out pairs are an estimate: prompts differ).
 */
export function expectedHeldOut(prompts: number, pairs: number, fraction: number): ExpectedHeldOut {
  const held = heldOutPromptCount(prompts, fraction);
  const heldPairs = prompts > 0 ? Math.round((pairs * held) / prompts) : 0;
  let warning: string | null = null;
  if (prompts === 0) warning = "This project has no rankings to train on yet.";
  else if (held === 0) warning = "Nothing is held out: the model will have no held-out accuracy (its calibration is then on the training rankings).";
  else {
    const small = smallEvalWarning(heldPairs, held);
    if (small) {
      const example = wilsonInterval(0.7 * heldPairs, heldPairs);
      warning =
        `This fraction holds out ${plural(held, "prompt")} of ${prompts} (about ${plural(heldPairs, "pair")}), fewer than ${MIN_EVAL_PROMPTS} prompts or ${MIN_EVAL_PAIRS} pairs: ` +
        `the held-out accuracy will be rough` +
        (example ? ` (a 70% accuracy would read ${Math.round(example[0] * 100)}–${Math.round(example[1] * 100)}%)` : "") +
        `. Collect more rankings for a figure to rely on.`;
    }
  }
  return { prompts: held, pairs: heldPairs, warning };
}
