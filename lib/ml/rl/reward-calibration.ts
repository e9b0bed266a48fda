// How far a reward model's confidence can be trusted: the reliability table of its pairwise
// predictions (Guo et al. 2017's confidence against accuracy, for Bradley–Terry pairs).
//
// Every annotated pair (i preferred over j, weighted by its count) is counted ONCE, from the
// model's favourite: its confidence is σ(|r_i − r_j|) ∈ [0.5, 1), the probability the
// Bradley–Terry model gives to its favourite being preferred, and the outcome is 1 when the
// annotators preferred that favourite. So the table's counts sum to the pairs of the set
// (metrics.json's eval_pairs), and Σ count · observed is the pairs the model orders right
// (eval_accuracy · eval_pairs): an exact tie in reward has no favourite and counts as wrong, as
// in eval_accuracy. A calibrated model's observed share matches its mean confidence per bin.
//
// Tables written before this orientation counted each pair twice, (chosen, rejected) and
// (rejected, chosen), in 10 bins over [0, 1]; their upper half is this table at twice the
// resolution (legacyCalibrationBins reads them so).
import type { EncodedRanking } from "./reward-data";

/** One bin of the calibration table: pairs whose model confidence σ(|r_a − r_b|) fell in [lo, hi). */
export interface CalibrationBin {
  lo: number;
  hi: number;
  /** Pairs in the bin (sums of pair counts; each annotated pair once). */
  count: number;
  /** Mean confidence in the bin: the predicted probability that the model's favourite is the preferred one (null when empty). */
  meanPredicted: number | null;
  /** Share of the bin's pairs where the annotators preferred the model's favourite (null when empty). */
  observed: number | null;
}

export interface Calibration {
  /** Which rankings it was computed on: the held-out ones, or the training ones when none are held out. */
  set: "eval" | "train";
  /** Each pair counted once, from the model's favourite (tables without this field counted both orientations). */
  orientation: "favourite";
  bins: CalibrationBin[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The confidence bins over [0.5, 1] (default 5, each 0.1 wide), each pair of the rankings counted once. */
export function calibrationTable(rewards: readonly (readonly number[])[], rankings: readonly Pick<EncodedRanking, "pairs">[], bins = 5): CalibrationBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`calibrationTable: bins must be a positive integer, got ${bins}`);
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  rankings.forEach((rk, b) => {
    const r = rewards[b];
    const k = r.length;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const w = rk.pairs[i * k + j]; // i preferred over j, w times
        if (w === 0) continue;
        const diff = r[i] - r[j];
        const confidence = sigmoid(Math.abs(diff));
        const bin = Math.min(bins - 1, Math.max(0, Math.floor((confidence - 0.5) * 2 * bins)));
        count[bin] += w;
        predicted[bin] += w * confidence;
        observed[bin] += diff > 0 ? w : 0; // the favourite is i, the preferred one
      }
    }
  });
  return Array.from({ length: bins }, (_, i) => ({
    lo: 0.5 + i / (2 * bins),
    hi: 0.5 + (i + 1) / (2 * bins),
    count: count[i],
    meanPredicted: count[i] > 0 ? predicted[i] / count[i] : null,
    observed: count[i] > 0 ? observed[i] / count[i] : null,
  }));
}

/**
 * A table written before the favourite orientation (both orientations of each pair over
 * [0, 1]) as this one: its bins from 0.5 up, which hold each pair once (from its favourite).
 */
export function legacyCalibrationBins(bins: readonly CalibrationBin[]): CalibrationBin[] {
  return bins.filter((b) => b.lo >= 0.5 - 1e-9);
}
