// Pairwise mode (a project setting, `projects.mode`): the annotator sees two completions, A and
// B, and answers with a strength — A much better, A better, tie, B better, B much better — or
// "both bad". Pure: the answers, their keys, and how an answer is stored.
//
// Storage: an ordinary ranking plus `rankings.strength`, so every reader of rankings (agreement,
// leaderboards, exports, reward-model training, review, gold) keeps working unchanged:
//
//   answer          groups        none acceptable  strength
//   A much better   [[A], [B]]    false            2
//   A better        [[A], [B]]    false            1
//   tie             [[A, B]]      false            0
//   B better        [[B], [A]]    false            1
//   B much better   [[B], [A]]    false            2
//   both bad        [[A, B]]      true             0
//
// Exports write the strength as TRL's `margin` column (2 much better, 1 better; ties give no
// pair, as in ranking mode) and the reward model can subtract it as a per-pair margin
// (reward-config.ts `marginFromStrength`).
//
// Which tasks are pairwise: in a pairwise project, a task with exactly two completions. The
// project's K (`completionsPerTask`) must be 2 to turn pairwise mode on (projects.ts checks it),
// so generation makes pairs; a task with another number of completions that reaches a pairwise
// project anyway (an import of K-completion rankings) is asked as an ordinary ranking, without a
// strength — never cut down to a pair, which would leave its other completions unranked.
import type { ProjectMode } from "../../db/schema";
import type { SubmissionIssue } from "./submission";

export const PAIRWISE_ANSWERS = ["a-much-better", "a-better", "tie", "b-better", "b-much-better", "both-bad"] as const;
export type PairwiseAnswer = (typeof PAIRWISE_ANSWERS)[number];

/** A strength: 2 much better, 1 better, 0 tie (or both bad). */
export type Strength = 0 | 1 | 2;

/** The answers in the order of their keys, with the key and the label the page shows. */
export const PAIRWISE_CHOICES: readonly { answer: PairwiseAnswer; key: string; label: string }[] = [
  { answer: "a-much-better", key: "1", label: "A much better" },
  { answer: "a-better", key: "2", label: "A better" },
  { answer: "tie", key: "3", label: "Tie" },
  { answer: "b-better", key: "4", label: "B better" },
  { answer: "b-much-better", key: "5", label: "B much better" },
  { answer: "both-bad", key: "n", label: "Both bad" },
];

/** The answer of a key press (digits 1–5, N for both bad, as "none acceptable" in ranking mode), or null. */
export function pairwiseAnswerOfKey(key: string): PairwiseAnswer | null {
  const k = key.length === 1 ? key.toLowerCase() : key;
  return PAIRWISE_CHOICES.find((c) => c.key === k)?.answer ?? null;
}

/** Whether a task of a project in `mode` with `completionCount` completions is asked as a pair. */
export function isPairwiseTask(mode: ProjectMode, completionCount: number): boolean {
  return mode === "pairwise" && completionCount === 2;
}

export interface StoredPairwise {
  groups: number[][];
  noneAcceptable: boolean;
  strength: Strength;
}

/** The ranking an answer stores, for completions `a` and `b` (A and B as the annotator saw them). */
export function pairwiseRanking(answer: PairwiseAnswer, a: number, b: number): StoredPairwise {
  switch (answer) {
    case "a-much-better":
      return { groups: [[a], [b]], noneAcceptable: false, strength: 2 };
    case "a-better":
      return { groups: [[a], [b]], noneAcceptable: false, strength: 1 };
    case "tie":
      return { groups: [[a, b]], noneAcceptable: false, strength: 0 };
    case "b-better":
      return { groups: [[b], [a]], noneAcceptable: false, strength: 1 };
    case "b-much-better":
      return { groups: [[b], [a]], noneAcceptable: false, strength: 2 };
    case "both-bad":
      return { groups: [[a, b]], noneAcceptable: true, strength: 0 };
  }
}

/** The answer a stored pairwise ranking gives back (for reopening it), or null when it is not one. */
export function pairwiseAnswerOf(
  stored: { groups: readonly (readonly number[])[]; noneAcceptable: boolean; strength: number | null },
  a: number,
): PairwiseAnswer | null {
  const { groups, noneAcceptable, strength } = stored;
  if (groups.length === 1 && groups[0].length === 2 && strength === 0) return noneAcceptable ? "both-bad" : "tie";
  if (groups.length !== 2 || noneAcceptable || (strength !== 1 && strength !== 2)) return null;
  const aFirst = groups[0][0] === a;
  return aFirst ? (strength === 2 ? "a-much-better" : "a-better") : strength === 2 ? "b-much-better" : "b-better";
}

/**
 * Problems of a submission's strength against its task: a pairwise task needs a strength that
 * matches its groups (0 with one tied group, 1 or 2 with two groups; both bad is a tie), any other
 * task takes none. Empty when it is sound (groups themselves are checked by checkSubmission).
 */
export function checkStrength(
  submission: { groups: readonly (readonly number[])[]; noneAcceptable: boolean; strength?: number | null },
  pairwise: boolean,
): SubmissionIssue[] {
  const strength = submission.strength ?? null;
  if (!pairwise) {
    return strength === null ? [] : [{ field: "strength", message: "only a pairwise task (two completions in a pairwise project) takes a strength" }];
  }
  if (strength === null) return [{ field: "strength", message: "a pairwise task needs a strength: 2 much better, 1 better, 0 tie or both bad" }];
  if (strength === 0 && submission.groups.length !== 1) return [{ field: "strength", message: "strength 0 (a tie) needs both completions in one group" }];
  if (strength > 0 && submission.groups.length !== 2) return [{ field: "strength", message: `strength ${strength} needs one completion above the other` }];
  if (strength > 0 && submission.noneAcceptable)
    return [{ field: "noneAcceptable", message: "both bad is a tie: send strength 0 with both completions in one group" }];
  return [];
}

/** The strength to store once identical completions were tied (a preference between equal texts is a tie). */
export function storedStrength(strength: number | null | undefined, groups: readonly (readonly number[])[]): number | null {
  if (strength === null || strength === undefined) return null;
  return groups.length === 1 ? 0 : strength;
}
