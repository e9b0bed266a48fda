// How many prompts the reward model's validation split holds out (splitByPrompt in
// reward-data.ts), on its own so that a browser form can predict the split without the data
// code's Node imports.

/**
 * How many of `prompts` distinct prompts splitByPrompt holds out at `fraction`: round(fraction ·
 * prompts), at least one when fraction > 0 and there are two prompts or more, never all.
 */
export function heldOutPromptCount(prompts: number, fraction: number): number {
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`validation fraction must be in [0, 1), got ${fraction}`);
  let n = Math.round(fraction * prompts);
  if (fraction > 0 && prompts >= 2) n = Math.max(1, n);
  return Math.min(n, Math.max(0, prompts - 1));
}
