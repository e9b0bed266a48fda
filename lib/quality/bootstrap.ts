// A seeded percentile bootstrap over units (tasks, rankings): each resample draws as many units
// as there are, with replacement, and hands the statistic how many times each unit was drawn
// (multinomial counts), so a statistic that is a sum over units is a weighted sum, not a
// recomputation from the raw data. The interval is the (1 − level)/2 and (1 + level)/2
// quantiles of the resampled figures (linear interpolation between order statistics, as
// numpy's default). Deterministic given the seed (mulberry32, lib/ml/random).
import { mulberry32 } from "../ml/random";

export interface BootstrapOptions {
  /** Resamples drawn (0 gives no interval). */
  resamples: number;
  seed: number;
  /** Coverage of the interval, 0.95 by default. */
  level?: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, interpolating linearly between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error("quantileSorted: no values");
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** The central `level` percentile interval of `samples` (NaN entries are ignored); null when none is left. */
export function percentileInterval(samples: ArrayLike<number>, level = 0.95): Interval | null {
  const finite = Float64Array.from(samples).filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return null;
  finite.sort();
  const tail = (1 - level) / 2;
  return { low: quantileSorted(finite, tail), high: quantileSorted(finite, 1 - tail) };
}

/** Fills `counts` (length = units) with how many times each unit is drawn in one resample of that size. */
export function drawCounts(counts: Int32Array, random: () => number): void {
  const n = counts.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(random() * n)] += 1;
}

/**
 * Percentile intervals for several figures at once. `statistic(counts)` returns the figures of
 * one resample (null where a figure is undefined in that resample; those draws are left out of
 * its interval). Returns one interval per figure, null where no resample defined it.
 */
export function bootstrapIntervals(
  units: number,
  statistic: (counts: Int32Array) => readonly (number | null)[],
  options: BootstrapOptions,
): (Interval | null)[] {
  const { resamples, seed, level = 0.95 } = options;
  if (!Number.isInteger(resamples) || resamples < 0) throw new Error(`bootstrap: resamples must be a non-negative integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  if (resamples === 0 || units === 0) return [];
  const random = mulberry32(seed);
  const counts = new Int32Array(units);
  let draws: Float64Array[] = [];
  for (let b = 0; b < resamples; b++) {
    drawCounts(counts, random);
    const figures = statistic(counts);
    if (b === 0) draws = figures.map(() => new Float64Array(resamples));
    figures.forEach((v, i) => (draws[i][b] = v === null || !Number.isFinite(v) ? NaN : v));
  }
  return draws.map((samples) => percentileInterval(samples, level));
}
