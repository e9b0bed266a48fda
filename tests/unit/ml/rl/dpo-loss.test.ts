// DPO's and IPO's losses (issue 13, acceptance 1): values against hand-computed ones, gradients
// against the hand-derived ones and against finite differences, padding pairs ignored, and the
// double-precision figures of the evaluation equal to the graph's.
import { describe, expect, it } from "vitest";
import { Graph, Session, backward, gradcheck, tensor, toNumbers, type FloatDType, type Value } from "@/lib/ml/onnx";
import { dpoFigures } from "@/lib/ml/rl/dpo-figures";
import { completionLogps, dpoLoss, type DpoLossOptions } from "@/lib/ml/rl/dpo-loss";

/** Runs a graph over named float inputs of the given dims; returns every output as numbers. */
async function run(
  build: (g: Graph, x: Record<string, Value>) => Record<string, Value>,
  feeds: Record<string, { data: number[]; dims: number[] }>,
  dtype: FloatDType = "float64",
): Promise<Record<string, number[]>> {
  const g = new Graph();
  const x = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, g.input(k, dtype, f.dims)]));
  const outs = build(g, x);
  for (const [name, v] of Object.entries(outs)) g.output(v, name);
  const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
  const res = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensor(dtype, f.data, f.dims)])));
  await s.release();
  return Object.fromEntries(Object.keys(outs).map((k) => [k, toNumbers(res[k])]));
}

// Three pairs; the third is padding (weight 0) with values that would dominate any mean.
//   pair 1: h = (−10 − (−12)) − (−11 − (−10)) = 2 − (−1) = 3
//   pair 2: h = 0 (policy = reference)
const PI_C = [-10, -5, -1e4];
const PI_R = [-11, -5, 3e3];
const REF_C = [-12, -5, 7];
const REF_R = [-10, -5, -9e3];
const W = [1, 1, 0];
const vec = (data: number[]) => ({ data, dims: [3] });

const lossGraph = (o: DpoLossOptions) => (g: Graph, x: Record<string, Value>) => {
  const out = dpoLoss(g, { chosenLogps: x.pc, rejectedLogps: x.pr, refChosenLogps: x.rc, refRejectedLogps: x.rr, weights: x.w }, o);
  const [gc, gr] = backward(g, out.loss, [x.pc, x.pr]);
  return {
    loss: out.loss,
    rewardsChosen: out.rewardsChosen,
    rewardsRejected: out.rewardsRejected,
    rewardsAccuracies: out.rewardsAccuracies,
    rewardsMargins: out.rewardsMargins,
    logpsChosen: out.logpsChosen,
    logpsRejected: out.logpsRejected,
    gradChosen: gc,
    gradRejected: gr,
  };
};
const feeds = { pc: vec(PI_C), pr: vec(PI_R), rc: vec(REF_C), rr: vec(REF_R), w: vec(W) };

