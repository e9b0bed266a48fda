import { describe, expect, it } from "vitest";
import { mixSeed, mulberry32, oracleOrder, samplePlackettLuce, tieIdentical } from "@/lib/simulate/plackett-luce";

describe("Plackett–Luce sampling", () => {
  it("beta = 0 gives the oracle order with equal scores tied", () => {
    expect(samplePlackettLuce([0, 1, 0.5, 1], 0, mulberry32(1))).toEqual([[1, 3], [2], [0]]);
    expect(oracleOrder([2, 2, 2])).toEqual([[0, 1, 2]]);
  });

  it("beta > 0 gives a strict order of every item", () => {
    const groups = samplePlackettLuce([0, 1, 0.5, 1], 0.7, mulberry32(3));
    expect(groups.every((g) => g.length === 1)).toBe(true);
    expect(groups.flat().sort()).toEqual([0, 1, 2, 3]);
  });

  it("is deterministic for a seed", () => {
    const draw = (seed: number) =>
      Array.from({ length: 20 }, (_, i) =>
        samplePlackettLuce([0, 1, 0, 1], 1, mulberry32(mixSeed(seed, i)))
          .flat()
          .join(""),
      );
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it("for K = 2, puts item 1 first with probability e^u1 / (e^u1 + e^u2)", () => {
    const scores = [1, 0.2];
    for (const beta of [0.5, 1, 2]) {
      const random = mulberry32(mixSeed(42, beta * 10));
      const n = 4000;
      let first = 0;
      for (let i = 0; i < n; i++) if (samplePlackettLuce(scores, beta, random)[0][0] === 0) first++;
      const [u1, u2] = scores.map((s) => s / beta);
      const p = Math.exp(u1) / (Math.exp(u1) + Math.exp(u2));
      // 4 standard errors.
      expect(Math.abs(first / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it("for K = 3, the first-place frequencies are the softmax of the utilities", () => {
    const scores = [0, 0.5, 1];
    const random = mulberry32(9);
    const n = 6000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[samplePlackettLuce(scores, 1, random)[0][0]]++;
    const z = scores.reduce((s, x) => s + Math.exp(x), 0);
    scores.forEach((s, i) => expect(Math.abs(counts[i] / n - Math.exp(s) / z)).toBeLessThan(0.025));
  });

  it("rejects a negative or non-finite noise", () => {
    expect(() => samplePlackettLuce([0, 1], -1, mulberry32(1))).toThrow(/noise/);
    expect(() => samplePlackettLuce([0, 1], Infinity, mulberry32(1))).toThrow(/noise/);
  });

  it("ties completions with the same text, in the group of the better-placed copy", () => {
    const texts = ["Paris.", "Lyon.", "Paris. ", "Nice.", "Lyon."];
    expect(tieIdentical([[3], [2], [1], [0], [4]], texts)).toEqual([[3], [0, 2], [1, 4]]);
    expect(
      tieIdentical(
        [
          [0, 1],
          [2, 3, 4],
        ],
        texts,
      ),
    ).toEqual([[0, 1, 2, 4], [3]]);
    expect(tieIdentical([[1], [0]], ["a", "b"])).toEqual([[1], [0]]);
  });
});
