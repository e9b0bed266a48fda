import { describe, expect, it } from "vitest";
import { Random } from "@/lib/ml/random";
import {
  AdaptiveKlController,
  FixedKlController,
  entropyOfLogits,
  gae,
  klController,
  klPerToken,
  maskedMean,
  maskedVar,
  ppoRewards,
  whiten,
} from "@/lib/ml/rl/ppo-math";

const f32 = (xs: number[]) => Float32Array.from(xs);
const expectClose = (actual: ArrayLike<number>, expected: number[], digits = 6) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, digits));
};

describe("gae", () => {
  it("matches a hand-computed 1×3 episode (γ = 0.9, λ = 0.8)", () => {
    const { advantages, returns } = gae({
      rewards: f32([0.1, -0.2, 1.0]),
      values: f32([0.5, 0.4, 0.3]),
      mask: f32([1, 1, 1]),
      B: 1,
      T: 3,
      gamma: 0.9,
      lam: 0.8,
    });
    // t = 2: δ = 1.0 + 0 − 0.3 = 0.7;                  A = 0.7
    // t = 1: δ = −0.2 + 0.9·0.3 − 0.4 = −0.33;         A = −0.33 + 0.72·0.7 = 0.174
    // t = 0: δ = 0.1 + 0.9·0.4 − 0.5 = −0.04;          A = −0.04 + 0.72·0.174 = 0.08528
    expectClose(advantages, [0.08528, 0.174, 0.7]);
    expectClose(returns, [0.58528, 0.574, 1.0]);
  });

  it("matches a hand-computed 2×4 batch with padding (γ = 0.95, λ = 0.5); padded rewards and values are ignored", () => {
    const { advantages, returns } = gae({
      rewards: f32([0, 0, -0.1, 2, /* row 1 */ 0.3, 1.5, 9, 9]),
      values: f32([1, 0.5, -0.5, 0.25, /* row 1 */ 0.2, 0.6, 7, -7]),
      mask: f32([1, 1, 1, 1, 1, 1, 0, 0]),
      B: 2,
      T: 4,
      gamma: 0.95,
      lam: 0.5,
    });
    // γλ = 0.475. Row 0:
    // t = 3: δ = 2 − 0.25 = 1.75;                        A = 1.75
    // t = 2: δ = −0.1 + 0.95·0.25 + 0.5 = 0.6375;        A = 0.6375 + 0.475·1.75 = 1.46875
    // t = 1: δ = 0.95·(−0.5) − 0.5 = −0.975;             A = −0.975 + 0.475·1.46875 = −0.27734375
    // t = 0: δ = 0.95·0.5 − 1 = −0.525;                  A = −0.525 + 0.475·(−0.27734375) = −0.65673828125
    // Row 1 ends at t = 1 (V_2 counts as 0):
    // t = 1: δ = 1.5 + 0 − 0.6 = 0.9;                    A = 0.9
    // t = 0: δ = 0.3 + 0.95·0.6 − 0.2 = 0.67;            A = 0.67 + 0.475·0.9 = 1.0975
    expectClose(advantages, [-0.65673828125, -0.27734375, 1.46875, 1.75, 1.0975, 0.9, 0, 0]);
    expectClose(returns, [0.34326171875, 0.22265625, 0.96875, 2.0, 1.2975, 1.5, 0, 0]);
  });

  it("with λ = 1 the returns are the discounted rewards-to-go; with λ = 0 the advantages are one-step TD errors", () => {
    const rewards = f32([0.5, -1, 0.25, 3, 0]);
    const values = f32([0.1, 0.2, -0.3, 0.4, 0]);
    const mask = f32([1, 1, 1, 1, 0]);
    const gamma = 0.8;
    const mc = gae({ rewards, values, mask, B: 1, T: 5, gamma, lam: 1 });
    const toGo = [0.5 - 0.8 + 0.16 + 3 * 0.512, -1 + 0.2 + 3 * 0.64, 0.25 + 3 * 0.8, 3, 0];
    expectClose(mc.returns, toGo, 5);
    const td = gae({ rewards, values, mask, B: 1, T: 5, gamma, lam: 0 });
    expectClose(td.advantages, [0.5 + 0.8 * 0.2 - 0.1, -1 - 0.8 * 0.3 - 0.2, 0.25 + 0.8 * 0.4 + 0.3, 3 - 0.4, 0]);
  });
});

