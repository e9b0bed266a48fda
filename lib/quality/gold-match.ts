// Gold tasks: when an annotator's ranking matches a gold task's expectation, and what their
// answers add up to. Pure (no I/O); lib/quality/gold-store.ts reads the rows.
//
// An answer (the annotator's current ranking of a gold task) is correct when
// - expectation `none`:    the ranking says "none acceptable";
// - expectation `first`:   it does not say "none acceptable", and the expected completion is in
//                          its first group (a tie at the top with it counts), unless that group
//                          holds every completion (ranking everything equal says nothing);
// - expectation `ranking`: it does not say "none acceptable", and Kendall's τ-b between its
//                          groups and the expected groups is at least GOLD_MIN_TAU_B (0.5):
//                          with 4 completions one swap of neighbours passes (τ-b = 0.67), two
//                          fail (0.33); with 3 completions any swap fails. Ties are allowed on
//                          both sides (τ-b's own correction); τ-b undefined (all tied) fails.
//
// Accuracy = correct / answered with its 95% Wilson interval. An annotator is paused on a project
// when they answered at least `minAnswers` gold tasks (counted since an admin last unpaused them)
// and their accuracy is below `threshold` (the point estimate, not the interval: the rule an
// annotator can check by hand).
import type { GoldExpectation } from "../../db/schema";
import { wilsonInterval } from "../stats/wilson";
import { kendallTauB } from "./kendall-tau";

export type { GoldExpectation };

export const GOLD_MIN_TAU_B = 0.5;

export interface GoldAnswer {
  groups: readonly (readonly number[])[];
  noneAcceptable: boolean;
}

/** Group index of every completion of `groups` (0 = best). */
function groupIndex(groups: readonly (readonly number[])[]): Map<number, number> {
  const out = new Map<number, number>();
  groups.forEach((g, i) => g.forEach((id) => out.set(id, i)));
  return out;
}

/** τ-b between an answer's groups and the expected groups, over the completions both hold; null when undefined. */
export function goldTauB(answer: readonly (readonly number[])[], expected: readonly (readonly number[])[]): number | null {
  const a = groupIndex(answer);
  const e = groupIndex(expected);
  const ids = [...e.keys()].filter((id) => a.has(id));
  return kendallTauB(
    ids.map((id) => a.get(id)!),
    ids.map((id) => e.get(id)!),
  );
}

/** Whether the answer matches the expectation (the rule in the header). */
export function matchesGold(expectation: GoldExpectation, answer: GoldAnswer): boolean {
  if (expectation.kind === "none") return answer.noneAcceptable;
  if (answer.noneAcceptable) return false;
  if (expectation.kind === "first") {
    const top = answer.groups[0] ?? [];
    const all = answer.groups.reduce((n, g) => n + g.length, 0);
    return top.includes(expectation.completionId) && top.length < all;
  }
  const tau = goldTauB(answer.groups, expectation.groups);
  return tau !== null && tau >= GOLD_MIN_TAU_B;
}

/**
 * Checks an expectation against the task's completion ids: a full ranking names each completion
 * exactly once; `first` names one of them. Returns the problem, or null when sound.
 */
export function expectationProblem(expectation: GoldExpectation, completionIds: readonly number[]): string | null {
  const known = new Set(completionIds);
  if (expectation.kind === "none") return null;
  if (expectation.kind === "first") return known.has(expectation.completionId) ? null : `completion ${expectation.completionId} is not one of the task's`;
  const seen = new Set<number>();
  for (const group of expectation.groups) {
    if (group.length === 0) return "a group is empty";
    for (const id of group) {
      if (!known.has(id)) return `completion ${id} is not one of the task's`;
      if (seen.has(id)) return `completion ${id} appears twice`;
      seen.add(id);
    }
  }
  if (seen.size !== known.size) return `the ranking must name all ${known.size} completions (it names ${seen.size})`;
  if (expectation.groups.length < 2) return "the ranking ties every completion: it expects nothing";
  return null;
}

export interface GoldAccuracy {
  /** Gold tasks answered (counted since the last unpause). */
  answered: number;
  correct: number;
  /** correct / answered; null before any answer. */
  accuracy: number | null;
  /** 95% Wilson interval of the accuracy; null before any answer. */
  interval: [number, number] | null;
}

export function goldAccuracy(correct: number, answered: number): GoldAccuracy {
  return { answered, correct, accuracy: answered > 0 ? correct / answered : null, interval: wilsonInterval(correct, answered) };
}

export interface GoldRule {
  /** Pause below this accuracy (0–1)… */
  threshold: number;
  /** …once at least this many gold tasks were answered. */
  minAnswers: number;
}

/** True when the annotator is paused under the rule. */
export function isPaused(accuracy: GoldAccuracy, rule: GoldRule): boolean {
  return accuracy.answered >= Math.max(1, rule.minAnswers) && accuracy.accuracy !== null && accuracy.accuracy < rule.threshold;
}
