// The pairwise comparisons a ranking implies. A ranking is a list of groups, best first;
// completions in one group are tied, and ties give no pair.

export type PairMode = "all" | "best-vs-rest" | "adjacent";
export const PAIR_MODES: readonly PairMode[] = ["all", "best-vs-rest", "adjacent"];

export interface Pair<T> {
  chosen: T;
  rejected: T;
  /** Group indices, 0 = best. */
  chosenGroup: number;
  rejectedGroup: number;
}

/**
 * - `all`: every pair of items in different groups (InstructGPT's K-choose-2, less ties).
 * - `best-vs-rest`: the top group against every lower group.
 * - `adjacent`: each group against the next one only.
 */
export function rankingPairs<T>(groups: readonly (readonly T[])[], mode: PairMode = "all"): Pair<T>[] {
  const pairs: Pair<T>[] = [];
  for (let i = 0; i < groups.length; i++) {
    if (mode === "best-vs-rest" && i > 0) break;
    for (let j = i + 1; j < groups.length; j++) {
      if (mode === "adjacent" && j > i + 1) break;
      for (const chosen of groups[i]) {
        for (const rejected of groups[j]) pairs.push({ chosen, rejected, chosenGroup: i, rejectedGroup: j });
      }
    }
  }
  return pairs;
}
