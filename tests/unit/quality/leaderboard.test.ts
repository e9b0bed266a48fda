import { describe, expect, it } from "vitest";
import { computeLeaderboard, quantileSorted, type RankedGroups } from "@/lib/quality/leaderboard";
import { mixSeed, mulberry32, samplePlackettLuce } from "@/lib/simulate/plackett-luce";

// Three models of known quality on the Elo scale (mean 1000): strong, middling, weak.
const TRUE_ELO: Record<string, number> = { strong: 1200, middling: 1000, weak: 800 };
const MODELS = Object.keys(TRUE_ELO);

/**
 * `tasks` tasks of K = 4 completions, each from a model drawn at random; one annotator ranks
 * each by Plackett–Luce with utilities ln p = Elo · ln10 / 400, whose pairwise marginals are
 * exactly Bradley–Terry's 1 / (1 + 10^(−ΔElo/400)).
 */
function simulate(tasks: number, seed: number) {
  const random = mulberry32(seed);
  const modelOf = new Map<number, string>();
  const rankings: RankedGroups[] = [];
  let nextId = 1;
  for (let t = 0; t < tasks; t++) {
    const ids = Array.from({ length: 4 }, () => nextId++);
    const models = ids.map(() => MODELS[Math.floor(random() * MODELS.length)]);
    ids.forEach((id, i) => modelOf.set(id, models[i]));
    const utilities = models.map((m) => (TRUE_ELO[m] * Math.LN10) / 400);
    const order = samplePlackettLuce(utilities, 1, mulberry32(mixSeed(seed, t)));
    rankings.push({ groups: order.map((group) => group.map((i) => ids[i])) });
  }
  return { rankings, modelOf: (id: number) => modelOf.get(id) };
}

describe("the leaderboard recovers three models of known quality", () => {
  const { rankings, modelOf } = simulate(400, 2024);
  const board = computeLeaderboard(rankings, modelOf, { resamples: 200, seed: 1 });

  it("orders the models as their true strengths", () => {
    expect(board.models.map((m) => m.model)).toEqual(["strong", "middling", "weak"]);
    expect(board.models.map((m) => m.rank)).toEqual([1, 2, 3]);
    const mean = board.models.reduce((s, m) => s + m.rating, 0) / 3;
    expect(mean).toBeCloseTo(1000, 8);
  });

  it("each 95% interval holds the true rating, and well-separated models' intervals do not overlap", () => {
    for (const m of board.models) {
      expect(m.lower).not.toBeNull();
      expect(m.lower!).toBeLessThanOrEqual(m.rating);
      expect(m.upper!).toBeGreaterThanOrEqual(m.rating);
      expect(TRUE_ELO[m.model]).toBeGreaterThan(m.lower!);
      expect(TRUE_ELO[m.model]).toBeLessThan(m.upper!);
      // Informative: a few hundred rankings pin a rating to well within ±100.
      expect(m.upper! - m.lower!).toBeLessThan(100);
    }
    const [strong, middling, weak] = board.models;
    expect(strong.lower!).toBeGreaterThan(middling.upper!);
    expect(middling.lower!).toBeGreaterThan(weak.upper!);
  });

  it("counts every pair of different models once, by model, with wins, losses and ties", () => {
    const expected = Object.fromEntries(MODELS.map((m) => [m, { comparisons: 0, wins: 0, losses: 0 }]));
    let total = 0;
    let same = 0;
    for (const r of rankings) {
      const order = r.groups.flat();
      for (let i = 0; i < order.length; i++) {
        for (let j = i + 1; j < order.length; j++) {
          const [w, l] = [modelOf(order[i])!, modelOf(order[j])!];
          if (w === l) {
            same++;
            continue;
          }
          total++;
          expected[w].comparisons++;
          expected[l].comparisons++;
          expected[w].wins++;
          expected[l].losses++;
        }
      }
    }
    expect(board.comparisons).toBe(total);
    expect(board.sameModelPairs).toBe(same);
    expect(total + same).toBe(400 * 6);
    for (const m of board.models) {
      expect({ comparisons: m.comparisons, wins: m.wins, losses: m.losses }).toEqual(expected[m.model]);
      expect(m.ties).toBe(0);
    }
    expect(board.rankings).toBe(400);
  });

  it("is deterministic for a seed, and the seed moves only the intervals", () => {
    const again = computeLeaderboard(rankings, modelOf, { resamples: 200, seed: 1 });
    expect(again).toEqual(board);
    const other = computeLeaderboard(rankings, modelOf, { resamples: 200, seed: 2 });
    expect(other.models.map((m) => m.rating)).toEqual(board.models.map((m) => m.rating));
    expect(other.models.map((m) => m.lower)).not.toEqual(board.models.map((m) => m.lower));
  });
});

describe("the leaderboard's pairs", () => {
  it("a tie group gives ties, same-model and model-less pairs are left out", () => {
    // Completions 1 (A), 2 (B) tied above 3 (C), 4 (A) and 5 (no model).
    const models: Record<number, string | null> = { 1: "A", 2: "B", 3: "C", 4: "A", 5: null };
    const board = computeLeaderboard([{ groups: [[1, 2], [3], [4, 5]] }], (id) => models[id], { resamples: 0 });
    const by = Object.fromEntries(board.models.map((m) => [m.model, m]));
    // A–B tie; A > C; B > C; B > A(4); C > A(4); A(1)–A(4) same model; 4 pairs with 5 left out.
    expect(board.comparisons).toBe(5);
    expect(board.sameModelPairs).toBe(1);
    expect(board.unattributedPairs).toBe(4);
    expect({ ...by.A, rating: 0 }).toMatchObject({ comparisons: 4, wins: 1, losses: 2, ties: 1, lower: null, upper: null });
    expect(by.B).toMatchObject({ comparisons: 3, wins: 2, losses: 0, ties: 1 });
    expect(by.C).toMatchObject({ comparisons: 3, wins: 1, losses: 2, ties: 0 });
    expect(board.rankingsUsed).toBe(1);
  });

  it("two models: the Elo gap is 400·log10(wins / losses) without a prior", () => {
    const rankings = [...Array.from({ length: 7 }, () => ({ groups: [[1], [2]] })), ...Array.from({ length: 3 }, () => ({ groups: [[2], [1]] }))];
    const board = computeLeaderboard(rankings, (id) => (id === 1 ? "A" : "B"), { resamples: 50, seed: 3, prior: 0.001 });
    expect(board.models[0].model).toBe("A");
    expect(board.models[0].rating - board.models[1].rating).toBeCloseTo(400 * Math.log10(7 / 3), 0);
    expect(board.models[0].lower!).toBeLessThan(board.models[0].rating);
  });

  it("no rankings: an empty leaderboard; the quantile interpolates", () => {
    expect(computeLeaderboard([], () => "A").models).toEqual([]);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([0, 10], 0.025)).toBeCloseTo(0.25, 10);
    expect(() => computeLeaderboard([], () => "A", { resamples: -1 })).toThrow(/resamples/);
  });
});
