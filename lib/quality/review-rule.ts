// Which tasks a reviewer should look at, and why. Pure (no I/O); review-store.ts reads the rows.
//
// A task goes to the review queue when any of these holds among its rankings:
// - low agreement: it has at least two rankings and their mean pairwise agreement is below the
//   project's threshold (default 0.6). Agreement of two rankings is the share of completion pairs
//   they relate the same way (better, worse or tied; lib/labeling/stats.ts rankingAgreement);
//   the task's figure pools every pair of its rankings (Σ agreed / Σ compared);
// - flags: a ranking flagged a completion (harmful, factually wrong, off topic, other);
// - none acceptable: a ranking said no completion is acceptable.
// Its state then follows the reviewers' last word on it:
// - `reviewed`: the last action set a final ranking (it leaves the queue);
// - `waiting`:  the last action sent it back and the rankings asked for have not all arrived
//               (fewer than R + the task's extra rankings);
// - `open`:     otherwise (never reviewed, or sent back and ranked again).
import { rankingAgreement } from "../labeling/stats";

export type ReviewReason = "low_agreement" | "flagged" | "none_acceptable";
export type ReviewState = "open" | "waiting" | "reviewed";

export interface ReviewedRanking {
  groups: readonly (readonly number[])[];
  noneAcceptable: boolean;
  /** Completions this ranking flagged (any flag). */
  flags: number;
}

export interface ReviewSignals {
  rankings: number;
  /** Mean pairwise agreement (pooled), null with fewer than two rankings or no shared pair. */
  agreement: number | null;
  /** Rankings that flagged something. */
  flagged: number;
  /** Rankings that said none acceptable. */
  noneAcceptable: number;
  reasons: ReviewReason[];
}

export function reviewSignals(rankings: readonly ReviewedRanking[], agreementThreshold: number): ReviewSignals {
  let agreed = 0;
  let total = 0;
  for (let i = 0; i < rankings.length; i++)
    for (let j = i + 1; j < rankings.length; j++) {
      const a = rankingAgreement(rankings[i].groups, rankings[j].groups);
      agreed += a.agreed;
      total += a.total;
    }
  const agreement = rankings.length >= 2 && total > 0 ? agreed / total : null;
  const flagged = rankings.filter((r) => r.flags > 0).length;
  const noneAcceptable = rankings.filter((r) => r.noneAcceptable).length;
  const reasons: ReviewReason[] = [];
  if (agreement !== null && agreement < agreementThreshold) reasons.push("low_agreement");
  if (flagged > 0) reasons.push("flagged");
  if (noneAcceptable > 0) reasons.push("none_acceptable");
  return { rankings: rankings.length, agreement, flagged, noneAcceptable, reasons };
}

export interface LastReviewAction {
  action: "final" | "send_back";
}

/** The task's review state from the last action and how many rankings it has and asks for. */
export function reviewState(last: LastReviewAction | undefined, rankings: number, required: number): ReviewState {
  if (!last) return "open";
  if (last.action === "final") return "reviewed";
  return rankings < required ? "waiting" : "open";
}
