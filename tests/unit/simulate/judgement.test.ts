import { describe, expect, it } from "vitest";
import { addAgreement, pairAgreement, type PairAgreement } from "@/lib/simulate/agreement";
import { sampleJudgement } from "@/lib/simulate/judgement";
import { mixSeed, mulberry32 } from "@/lib/simulate/plackett-luce";

describe("judged rankings", () => {
  it("error 0 ranks by verdict and ties the answers judged alike", () => {
    expect(sampleJudgement([0, 1, 0, 1], [1, 0], 0, mulberry32(1))).toEqual({
      groups: [
        [1, 3],
        [0, 2],
      ],
      judged: [0, 1, 0, 1],
    });
    expect(sampleJudgement([0, 0, 0], [1, 0], 0, mulberry32(1)).groups).toEqual([[0, 1, 2]]);
  });

  it("misjudges each answer with the given probability", () => {
    const random = mulberry32(7);
    let flipped = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) if (sampleJudgement([1], [1, 0], 0.1, random).judged[0] === 0) flipped++;
    expect(Math.abs(flipped / n - 0.1)).toBeLessThan(0.01);
  });

  it("agrees with the oracle on (1 − error)² of its ordered pairs, and orders tied pairs only when it misjudges", () => {
    const error = 0.15;
    let total: PairAgreement = { pairs: 0, agreed: 0 };
    let reversed = 0;
    let tiedPairsOrdered = 0;
    let tiedPairs = 0;
    for (let t = 0; t < 5000; t++) {
      const scores = [1, 0, 1, 0];
      const { groups } = sampleJudgement(scores, [1, 0], error, mulberry32(mixSeed(3, t)));
      total = addAgreement(total, pairAgreement(scores, groups));
      const rank = new Map(groups.flatMap((g, gi) => g.map((i) => [i, gi] as const)));
      for (const [better, worse] of [
        [0, 1],
        [0, 3],
        [2, 1],
        [2, 3],
      ])
        if (rank.get(better)! > rank.get(worse)!) reversed++;
      for (const [a, b] of [
        [0, 2],
        [1, 3],
      ]) {
        tiedPairs++;
        if (rank.get(a) !== rank.get(b)) tiedPairsOrdered++;
      }
    }
    expect(Math.abs(total.agreed / total.pairs - (1 - error) ** 2)).toBeLessThan(0.015);
    expect(Math.abs(reversed / total.pairs - error ** 2)).toBeLessThan(0.01);
    expect(Math.abs(tiedPairsOrdered / tiedPairs - 2 * error * (1 - error))).toBeLessThan(0.015);
  });

  it("refuses a score that is not a verdict and an error outside [0, 1)", () => {
    expect(() => sampleJudgement([0.5], [1, 0], 0.1, mulberry32(1))).toThrow(/not one of the oracle's verdicts/);
    expect(() => sampleJudgement([1], [1, 0], 1, mulberry32(1))).toThrow(/judge error/);
  });
});
