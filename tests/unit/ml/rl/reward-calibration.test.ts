// The calibration table counts each annotated pair once (from the model's favourite), so its
// total equals the set's pairs (eval_pairs) and Σ count · observed equals the pairs ordered right.
import { describe, expect, it } from "vitest";
import { calibrationTable, legacyCalibrationBins } from "@/lib/ml/rl/reward-calibration";
import { evaluateRewards } from "@/lib/ml/rl/train-reward-model";
import { preferenceMatrix } from "@/lib/ml/rl/ranking-loss";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const total = (bins: { count: number }[]) => bins.reduce((s, b) => s + b.count, 0);

describe("calibrationTable", () => {
  it("counts one ranking of 4 (6 pairs) as 6, not 12, and bins by the favourite's confidence", () => {
    // Annotators: 0 > 1 > 2 > 3. The model orders 0 > 1 > 3 > 2 (one pair wrong).
    const rewards = [[2, 1, -1, 0]];
    const rankings = [{ pairs: preferenceMatrix([[0], [1], [2], [3]], 4) }];
    const bins = calibrationTable(rewards, rankings);
    expect(bins.map((b) => [b.lo, b.hi])).toEqual([
      [0.5, 0.6],
      [0.6, 0.7],
      [0.7, 0.8],
      [0.8, 0.9],
      [0.9, 1],
    ]);
    expect(total(bins)).toBe(6);
    const ev = evaluateRewards(rewards, rankings, { margin: 0, centring: 0 });
    expect(ev.pairs).toBe(6);
    expect(ev.accuracy).toBeCloseTo(5 / 6, 12);
    expect(bins.reduce((s, b) => s + b.count * (b.observed ?? 0), 0)).toBeCloseTo(5, 12);
    // Differences: 1 (0-1), 3 (0-2), 2 (0-3), 2 (1-2), 1 (1-3), −1 (2-3, wrong): σ(1) = 0.731, σ(2) = 0.881, σ(3) = 0.953.
    const third = bins[2]; // [0.7, 0.8): the three pairs one apart, one of them wrong
    expect(third.count).toBe(3);
    expect(third.observed).toBeCloseTo(2 / 3, 12);
    expect(third.meanPredicted).toBeCloseTo(sigmoid(1), 12);
    expect(bins[3].count).toBe(2); // σ(2) = 0.881
    expect(bins[3].observed).toBe(1);
    expect(bins[4].count).toBe(1); // σ(3) = 0.953
    expect(bins[0]).toMatchObject({ count: 0, meanPredicted: null, observed: null });
  });

  it("weights merged rankings by their counts, disagreements included, and counts a tie in reward as wrong", () => {
    // Three annotators on two completions: two prefer 0, one prefers 1 → 3 pairs.
    const merged = { pairs: Float64Array.from([0, 2, 1, 0]) };
    const tie = { pairs: Float64Array.from([0, 1, 0, 0]) };
    const bins = calibrationTable(
      [
        [0.5, 0],
        [3, 3],
      ],
      [merged, tie],
    );
    expect(total(bins)).toBe(4);
    const ev = evaluateRewards(
      [
        [0.5, 0],
        [3, 3],
      ],
      [merged, tie],
      { margin: 0, centring: 0 },
    );
    expect(ev.pairs).toBe(4);
    expect(bins.reduce((s, b) => s + b.count * (b.observed ?? 0), 0)).toBeCloseTo(ev.accuracy * ev.pairs, 12);
    // σ(0.5) = 0.62 holds the 3 merged pairs (2 right); the tie (σ(0) = 0.5) sits in the first bin, wrong.
    expect(bins[1]).toMatchObject({ count: 3 });
    expect(bins[1].observed).toBeCloseTo(2 / 3, 12);
    expect(bins[0]).toMatchObject({ count: 1, meanPredicted: 0.5, observed: 0 });
  });

  it("is empty (all bins zero) without pairs, and refuses a bin count that is not a positive integer", () => {
    expect(total(calibrationTable([], []))).toBe(0);
    expect(() => calibrationTable([], [], 0)).toThrow(/bins/);
  });
});

describe("legacyCalibrationBins", () => {
  it("reads a table that counted both orientations as each pair once (its upper half)", () => {
    const legacy = Array.from({ length: 10 }, (_, i) => ({
      lo: i / 10,
      hi: (i + 1) / 10,
      count: i === 2 || i === 7 ? 12 : 0,
      meanPredicted: null,
      observed: null,
    }));
    const once = legacyCalibrationBins(legacy);
    expect(once.map((b) => b.lo)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(total(once)).toBe(12);
  });
});