describe("the sigmoid (DPO) loss", () => {
  it("equals the hand-computed values at β = 0.1, with TRL's metrics, and ignores a padding pair", async () => {
    // By hand, β = 0.1:
    //   pair 1: βh = 0.3, −log σ(0.3) = log(1 + e^−0.3) = 0.5543552444685271
    //   pair 2: βh = 0,   −log σ(0)   = log 2          = 0.6931471805599453
    //   loss = (0.5543552444685271 + 0.6931471805599453) / 2 = 0.6237512125142362
    //   rewards/chosen = (0.1·2 + 0)/2 = 0.1, rewards/rejected = (0.1·(−1) + 0)/2 = −0.05,
    //   rewards/margins = 0.15, rewards/accuracies = 1/2 (0.2 > −0.1; 0 > 0 is not a win),
    //   logps/chosen = (−10 − 5)/2 = −7.5, logps/rejected = (−11 − 5)/2 = −8
    //   ∂loss/∂π_c = −½·β·σ(−βh): pair 1 −½·0.1·0.425557483188341 = −0.02127787415941705,
    //   pair 2 −½·0.1·½ = −0.025; ∂loss/∂π_r the opposite; padding 0.
    for (const dtype of ["float64", "float32"] as const) {
      const got = await run(lossGraph({ beta: 0.1, lossType: "sigmoid" }), feeds, dtype);
      const digits = dtype === "float64" ? 12 : 5;
      expect(got.loss[0], dtype).toBeCloseTo(0.6237512125142362, digits);
      expect(got.rewardsChosen[0]).toBeCloseTo(0.1, digits);
      expect(got.rewardsRejected[0]).toBeCloseTo(-0.05, digits);
      expect(got.rewardsMargins[0]).toBeCloseTo(0.15, digits);
      expect(got.rewardsAccuracies[0]).toBeCloseTo(0.5, digits);
      expect(got.logpsChosen[0]).toBeCloseTo(-7.5, digits);
      expect(got.logpsRejected[0]).toBeCloseTo(-8, digits);
      const want = [-0.02127787415941705, -0.025, 0];
      got.gradChosen.forEach((v, i) => expect(v, `${dtype} ∂π_c[${i}]`).toBeCloseTo(want[i], digits));
      got.gradRejected.forEach((v, i) => expect(v, `${dtype} ∂π_r[${i}]`).toBeCloseTo(-want[i], digits));
    }
  });

  it("with label smoothing ε = 0.2 is −(1 − ε)·log σ(βh) − ε·log σ(−βh)", async () => {
    // pair 1: 0.8·0.5543552444685271 + 0.2·(0.3 + 0.5543552444685271) = 0.6143552444685272
    // pair 2: 0.8·log 2 + 0.2·log 2 = log 2;  loss = (0.6143552444685272 + 0.6931471805599453)/2
    const got = await run(lossGraph({ beta: 0.1, lossType: "sigmoid", labelSmoothing: 0.2 }), feeds);
    expect(got.loss[0]).toBeCloseTo((0.6143552444685272 + 0.6931471805599453) / 2, 12);
    // ∂/∂π_c of pair 1: ½·β·(−0.8·σ(−0.3) + 0.2·σ(0.3)) = 0.05·(−0.3404459865506728 + 0.1148885033623318)
    expect(got.gradChosen[0]).toBeCloseTo(0.05 * (-0.8 * 0.425557483188341 + 0.2 * (1 - 0.425557483188341)), 12);
  });

  it("stays finite far from h = 0 in float32: βh = −500 costs 500 with gradient −β, βh = +500 costs 0", async () => {
    const far = {
      pc: { data: [-5000, 0], dims: [2] },
      pr: { data: [0, -5000], dims: [2] },
      rc: { data: [0, 0], dims: [2] },
      rr: { data: [0, 0], dims: [2] },
      w: { data: [1, 0], dims: [2] },
    };
    const got = await run(lossGraph({ beta: 0.1, lossType: "sigmoid" }), far, "float32");
    expect(got.loss[0]).toBeCloseTo(500, 3);
    expect(got.gradChosen[0]).toBeCloseTo(-0.1, 6);
    const flipped = await run(lossGraph({ beta: 0.1, lossType: "sigmoid" }), { ...far, w: { data: [0, 1], dims: [2] } }, "float32");
    expect(flipped.loss[0]).toBeCloseTo(0, 6);
    expect(Number.isFinite(flipped.gradChosen[1])).toBe(true);
  });

  it("passes a finite-difference check with respect to all four log-probabilities (ε = 0 and 0.2)", async () => {
    for (const labelSmoothing of [0, 0.2]) {
      const result = await gradcheck(
        (g, [pc, pr, rc, rr]) =>
          dpoLoss(
            g,
            { chosenLogps: pc, rejectedLogps: pr, refChosenLogps: rc, refRejectedLogps: rr, weights: g.constant([1, 2, 0.5], [3], "float64") },
            { beta: 0.5, lossType: "sigmoid", labelSmoothing },
          ).loss,
        [
          { name: "pc", shape: [3], data: [-3, -1.2, -4] },
          { name: "pr", shape: [3], data: [-2.5, -2, -1] },
          { name: "rc", shape: [3], data: [-3.5, -1, -2] },
          { name: "rr", shape: [3], data: [-2, -2.4, -3] },
        ],
      );
      expect(result.ok, result.message).toBe(true);
      expect(Math.abs(result.numeric[0][0])).toBeGreaterThan(0.01);
    }
  });
});

