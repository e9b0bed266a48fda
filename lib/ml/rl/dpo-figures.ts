// DPO's figures in double precision from sequence log-probabilities: the evaluation's (held-out
// pairs, logged with TRL's eval_ prefix) and the check of the graph's (tests). The same
// definitions as dpo-loss.ts: h = (log π_c − log π_ref,c) − (log π_r − log π_ref,r); sigmoid
// −(1 − ε)·log σ(βh) − ε·log σ(−βh), ipo (h − 1/(2β))²; rewards β·(log π − log π_ref); every
// mean weighted by the pairs' weights.
import type { DpoLossOptions } from "./dpo-loss";

/** log(1 + e^x) without overflow. */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** The log-probabilities of a set of pairs (one entry per pair). */
export interface PairLogps {
  chosen: ArrayLike<number>;
  rejected: ArrayLike<number>;
}

/** The loss of one pair with log-ratio difference h. */
export function dpoPairLoss(h: number, o: DpoLossOptions): number {
  if (o.lossType === "ipo") return (h - 1 / (2 * o.beta)) ** 2;
  const e = o.labelSmoothing ?? 0;
  return (1 - e) * softplus(-o.beta * h) + e * softplus(o.beta * h);
}

/** loss and TRL's metrics (rewards/…, logps/…) over pairs, weighted by `weights` (default 1 each). */
export function dpoFigures(policy: PairLogps, reference: PairLogps, o: DpoLossOptions, weights?: ArrayLike<number>): Record<string, number> {
  const n = policy.chosen.length;
  let total = 0;
  const sums = { loss: 0, chosen: 0, rejected: 0, wins: 0, margins: 0, logpsChosen: 0, logpsRejected: 0 };
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    const rc = o.beta * (policy.chosen[i] - reference.chosen[i]);
    const rr = o.beta * (policy.rejected[i] - reference.rejected[i]);
    const h = policy.chosen[i] - reference.chosen[i] - (policy.rejected[i] - reference.rejected[i]);
    total += w;
    sums.loss += w * dpoPairLoss(h, o);
    sums.chosen += w * rc;
    sums.rejected += w * rr;
    sums.wins += rc > rr ? w : 0;
    sums.margins += w * (rc - rr);
    sums.logpsChosen += w * policy.chosen[i];
    sums.logpsRejected += w * policy.rejected[i];
  }
  const mean = (s: number) => (total > 0 ? s / total : 0);
  return {
    loss: mean(sums.loss),
    "rewards/chosen": mean(sums.chosen),
    "rewards/rejected": mean(sums.rejected),
    "rewards/accuracies": mean(sums.wins),
    "rewards/margins": mean(sums.margins),
    "logps/chosen": mean(sums.logpsChosen),
    "logps/rejected": mean(sums.logpsRejected),
  };
}
