import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/ml/random";
import { bootstrapIntervals, drawCounts, percentileInterval, quantileSorted } from "@/lib/quality/bootstrap";

describe("percentile bootstrap", () => {
  it("interpolates quantiles as numpy does and ignores NaN draws", () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(percentileInterval([NaN, 5, 1, 3, NaN], 0.5)).toEqual({ low: 2, high: 4 });
    expect(percentileInterval([NaN])).toBeNull();
  });

  it("draws as many units as there are, with replacement", () => {
    const counts = new Int32Array(50);
    const random = mulberry32(1);
    drawCounts(counts, random);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(50);
    // With replacement: some unit is drawn twice or more (all-ones has probability 50!/50^50).
    expect(Math.max(...counts)).toBeGreaterThan(1);
  });

  it("covers a mean as the normal approximation does, and repeats for a seed", () => {
    const random = mulberry32(5);
    const x = Array.from({ length: 400 }, () => random());
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
    const statistic = (counts: Int32Array) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += counts[i] * x[i];
      return [s / x.length, null];
    };
    const [interval, undefinedFigure] = bootstrapIntervals(x.length, statistic, { resamples: 2000, seed: 9 });
    const half = (1.96 * sd) / Math.sqrt(x.length);
    expect(interval!.low).toBeCloseTo(mean - half, 2);
    expect(interval!.high).toBeCloseTo(mean + half, 2);
    expect(undefinedFigure).toBeNull();
    expect(bootstrapIntervals(x.length, statistic, { resamples: 2000, seed: 9 })[0]).toEqual(interval);
    expect(bootstrapIntervals(x.length, statistic, { resamples: 0, seed: 9 })).toEqual([]);
    expect(() => bootstrapIntervals(3, statistic, { resamples: 1.5, seed: 0 })).toThrow(/resamples/);
  });
});
