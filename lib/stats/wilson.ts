// The Wilson score interval of a binomial proportion (Wilson 1927; Agresti & Coull 1998): the
// interval a share of k successes in n trials is reported with across Palate — a reward model's
// held-out accuracy, a head-to-head win rate — so a figure from 12 pairs never reads like one
// from 1,200. Unlike the normal approximation p ± z·√(p(1−p)/n) it stays inside [0, 1] and is
// not empty at k = 0 or k = n.

/**
 * Wilson score interval for k successes in n trials (k may be fractional, e.g. weighted pair
 * counts); null when n ≤ 0. Default z: 95%.
 */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] | null {
  if (!(n > 0)) return null;
  // k from a share × n (accuracy × pairs) may miss [0, n] by a rounding error; more is a bug.
  const slack = 1e-9 * n;
  if (!(k >= -slack && k <= n + slack)) throw new Error(`wilsonInterval: k must be in [0, n], got k = ${k}, n = ${n}`);
  const p = Math.min(1, Math.max(0, k / n));
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
