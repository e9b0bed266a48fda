import { describe, expect, it } from "vitest";
import { wilsonInterval } from "@/lib/stats/wilson";
import { wilsonInterval as fromRounds } from "@/lib/rounds/rounds";

describe("wilsonInterval", () => {
  it("matches the published figures", () => {
    // 1 of 12 (the "8.3%" reward model of issue 10): [1.5%, 35.4%].
    const [lo, hi] = wilsonInterval(1, 12)!;
    expect(lo).toBeCloseTo(0.01486, 4);
    expect(hi).toBeCloseTo(0.35387, 4);
    // 81 of 263 (Newcombe 1998's example set): [0.2553, 0.3662].
    const [a, b] = wilsonInterval(81, 263)!;
    expect(a).toBeCloseTo(0.2553, 3);
    expect(b).toBeCloseTo(0.3662, 3);
  });

  it("stays inside [0, 1], is not empty at 0 or n, and narrows as n grows at the same share", () => {
    expect(wilsonInterval(0, 5)![0]).toBe(0);
    expect(wilsonInterval(0, 5)![1]).toBeGreaterThan(0.4);
    expect(wilsonInterval(5, 5)![1]).toBe(1);
    expect(wilsonInterval(5, 5)![0]).toBeLessThan(0.6);
    const width = (k: number, n: number) => {
      const [l, h] = wilsonInterval(k, n)!;
      return h - l;
    };
    expect(width(6, 12)).toBeGreaterThan(width(60, 120));
    expect(width(60, 120)).toBeGreaterThan(width(600, 1200));
  });

  it("takes fractional counts (accuracy × weighted pairs) and forgives a rounding error, not a bug", () => {
    expect(wilsonInterval(0.7 * 10, 10)).toEqual(wilsonInterval(7, 10));
    expect(wilsonInterval(10 + 1e-12, 10)![1]).toBe(1);
    expect(() => wilsonInterval(11, 10)).toThrow(/k must be in \[0, n\]/);
    expect(() => wilsonInterval(-1, 10)).toThrow(/k must be in \[0, n\]/);
  });

  it("has no interval without trials", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(0, -1)).toBeNull();
  });

  it("is the one rounds re-exports", () => {
    expect(fromRounds).toBe(wilsonInterval);
  });
});