describe("the IPO loss", () => {
  // Two pairs, token log-probabilities [4 rows: chosen 1, chosen 2, rejected 1, rejected 2] × 4 positions,
  // averaged over each completion's tokens (TRL's ipo):
  //   chosen 1  [−1, −3, ·, ·] → −2       rejected 1 [−1, −1, −2, −4] → −2
  //   chosen 2  [−0.5, ·, ·, ·] → −0.5    rejected 2 [−2, −2, ·, ·]   → −2
  //   references (averages): chosen −2.5, −1; rejected −1.5, −1
  //   h1 = (−2 + 2.5) − (−2 + 1.5) = 1,   h2 = (−0.5 + 1) − (−2 + 1) = 1.5
  //   β = 0.25 → 1/(2β) = 2: losses (1 − 2)² = 1 and (1.5 − 2)² = 0.25, mean 0.625
  //   ∂loss/∂token = ½·2(h − 2)·(±1)/tokens: chosen 1 −0.5 each; chosen 2 −0.5; rejected 1 +0.25 each; rejected 2 +0.25 each
  const TOKENS = [-1, -3, 9, 9, /**/ -0.5, 9, 9, 9, /**/ -1, -1, -2, -4, /**/ -2, -2, 9, 9];
  const MASK = [1, 1, 0, 0, /**/ 1, 0, 0, 0, /**/ 1, 1, 1, 1, /**/ 1, 1, 0, 0];
  const ipoGraph = (average: boolean, o: DpoLossOptions) => (g: Graph, x: Record<string, Value>) => {
    const logps = completionLogps(g, x.tokens, x.mask, average);
    const out = dpoLoss(
      g,
      {
        chosenLogps: g.slice(logps, [0], [2], [0]),
        rejectedLogps: g.slice(logps, [2], [4], [0]),
        refChosenLogps: g.constant([-2.5, -1], [2], "float64"),
        refRejectedLogps: g.constant([-1.5, -1], [2], "float64"),
        weights: g.constant([1, 1], [2], "float64"),
      },
      o,
    );
    return { logps, loss: out.loss, margins: out.rewardsMargins, grad: backward(g, out.loss, [x.tokens])[0] };
  };
  const tokenFeeds = { tokens: { data: TOKENS, dims: [4, 4] }, mask: { data: MASK, dims: [4, 4] } };

  it("equals the hand-computed values over per-token averages at β = 0.25, padding tokens ignored", async () => {
    const got = await run(ipoGraph(true, { beta: 0.25, lossType: "ipo" }), tokenFeeds);
    expect(got.logps).toEqual([-2, -0.5, -2, -2]);
    expect(got.loss[0]).toBeCloseTo(0.625, 12);
    // rewards/margins = β·mean(h) = 0.25·1.25
    expect(got.margins[0]).toBeCloseTo(0.3125, 12);
    const want = [-0.5, -0.5, 0, 0, /**/ -0.5, 0, 0, 0, /**/ 0.25, 0.25, 0.25, 0.25, /**/ 0.25, 0.25, 0, 0];
    got.grad.forEach((v, i) => expect(v, `∂token[${i}]`).toBeCloseTo(want[i], 12));
  });

  it("sums the completion tokens for the sigmoid loss", async () => {
    const got = await run(ipoGraph(false, { beta: 0.25, lossType: "sigmoid" }), tokenFeeds);
    expect(got.logps).toEqual([-4, -0.5, -8, -4]);
  });

  it("passes a finite-difference check through the per-token average", async () => {
    const result = await gradcheck(
      (g, [tokens]) => {
        const logps = completionLogps(g, tokens, g.constant(MASK, [4, 4], "float64"), true);
        return dpoLoss(
          g,
          {
            chosenLogps: g.slice(logps, [0], [2], [0]),
            rejectedLogps: g.slice(logps, [2], [4], [0]),
            refChosenLogps: g.constant([-2.5, -1], [2], "float64"),
            refRejectedLogps: g.constant([-1.5, -1], [2], "float64"),
            weights: g.constant([1, 3], [2], "float64"),
          },
          { beta: 0.25, lossType: "ipo" },
        ).loss;
      },
      [{ name: "tokens", shape: [4, 4], data: TOKENS.map((v, i) => (MASK[i] ? v : -0.7)) }],
    );
    expect(result.ok, result.message).toBe(true);
    expect(Math.abs(result.numeric[0][0])).toBeGreaterThan(0.1);
    // Padding tokens get no gradient.
    expect(result.analytic[0][2]).toBe(0);
  });
});

describe("dpoFigures (the evaluation's, in double precision)", () => {
  it("equals the graph's loss and metrics, for both losses", async () => {
    for (const o of [
      { beta: 0.1, lossType: "sigmoid", labelSmoothing: 0.1 },
      { beta: 0.3, lossType: "ipo" },
    ] as DpoLossOptions[]) {
      const got = await run(lossGraph(o), feeds);
      const figures = dpoFigures({ chosen: PI_C, rejected: PI_R }, { chosen: REF_C, rejected: REF_R }, o, W);
      expect(figures.loss).toBeCloseTo(got.loss[0], 12);
      expect(figures["rewards/chosen"]).toBeCloseTo(got.rewardsChosen[0], 12);
      expect(figures["rewards/rejected"]).toBeCloseTo(got.rewardsRejected[0], 12);
      expect(figures["rewards/accuracies"]).toBeCloseTo(got.rewardsAccuracies[0], 12);
      expect(figures["rewards/margins"]).toBeCloseTo(got.rewardsMargins[0], 12);
      expect(figures["logps/chosen"]).toBeCloseTo(got.logpsChosen[0], 12);
      expect(figures["logps/rejected"]).toBeCloseTo(got.logpsRejected[0], 12);
    }
    // IPO by hand for pair 1 alone: (3 − 1/0.6)² = (4/3)²
    expect(dpoFigures({ chosen: [-10], rejected: [-11] }, { chosen: [-12], rejected: [-10] }, { beta: 0.3, lossType: "ipo" }).loss).toBeCloseTo(16 / 9, 12);
  });
});
