import { describe, expect, it } from "vitest";
import { Graph, Session, float64 } from "@/lib/ml/onnx";
import { backward } from "@/lib/ml/onnx/autodiff";
import { gradcheck } from "@/lib/ml/onnx/gradcheck";
import { preferenceMatrix, rankingLoss } from "@/lib/ml/rl/ranking-loss";

// One ranking of K = 4 completions: 2 > (0 = 3) > 1, i.e. a tie between 0 and 3.
const K = 4;
const GROUPS = [[2], [0, 3], [1]];
const REWARDS = [0.5, -1.0, 1.5, 0.2];
const PAIRS: [number, number][] = [
  [2, 0],
  [2, 3],
  [2, 1],
  [0, 1],
  [3, 1],
];

const softplus = (x: number) => Math.log1p(Math.exp(x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

async function evaluate(options: { margin?: number; centring?: number }) {
  const g = new Graph();
  const r = g.input("rewards", "float64", [1, K]);
  const p = g.constant(preferenceMatrix(GROUPS, K), [1, K, K], "float64");
  const out = rankingLoss(g, r, p, options);
  g.output(out.loss, "loss");
  g.output(out.accuracy, "accuracy");
  g.output(out.margin, "margin");
  g.output(backward(g, out.loss, [r])[0], "grad");
  const s = await Session.create(g.toOnnx());
  const res = await s.run({ rewards: float64(REWARDS, [1, K]) });
  const scalar = (name: string) => (res[name].data as Float64Array)[0];
  return { loss: scalar("loss"), accuracy: scalar("accuracy"), margin: scalar("margin"), grad: Array.from(res.grad.data as Float64Array) };
}

describe("preferenceMatrix", () => {
  it("marks each better-group → worse-group pair once and ties not at all", () => {
    const m = preferenceMatrix(GROUPS, K);
    const marked: [number, number][] = [];
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) if (m[i * K + j]) marked.push([i, j]);
    expect(marked.sort()).toEqual([...PAIRS].sort());
    expect(m[0 * K + 3] + m[3 * K + 0]).toBe(0);
  });
});

describe("rankingLoss (K = 4 with a tie)", () => {
  it("equals the hand-computed mean of −log σ(r_c − r_r) over the 5 pairs, with its gradient", async () => {
    const out = await evaluate({});
    // Δ per pair: 1.0, 1.3, 2.5, 1.5, 1.2.
    const deltas = PAIRS.map(([c, r]) => REWARDS[c] - REWARDS[r]);
    expect(deltas.map((d) => +d.toFixed(10))).toEqual([1, 1.3, 2.5, 1.5, 1.2]);
    expect(out.loss).toBeCloseTo(deltas.reduce((a, d) => a + softplus(-d), 0) / 5, 12);
    expect(out.loss).toBeCloseTo(0.219571, 6); // (0.31326 + 0.24101 + 0.07889 + 0.20141 + 0.26328) / 5
    expect(out.accuracy).toBe(1);
    expect(out.margin).toBeCloseTo(7.5 / 5, 12);
    // ∂L/∂r_k = (1/5) Σ_pairs −σ(−Δ)·([k = chosen] − [k = rejected]).
    const hand = new Array<number>(K).fill(0);
    for (const [c, r] of PAIRS) {
      const w = sigmoid(-(REWARDS[c] - REWARDS[r])) / 5;
      hand[c] -= w;
      hand[r] += w;
    }
    out.grad.forEach((v, k) => expect(v).toBeCloseTo(hand[k], 12));
    expect(out.grad.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 12); // a shift of all rewards changes nothing
  });

  it("applies the margin and the centring term as written", async () => {
    const out = await evaluate({ margin: 0.5, centring: 0.01 });
    const term = PAIRS.reduce((a, [c, r]) => a + softplus(-(REWARDS[c] - REWARDS[r] - 0.5)), 0) / 5;
    const centre = PAIRS.reduce((a, [c, r]) => a + (REWARDS[c] + REWARDS[r]) ** 2, 0) / 5;
    expect(out.loss).toBeCloseTo(term + 0.01 * centre, 12);
  });

  it("passes a finite-difference check over a batch of rankings, and a batch without pairs gives 0", async () => {
    const prefs = [...preferenceMatrix(GROUPS, K), ...preferenceMatrix([[1], [3], [0, 2]], K)];
    const result = await gradcheck(
      (g, [r]) => rankingLoss(g, r, g.constant(prefs, [2, K, K], "float64"), { margin: 0.1, centring: 0.05 }).loss,
      [{ name: "rewards", shape: [2, K] }],
    );
    expect(result.ok, result.message).toBe(true);
    const g = new Graph();
    const r = g.input("rewards", "float64", [1, K]);
    g.output(rankingLoss(g, r, g.constant(preferenceMatrix([[0, 1, 2, 3]], K), [1, K, K], "float64")).loss, "loss");
    const s = await Session.create(g.toOnnx());
    const res = await s.run({ rewards: float64(REWARDS, [1, K]) });
    expect((res.loss.data as Float64Array)[0]).toBe(0);
  });
});

describe("rankingLoss with per-ranking margins (pairwise strengths)", () => {
  // Two rankings of two completions: the first "A much better" (margin 2), the second "B better" (margin 1).
  const PREFS = [...preferenceMatrix([[0], [1]], 2), ...preferenceMatrix([[1], [0]], 2)];
  const R = [0.7, -0.4, 0.1, 0.9];

  it("subtracts each ranking's margin from its pairs' reward difference, the gradient of the same form", async () => {
    const g = new Graph();
    const r = g.input("rewards", "float64", [2, 2]);
    const m = g.input("margins", "float64", [2]);
    const out = rankingLoss(g, r, g.constant(PREFS, [2, 2, 2], "float64"), { margin: 0.25, margins: m });
    g.output(out.loss, "loss");
    g.output(out.margin, "margin");
    g.output(backward(g, out.loss, [r])[0], "grad");
    const s = await Session.create(g.toOnnx());
    const res = await s.run({ rewards: float64(R, [2, 2]), margins: float64([2, 1], [2]) });
    // Pair 1: r0 − r1 = 1.1, margin 0.25 + 2; pair 2: r3 − r2 = 0.8, margin 0.25 + 1.
    const x1 = 1.1 - 2.25;
    const x2 = 0.8 - 1.25;
    expect((res.loss.data as Float64Array)[0]).toBeCloseTo((softplus(-x1) + softplus(-x2)) / 2, 12);
    expect((res.margin.data as Float64Array)[0]).toBeCloseTo((1.1 + 0.8) / 2, 12); // the metric stays r_c − r_r
    const w1 = sigmoid(-x1) / 2;
    const w2 = sigmoid(-x2) / 2;
    expect(Array.from(res.grad.data as Float64Array).map((v) => +v.toFixed(12))).toEqual([-w1, w1, w2, -w2].map((v) => +v.toFixed(12)));
  });

  it("margins of 0 give the loss without margins, and a larger margin a larger loss", async () => {
    const lossWith = async (margins: number[] | null) => {
      const g = new Graph();
      const r = g.input("rewards", "float64", [2, 2]);
      const m = margins ? g.input("margins", "float64", [2]) : undefined;
      g.output(rankingLoss(g, r, g.constant(PREFS, [2, 2, 2], "float64"), { margins: m }).loss, "loss");
      const s = await Session.create(g.toOnnx());
      const res = await s.run({ rewards: float64(R, [2, 2]), ...(margins ? { margins: float64(margins, [2]) } : {}) });
      return (res.loss.data as Float64Array)[0];
    };
    const none = await lossWith(null);
    expect(await lossWith([0, 0])).toBeCloseTo(none, 12);
    expect(await lossWith([1, 1])).toBeGreaterThan(none);
    expect(await lossWith([2, 1])).toBeGreaterThan(await lossWith([1, 1]));
  });

  it("passes a finite-difference check with margins", async () => {
    const margins = [2, 1];
    const result = await gradcheck(
      (g, [r]) => rankingLoss(g, r, g.constant(PREFS, [2, 2, 2], "float64"), { margins: g.constant(margins, [2], "float64"), centring: 0.05 }).loss,
      [{ name: "rewards", shape: [2, 2] }],
    );
    expect(result.ok, result.message).toBe(true);
  });
});