describe("klPerToken", () => {
  it("computes k1, k2 and k3 of single tokens", () => {
    const logp = f32([-1, -2, -0.5]);
    const ref = f32([-1.5, -1.8, -0.5]);
    expectClose(klPerToken(logp, ref, "k1"), [0.5, -0.2, 0]);
    expectClose(klPerToken(logp, ref, "k2"), [0.125, 0.02, 0]);
    // k3 = (r − 1) − log r, r = exp(ref − logp): r = e^−0.5 and e^0.2.
    expectClose(klPerToken(logp, ref, "k3"), [Math.exp(-0.5) - 1 + 0.5, Math.exp(0.2) - 1 - 0.2, 0]);
  });

  it("k1 and k3 averaged over tokens sampled from p approach the exact KL(p‖q); k3 is never negative", () => {
    const p = [0.5, 0.2, 0.15, 0.1, 0.05];
    const q = [0.1, 0.3, 0.1, 0.3, 0.2];
    const exactKl = p.reduce((s, pi, i) => s + pi * Math.log(pi / q[i]), 0); // ≈ 0.6053
    const reverseKl = q.reduce((s, qi, i) => s + qi * Math.log(qi / p[i]), 0); // ≈ 0.5270: what swapped arguments would estimate
    // Per-sample estimates and their exact standard deviations under p.
    const k1Of = (i: number) => Math.log(p[i]) - Math.log(q[i]);
    const k3Of = (i: number) => q[i] / p[i] - 1 - Math.log(q[i] / p[i]);
    const sd = (f: (i: number) => number) => {
      const m = p.reduce((s, pi, i) => s + pi * f(i), 0);
      return Math.sqrt(p.reduce((s, pi, i) => s + pi * (f(i) - m) ** 2, 0));
    };
    // Both estimators are unbiased: E_p[k1] = E_p[k3] = KL(p‖q) exactly.
    expect(p.reduce((s, pi, i) => s + pi * k3Of(i), 0)).toBeCloseTo(exactKl, 12);

    const n = 200_000;
    const rng = new Random(7);
    const logp = new Float32Array(n);
    const ref = new Float32Array(n);
    for (let s = 0; s < n; s++) {
      let u = rng.uniform();
      let i = 0;
      while (i < p.length - 1 && u >= p[i]) u -= p[i++];
      logp[s] = Math.log(p[i]);
      ref[s] = Math.log(q[i]);
    }
    const mean = (xs: Float32Array) => xs.reduce((a, x) => a + x, 0) / xs.length;
    const k1 = klPerToken(logp, ref, "k1");
    const k3 = klPerToken(logp, ref, "k3");
    // Tolerance: 5 standard errors, 5·sd/√n ≈ 0.012 (k1) and 0.0047 (k3); a chance failure is
    // ~6e-7 likely, and both are well below |KL(p‖q) − KL(q‖p)| ≈ 0.078.
    const tol1 = (5 * sd(k1Of)) / Math.sqrt(n);
    const tol3 = (5 * sd(k3Of)) / Math.sqrt(n);
    expect(tol1).toBeLessThan(0.015);
    expect(Math.abs(exactKl - reverseKl)).toBeGreaterThan(4 * Math.max(tol1, tol3));
    expect(Math.abs(mean(k1) - exactKl)).toBeLessThan(tol1);
    expect(Math.abs(mean(k3) - exactKl)).toBeLessThan(tol3);
    expect(k3.reduce((a, x) => Math.min(a, x), Infinity)).toBeGreaterThanOrEqual(0);
    expect(k1.reduce((a, x) => Math.min(a, x), Infinity)).toBeLessThan(0); // k1 is negative on some tokens, k3 never
    // k3 has the lower variance here, as Schulman notes for nearby p, q.
    expect(sd(k3Of)).toBeLessThan(sd(k1Of));
    // k2 is biased: its mean is ½E[(log p/q)²], not the KL.
    const k2 = klPerToken(logp, ref, "k2");
    const halfSecondMoment = 0.5 * p.reduce((s, pi, i) => s + pi * k1Of(i) ** 2, 0);
    expect(mean(k2)).toBeCloseTo(halfSecondMoment, 2);
  });

  it("k3 stays accurate and non-negative for tiny differences", () => {
    const k3 = klPerToken(f32([-3.0000002, -3]), f32([-3, -3.0000002]), "k3");
    for (const v of k3) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1e-12);
    }
  });
});

