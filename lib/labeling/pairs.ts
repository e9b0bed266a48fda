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
 * Calls `visit` for each pair the ranking implies, in order (no list built: an export visits
 * every pair of every ranking of a project).
 *
 * - `all`: every pair of items in different groups (InstructGPT's K-choose-2, less ties).
 * - `best-vs-rest`: the top group against every lower group.
 * - `adjacent`: each group against the next one only.
 */
export function forEachRankingPair<T>(
  groups: readonly (readonly T[])[],
  mode: PairMode,
  visit: (chosen: T, rejected: T, chosenGroup: number, rejectedGroup: number) => void,
): void {
  for (let i = 0; i < groups.length; i++) {
    if (mode === "best-vs-rest" && i > 0) break;
    for (let j = i + 1; j < groups.length; j++) {
      if (mode === "adjacent" && j > i + 1) break;
      for (const chosen of groups[i]) {
        for (const rejected of groups[j]) visit(chosen, rejected, i, j);
      }
    }
  }
}

/** The pairs of forEachRankingPair as a list. */
export function rankingPairs<T>(groups: readonly (readonly T[])[], mode: PairMode = "all"): Pair<T>[] {
  const pairs: Pair<T>[] = [];
  forEachRankingPair(groups, mode, (chosen, rejected, chosenGroup, rejectedGroup) => pairs.push({ chosen, rejected, chosenGroup, rejectedGroup }));
  return pairs;
}
