// Kendall's τ-b between two rankings of the same items, ties allowed on both sides:
//
//   τ_b = (C − D) / sqrt((n0 − n1)(n0 − n2))
//
// n0 = n(n − 1)/2 pairs of items; C concordant and D discordant pairs (a pair tied on either
// side is neither); n1 = pairs tied in x, n2 = pairs tied in y. Undefined (null) when a side is
// all tied or there are fewer than two items. The pair loop is O(n²): meant for the short
// rankings of one task (K completions), not for long lists.

export interface TauBCounts {
  /** Items compared. */
  n: number;
  concordant: number;
  discordant: number;
  /** Pairs tied in x (n1), including those tied in both. */
  tiedX: number;
  /** Pairs tied in y (n2), including those tied in both. */
  tiedY: number;
}

/** The pair counts behind τ-b; `x[i]` and `y[i]` are the two rankings' values (ranks, scores) of item i. */
export function tauBCounts(x: readonly number[], y: readonly number[]): TauBCounts {
  if (x.length !== y.length) throw new Error(`kendallTauB: the rankings have ${x.length} and ${y.length} items`);
  let concordant = 0;
  let discordant = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tiedX += 1;
      if (dy === 0) tiedY += 1;
      const s = dx * dy;
      if (s > 0) concordant += 1;
      else if (s < 0) discordant += 1;
    }
  }
  return { n: x.length, concordant, discordant, tiedX, tiedY };
}

/** τ-b from its counts; null when undefined (a side all tied, or fewer than two items). */
export function tauBFromCounts(c: TauBCounts): number | null {
  const n0 = (c.n * (c.n - 1)) / 2;
  const denominator = (n0 - c.tiedX) * (n0 - c.tiedY);
  if (denominator <= 0) return null;
  return (c.concordant - c.discordant) / Math.sqrt(denominator);
}

/** Kendall's τ-b of two rankings of the same items (`x[i]`, `y[i]`: item i's value in each); null when undefined. */
export function kendallTauB(x: readonly number[], y: readonly number[]): number | null {
  return tauBFromCounts(tauBCounts(x, y));
}