describe("ppoRewards", () => {
  // Row 0: three real tokens; row 1: no real token; row 2: four real tokens.
  const logprobs = f32([-1, -2, -0.5, -3, /**/ -1, -1, -1, -1, /**/ -0.2, -0.3, -0.4, -0.5]);
  const refLogprobs = f32([-1.5, -1.8, -0.5, -0.1, /**/ -2, -2, -2, -2, /**/ -0.2, -0.3, -0.4, -0.1]);
  const mask = f32([1, 1, 1, 0, /**/ 0, 0, 0, 0, /**/ 1, 1, 1, 1]);
  const scores = f32([1.5, 7, -2]);
  const base = { scores, logprobs, refLogprobs, mask, B: 3, T: 4, klCoef: 0.1 };

  it("k1: −β·kl on each real token, the score on the last one, 0 on padding and on an empty row", () => {
    const r = ppoRewards({ ...base, estimator: "k1" });
    expectClose(r.kl, [0.5, -0.2, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.4]);
    expectClose(r.rewards, [-0.05, 0.02, 1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0.04 - 2]);
    expectClose(r.nonScoreReward, [-0.03, 0, 0.04]);
  });

  it("k3: the penalty uses (r − 1) − log r", () => {
    const r = ppoRewards({ ...base, estimator: "k3" });
    const a = Math.exp(-0.5) - 1 + 0.5;
    const b = Math.exp(0.2) - 1 - 0.2;
    const c = Math.exp(0.4) - 1 - 0.4;
    expectClose(r.kl, [a, b, 0, 0, 0, 0, 0, 0, 0, 0, 0, c]);
    expectClose(r.rewards, [-0.1 * a, -0.1 * b, 1.5, 0, 0, 0, 0, 0, 0, 0, 0, -0.1 * c - 2]);
    expectClose(r.nonScoreReward, [-0.1 * (a + b), 0, -0.1 * c]);
  });

  it("rejects arrays of the wrong size", () => {
    expect(() => ppoRewards({ ...base, B: 2, estimator: "k1" })).toThrow(/B·T/);
    expect(() => ppoRewards({ ...base, scores: f32([1]), estimator: "k1" })).toThrow(/scores/);
  });
});

