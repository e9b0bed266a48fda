// How often a submitted ranking agrees with the noise-free oracle, pair by pair.
//
// Only the pairs the oracle orders strictly count (oracle ties give no pair, as ties give no
// comparison in the exported data). A pair agrees when the submission puts the oracle's
// better item in a strictly better group; a submission that ties the two (same group) counts
// as disagreement, as does a reversed order. Over many rankings this is the agreement
// ceiling: the share of training pairs a perfect reward model of the oracle could get right.

/** Counts of one or many rankings: oracle-ordered pairs and those the submission agrees on. */
export interface PairAgreement {
  pairs: number;
  agreed: number;
}

/** Pair counts of one ranking. groups: item indices, best group first (every item once). */
export function pairAgreement(scores: readonly number[], groups: readonly (readonly number[])[]): PairAgreement {
  const rank = new Map<number, number>();
  groups.forEach((g, gi) => g.forEach((i) => rank.set(i, gi)));
  let pairs = 0;
  let agreed = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = i + 1; j < scores.length; j++) {
      if (scores[i] === scores[j]) continue;
      pairs++;
      const [better, worse] = scores[i] > scores[j] ? [i, j] : [j, i];
      const rb = rank.get(better);
      const rw = rank.get(worse);
      if (rb !== undefined && rw !== undefined && rb < rw) agreed++;
    }
  }
  return { pairs, agreed };
}

/** agreed / pairs, or null when there are no oracle-ordered pairs. */
export function agreementRate(a: PairAgreement): number | null {
  return a.pairs === 0 ? null : a.agreed / a.pairs;
}

export function addAgreement(a: PairAgreement, b: PairAgreement): PairAgreement {
  return { pairs: a.pairs + b.pairs, agreed: a.agreed + b.agreed };
}
