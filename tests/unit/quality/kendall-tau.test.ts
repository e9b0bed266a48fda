import { describe, expect, it } from "vitest";
import { kendallTauB, tauBCounts, tauBFromCounts } from "@/lib/quality/kendall-tau";

describe("Kendall's tau-b", () => {
  it("matches a case counted by hand, with ties on both sides", () => {
    // Pairs of items (1..4): (1,2) tied in y; (2,3) tied in x; the other four concordant.
    const x = [1, 2, 2, 3];
    const y = [1, 1, 2, 3];
    expect(tauBCounts(x, y)).toEqual({ n: 4, concordant: 4, discordant: 0, tiedX: 1, tiedY: 1 });
    // (C − D) / sqrt((n0 − n1)(n0 − n2)) = 4 / sqrt(5 · 5).
    expect(kendallTauB(x, y)).toBeCloseTo(0.8, 12);
    // One discordant pair (1,2), one pair tied in y (3,4), eight concordant: 7 / sqrt(10 · 9).
    const c = tauBCounts([1, 2, 3, 4, 5], [2, 1, 3, 3, 5]);
    expect(c).toEqual({ n: 5, concordant: 8, discordant: 1, tiedX: 0, tiedY: 1 });
    expect(tauBFromCounts(c)).toBeCloseTo(7 / Math.sqrt(90), 12);
  });

  it("agrees with scipy.stats.kendalltau's documented example (-0.4714)", () => {
    expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 12);
  });

  it("is 1 for identical rankings, -1 for reversed ones, null when a side is all tied", () => {
    expect(kendallTauB([1, 2.5, 2.5, 4], [1, 2.5, 2.5, 4])).toBe(1);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kendallTauB([1, 2, 3], [2, 2, 2])).toBeNull();
    expect(kendallTauB([1], [1])).toBeNull();
    expect(() => kendallTauB([1, 2], [1])).toThrow(/2 and 1 items/);
  });
});