describe("whiten", () => {
  const values = f32([3, -1, 4, 1, 5, 9, 2, 6, 100, -100]);
  const mask = f32([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  const real = [3, -1, 4, 1, 5, 9, 2, 6];
  const mean = real.reduce((a, x) => a + x, 0) / real.length; // 3.625
  const unbiasedVar = real.reduce((a, x) => a + (x - mean) ** 2, 0) / (real.length - 1);

  it("gives masked mean 0 and masked unbiased variance 1, padding 0", () => {
    expect(maskedMean(values, mask)).toBeCloseTo(3.625, 12);
    expect(maskedVar(values, mask)).toBeCloseTo(unbiasedVar, 10);
    expect(maskedVar(values, mask, false)).toBeCloseTo((unbiasedVar * 7) / 8, 10);
    const w = whiten(values, mask);
    expect(maskedMean(w, mask)).toBeCloseTo(0, 6);
    expect(maskedVar(w, mask)).toBeCloseTo(1, 5);
    expect(w[0]).toBeCloseTo((3 - mean) / Math.sqrt(unbiasedVar + 1e-8), 6);
    expect(Array.from(w.slice(8))).toEqual([0, 0]);
  });

  it("keeps the mean when shiftMean is false", () => {
    const w = whiten(values, mask, false);
    expect(maskedMean(w, mask)).toBeCloseTo(mean, 5);
    expect(maskedVar(w, mask)).toBeCloseTo(1, 5);
    expect(w[1]).toBeCloseTo((-1 - mean) / Math.sqrt(unbiasedVar) + mean, 5);
    expect(Array.from(w.slice(8))).toEqual([0, 0]);
  });

  it("whitens every entry without a mask; one or no real entry gives 0 instead of a division by zero", () => {
    const w = whiten(f32([1, 2, 3]));
    expectClose(w, [-1, 0, 1], 6); // mean 2, unbiased var 1
    expect(Array.from(whiten(f32([5, 7]), f32([0, 1])))).toEqual([0, 0]);
    expectClose(whiten(f32([5, 7]), f32([0, 1]), false), [0, 7]);
    expect(Array.from(whiten(f32([5, 7]), f32([0, 0])))).toEqual([0, 0]);
  });
});

describe("KL controllers", () => {
  it("the adaptive controller follows Ziegler et al.'s update, the error clipped at ±0.2", () => {
    const c = new AdaptiveKlController(0.1, 6, 10_000);
    const betas: number[] = [];
    // KL 12: error 1 → clipped to 0.2, mult 1 + 0.2·1000/10000 = 1.02
    // KL 6.6: error 0.1 (not clipped), mult 1.01
    // KL 0: error −1 → clipped to −0.2, mult 0.98
    // KL 6: error 0, unchanged
    // KL 4.8: error −0.2 exactly, mult 0.98
    for (const kl of [12, 6.6, 0, 6, 4.8]) {
      c.update(kl, 1000);
      betas.push(c.value);
    }
    expectClose(betas, [0.102, 0.10302, 0.1009596, 0.1009596, 0.098940408], 12);
    // nSteps scales the step: half the episodes, half the (unclipped) move.
    const d = new AdaptiveKlController(1, 6, 100);
    d.update(6.6, 50);
    expect(d.value).toBeCloseTo(1.05, 12);
  });

  it("the fixed controller never moves, and klController picks by config", () => {
    const f = new FixedKlController(0.05);
    f.update(100, 1000);
    expect(f.value).toBe(0.05);
    const cfg = { klCoef: 0.2, targetKl: 1, klHorizon: 10 };
    const fixed = klController({ ...cfg, adaptiveKl: false });
    expect(fixed).toBeInstanceOf(FixedKlController);
    fixed.update(5, 10);
    expect(fixed.value).toBe(0.2);
    const adaptive = klController({ ...cfg, adaptiveKl: true });
    expect(adaptive).toBeInstanceOf(AdaptiveKlController);
    adaptive.update(5, 10); // error clipped to 0.2, mult 1 + 0.2·10/10 = 1.2
    expect(adaptive.value).toBeCloseTo(0.24, 12);
  });
});

describe("entropyOfLogits", () => {
  it("is log V for equal logits and −Σ p log p otherwise, temperature-scaled", () => {
    expect(entropyOfLogits([2, 2, 2, 2])).toBeCloseTo(Math.log(4), 12);
    const direct = (logits: number[]) => {
      const z = logits.reduce((a, x) => a + Math.exp(x), 0);
      return -logits.reduce((a, x) => a + (Math.exp(x) / z) * (x - Math.log(z)), 0);
    };
    expect(entropyOfLogits([1, 2, 3])).toBeCloseTo(direct([1, 2, 3]), 12);
    expect(entropyOfLogits([1, 2, 3], 0.5)).toBeCloseTo(direct([2, 4, 6]), 12);
    expect(entropyOfLogits([0, -Infinity, 0])).toBeCloseTo(Math.log(2), 12);
  });
});
