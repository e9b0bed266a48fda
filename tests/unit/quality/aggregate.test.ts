import { describe, expect, it } from "vitest";
import { aggregateRankings, bordaRanking, bordaScores, kemenyRanking, kendallDistanceTotal, type Groups } from "@/lib/quality/aggregate";
import { mulberry32 } from "@/lib/ml/random";

// Completions a, b, c, d are ids 1, 2, 3, 4.
const [a, b, c, d] = [1, 2, 3, 4];
const repeat = (n: number, groups: Groups) => Array.from({ length: n }, () => groups);

describe("Borda", () => {
  it("points: completions strictly below plus half the tied ones, summed over annotators", () => {
    // [a, b] tied above c: a = 1 + ½, b = 1 + ½, c = 0. c > a > b: c = 2, a = 1, b = 0.
    const rankings = [
      [[a, b], [c]],
      [[c], [a], [b]],
    ];
    expect(Object.fromEntries(bordaScores(rankings))).toEqual({ [a]: 2.5, [b]: 1.5, [c]: 2 });
    expect(bordaRanking(rankings)).toEqual([[a], [c], [b]]);
  });

  it("equal totals share a group", () => {
    // a > b > c twice, b > c > a once: a = 2 + 2 + 0 = 4, b = 1 + 1 + 2 = 4, c = 0 + 0 + 1 = 1.
    expect(
      bordaRanking([
        [[a], [b], [c]],
        [[a], [b], [c]],
        [[b], [c], [a]],
      ]),
    ).toEqual([[a, b], [c]]);
    expect(
      bordaRanking([
        [[a], [b]],
        [[b], [a]],
      ]),
    ).toEqual([[a, b]]);
  });
});

describe("Kemeny", () => {
  it("differs from Borda: the Condorcet winner a against Borda's b", () => {
    // 3 × (a > b > c), 2 × (b > c > a). Borda: a = 3·2 = 6, b = 3·1 + 2·2 = 7, c = 2·1 = 2 → b, a, c.
    // Pairwise: a beats b 3:2 and c 3:2; b beats c 5:0. Kemeny distances: a > b > c costs
    // 2 + 2 + 0 = 4; b > a > c costs 3 + 2 + 0 = 5; every other order costs more → a, b, c.
    const rankings = [...repeat(3, [[a], [b], [c]]), ...repeat(2, [[b], [c], [a]])];
    expect(bordaRanking(rankings)).toEqual([[b], [a], [c]]);
    expect(kemenyRanking(rankings)).toEqual([[a], [b], [c]]);
    expect(kendallDistanceTotal([[a], [b], [c]], rankings)).toBe(4);
    expect(kendallDistanceTotal([[b], [a], [c]], rankings)).toBe(5);
    expect(aggregateRankings("borda", rankings)).toEqual(bordaRanking(rankings));
    expect(aggregateRankings("kemeny", rankings)).toEqual(kemenyRanking(rankings));
  });

  it("with ties: keeps a tie two annotators made where Borda splits it", () => {
    // 2 × ([a, b] > c), 1 × (c > a > b). Borda: a = 1.5 + 1.5 + 1 = 4, b = 1.5 + 1.5 + 0 = 3, c = 2.
    // Kemeny (a pair costs 1 when ordered oppositely, ½ when tied on one side only):
    //   [a, b] > c: tie a–b costs ½ (the one strict annotator), a > c costs 1, b > c costs 1 → 2.5
    //   a > b > c:  a > b costs ½ + ½ (two tied it), a > c 1, b > c 1 → 3
    const rankings = [...repeat(2, [[a, b], [c]]), [[c], [a], [b]]];
    expect(bordaRanking(rankings)).toEqual([[a], [b], [c]]);
    expect(kemenyRanking(rankings)).toEqual([[a, b], [c]]);
    expect(kendallDistanceTotal([[a, b], [c]], rankings)).toBe(2.5);
    expect(kendallDistanceTotal([[a], [b], [c]], rankings)).toBe(3);
  });

  it("tie-breaking: a balanced pair is tied; a Condorcet cycle falls to the smaller id", () => {
    // a > b once and b > a once: a > b, b > a and [a, b] all cost 1 → the larger group, the tie.
    expect(
      kemenyRanking([
        [[a], [b]],
        [[b], [a]],
      ]),
    ).toEqual([[a, b]]);
    // a > b > c, b > c > a, c > a > b: the three rotations cost 4, the rest 5 or more (a tie of
    // all three 4.5); equal Borda totals (3 each), so the first group is the smallest id, a; then
    // b > c (cost 1) beats c > b (2) and [b, c] (1.5).
    const cycle = [
      [[a], [b], [c]],
      [[b], [c], [a]],
      [[c], [a], [b]],
    ];
    expect(kemenyRanking(cycle)).toEqual([[a], [b], [c]]);
    expect(bordaRanking(cycle)).toEqual([[a, b, c]]);
  });

  it("unanimous rankings come back as they are, ties included", () => {
    const ranking = [[c], [a, d], [b]];
    expect(kemenyRanking(repeat(3, ranking))).toEqual([[c], [a, d], [b]]);
    expect(bordaRanking(repeat(3, ranking))).toEqual([[c], [a, d], [b]]);
  });

  it("finds the least total distance: brute force over every ranking with ties of up to 5 completions", () => {
    const random = mulberry32(11);
    const randomRanking = (ids: number[]): number[][] => {
      const shuffled = [...ids].sort(() => random() - 0.5);
      const groups: number[][] = [];
      for (const id of shuffled) {
        if (groups.length > 0 && random() < 0.3) groups[groups.length - 1].push(id);
        else groups.push([id]);
      }
      return groups;
    };
    // Every weak order (ordered set partition) of ids.
    const weakOrders = (ids: number[]): number[][][] => {
      if (ids.length === 0) return [[]];
      const out: number[][][] = [];
      for (let mask = 1; mask < 1 << ids.length; mask++) {
        const first = ids.filter((_, i) => mask & (1 << i));
        const rest = ids.filter((_, i) => !(mask & (1 << i)));
        for (const tail of weakOrders(rest)) out.push([first, ...tail]);
      }
      return out;
    };
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + (trial % 4);
      const ids = Array.from({ length: n }, (_, i) => 10 + i);
      const rankings = Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomRanking(ids));
      const best = Math.min(...weakOrders(ids).map((w) => kendallDistanceTotal(w, rankings)));
      const kemeny = kemenyRanking(rankings);
      expect(kemeny.flat().sort()).toEqual(ids);
      expect(kendallDistanceTotal(kemeny, rankings)).toBe(best);
    }
  });

  it("a completion missing from a ranking takes part in none of its pairs; limits are named", () => {
    // The second annotator did not see c: only a–b counts from it.
    expect(
      Object.fromEntries(
        bordaScores([
          [[c], [a], [b]],
          [[b], [a]],
        ]),
      ),
    ).toEqual({ [a]: 1, [b]: 1, [c]: 2 });
    expect(() => kemenyRanking([[Array.from({ length: 13 }, (_, i) => i)]])).toThrow(/12 completions/);
    expect(() => bordaRanking([[[a], [a]]])).toThrow(/appears twice/);
    expect(kemenyRanking([])).toEqual([]);
  });
});
