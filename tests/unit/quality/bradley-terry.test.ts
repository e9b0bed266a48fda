import { describe, expect, it } from "vitest";
import { eloRatings, fitBradleyTerry, fitLogStrengths } from "@/lib/quality/bradley-terry";
import { mulberry32 } from "@/lib/ml/random";

const byName = (fit: ReturnType<typeof fitBradleyTerry>) => Object.fromEntries(fit.players.map((p) => [p.player, p]));

describe("Bradley–Terry, two players in closed form", () => {
  // With two players the likelihood w·log(pA/(pA+pB)) + l·log(pB/(pA+pB)) is maximised at
  // pA/(pA+pB) = w/(w+l), i.e. pA/pB = w/l; on the Elo scale the gap is 400·log10(w/l), split
  // evenly around the mean 1000.
  it("A beats B w times and loses l times: strength ratio w/l, Elo gap 400·log10(w/l)", () => {
    const fit = byName(
      fitBradleyTerry(
        [
          { winner: "A", loser: "B", weight: 7 },
          { winner: "B", loser: "A", weight: 3 },
        ],
        { prior: 0 },
      ),
    );
    expect(fit.A.strength / fit.B.strength).toBeCloseTo(7 / 3, 8);
    expect(fit.A.rating - fit.B.rating).toBeCloseTo(400 * Math.log10(7 / 3), 6);
    expect(fit.A.rating).toBeCloseTo(1000 + 200 * Math.log10(7 / 3), 6);
    expect(fit.B.rating).toBeCloseTo(1000 - 200 * Math.log10(7 / 3), 6);
    expect([fit.A.comparisons, fit.B.comparisons]).toEqual([10, 10]);
    expect([fit.A.wins, fit.B.wins]).toEqual([7, 3]);
  });

  it("a tie counts half a win to each side: 5 wins, 2 losses, 4 ties give the ratio 7/4", () => {
    const outcomes = [
      ...Array.from({ length: 5 }, () => ({ winner: "A", loser: "B" })),
      ...Array.from({ length: 2 }, () => ({ winner: "B", loser: "A" })),
      ...Array.from({ length: 4 }, (_, i) => (i % 2 ? { winner: "A", loser: "B", tie: true } : { winner: "B", loser: "A", tie: true })),
    ];
    const fit = byName(fitBradleyTerry(outcomes, { prior: 0 }));
    expect(fit.A.strength / fit.B.strength).toBeCloseTo(7 / 4, 8);
    expect(fit.A.rating - fit.B.rating).toBeCloseTo(400 * Math.log10(7 / 4), 6);
    expect(fit.A.comparisons).toBe(11);
    expect(fit.A.wins).toBe(7);
  });

  it("the default prior barely moves a well-measured gap and keeps an unbeaten player finite", () => {
    const many = byName(
      fitBradleyTerry([
        { winner: "A", loser: "B", weight: 700 },
        { winner: "B", loser: "A", weight: 300 },
      ]),
    );
    expect(Math.abs(many.A.rating - many.B.rating - 400 * Math.log10(7 / 3))).toBeLessThan(1);
    const unbeaten = byName(fitBradleyTerry([{ winner: "A", loser: "B", weight: 10 }]));
    expect(Number.isFinite(unbeaten.A.rating) && Number.isFinite(unbeaten.B.rating)).toBe(true);
    expect(unbeaten.A.rating).toBeGreaterThan(unbeaten.B.rating + 200);
    expect(() => fitBradleyTerry([{ winner: "A", loser: "B", weight: 10 }], { prior: 0 })).toThrow(/not finite/);
  });
});

describe("Bradley–Terry with more players", () => {
  it("the fit solves the likelihood equations W_i = Σ_j N_ij · p_i / (p_i + p_j)", () => {
    const n = 5;
    const random = mulberry32(7);
    const wins = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 0 : 1 + Math.floor(random() * 20)));
    const { logStrengths, converged } = fitLogStrengths(wins, n, { prior: 0 });
    expect(converged).toBe(true);
    const p = Array.from(logStrengths, Math.exp);
    for (let i = 0; i < n; i++) {
      let observed = 0;
      let expected = 0;
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        observed += wins[i * n + j];
        expected += ((wins[i * n + j] + wins[j * n + i]) * p[i]) / (p[i] + p[j]);
      }
      expect(expected).toBeCloseTo(observed, 6);
    }
  });

  it("recovers known strengths from the expected win counts, and ratings average 1000", () => {
    const elo = [1250, 1000, 900, 850];
    const p = elo.map((e) => 10 ** (e / 400));
    const outcomes = [];
    for (let i = 0; i < elo.length; i++) {
      for (let j = 0; j < elo.length; j++) {
        if (i !== j) outcomes.push({ winner: `m${i}`, loser: `m${j}`, weight: (100 * p[i]) / (p[i] + p[j]) });
      }
    }
    const fit = fitBradleyTerry(outcomes, { prior: 0 });
    const mean = elo.reduce((a, b) => a + b) / elo.length;
    fit.players.forEach((pl, i) => expect(pl.rating).toBeCloseTo(elo[i] - mean + 1000, 5));
    expect(Array.from(eloRatings([0, Math.LN10])).map((r) => Math.round(r))).toEqual([800, 1200]);
  });

  it("a player with no comparison sits at the prior's reference; bad input is named", () => {
    const fit = byName(fitBradleyTerry([{ winner: "A", loser: "B", weight: 3 }], { players: ["C"] }));
    expect(fit.C.strength).toBeCloseTo(1, 8);
    expect(fit.C.comparisons).toBe(0);
    expect(() => fitBradleyTerry([{ winner: "A", loser: "A" }])).toThrow(/itself/);
    expect(() => fitBradleyTerry([{ winner: "A", loser: "B", weight: -1 }])).toThrow(/outcomes\[0\]\.weight/);
    expect(() => fitBradleyTerry([], { prior: -1 })).toThrow(/prior/);
  });
});
