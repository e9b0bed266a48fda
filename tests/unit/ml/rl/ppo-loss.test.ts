import { describe, expect, it } from "vitest";
import { Graph, Session, backward, gradcheck, int64, tensor, toNumbers, type FloatDType, type Value } from "@/lib/ml/onnx";
import { entropyOfLogits } from "@/lib/ml/rl/ppo-math";
import { ppoPolicyLoss, ppoValueLoss, tokenLogprobs } from "@/lib/ml/rl/ppo-loss";

const EPS = 0.2;
const B = 2;
const T = 4;
const dims = [B, T];

/** Runs a graph whose float inputs are given by name; returns every output as numbers. */
async function run(
  build: (g: Graph, inputs: Record<string, Value>) => Record<string, Value>,
  feeds: Record<string, number[]>,
  dtype: FloatDType = "float64",
): Promise<Record<string, number[]>> {
  const g = new Graph();
  const inputs = Object.fromEntries(Object.keys(feeds).map((k) => [k, g.input(k, dtype, dims)]));
  const outs = build(g, inputs);
  for (const [name, v] of Object.entries(outs)) g.output(v, name);
  const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
  const res = await s.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tensor(dtype, v, dims)])));
  await s.release();
  return Object.fromEntries(Object.keys(outs).map((k) => [k, toNumbers(res[k])]));
}

// Policy case, ε = 0.2. Real tokens cover each way the clip can act:
//   A > 0, ratio 1.5  → pg2 = −1.2A > pg1 = −1.5A: clipped, no gradient
//   A > 0, ratio 0.5  → pg1 = −0.5A > pg2:          unclipped
//   A < 0, ratio 0.5  → pg2 = 0.8|A| > pg1:          clipped, no gradient
//   A < 0, ratio 1.5  → pg1 = 1.5|A| > pg2:          unclipped
//   A > 0, ratio 1.05 → inside the range:            unclipped
//   A > 0, ratio 1.3  → pg2 = −1.2A > pg1 = −1.3A:  clipped, no gradient
// (3 clipped, 2 unclipped outside the range: a flipped comparison would give 2/6, not 3/6)
// and two padding positions whose log-ratios (±1000) would overflow exp().
const RATIOS = [1.5, 0.5, 0.5, 1.5, /**/ 1.05, 1.3, 1, 1];
const ADV = [2, 1, -0.5, -1.5, /**/ 0.7, 0.4, 0, 0];
const MASK = [1, 1, 1, 1, /**/ 1, 1, 0, 0];
const OLD = [-1.2, -0.3, -2.5, -0.9, /**/ -1.7, -0.4, -3, -2];
const NEW = OLD.map((o, i) => (MASK[i] ? o + Math.log(RATIOS[i]) : i === 6 ? o + 1000 : o - 1000));
const N_REAL = 6;

/** The policy loss, straight from the definition, over real tokens only. */
function directPolicy() {
  let loss = 0;
  let clipped = 0;
  let kl = 0;
  let ratio = 0;
  const grad = new Array<number>(B * T).fill(0);
  for (let i = 0; i < B * T; i++) {
    if (!MASK[i]) continue;
    const r = Math.exp(NEW[i] - OLD[i]);
    const pg1 = -ADV[i] * r;
    const pg2 = -ADV[i] * Math.min(Math.max(r, 1 - EPS), 1 + EPS);
    loss += Math.max(pg1, pg2) / N_REAL;
    if (pg2 > pg1) clipped += 1 / N_REAL;
    else grad[i] = (-ADV[i] * r) / N_REAL; // d(−A·e^{logp − old})/d logp
    kl += (0.5 * (NEW[i] - OLD[i]) ** 2) / N_REAL;
    ratio += r / N_REAL;
  }
  return { loss, clipfrac: clipped, approxkl: kl, ratio, grad };
}

const policyGraph = (g: Graph, x: Record<string, Value>) => {
  const out = ppoPolicyLoss(g, { logprobs: x.logprobs, oldLogprobs: x.old, advantages: x.adv, mask: x.mask }, EPS);
  return { ...out, grad: backward(g, out.loss, [x.logprobs])[0] };
};

describe("ppoPolicyLoss", () => {
  it("equals the direct computation, with the clip active on 3 of 6 tokens, and ignores overflowing padding", async () => {
    const want = directPolicy();
    expect(want.clipfrac).toBeCloseTo(3 / 6, 12);
    // By hand: max(pg1, pg2) per real token = −2.4, −0.5, 0.4, 2.25, −0.735, −0.48.
    expect(want.loss).toBeCloseTo((-2.4 - 0.5 + 0.4 + 2.25 - 0.735 - 0.48) / 6, 12);
    for (const dtype of ["float64", "float32"] as const) {
      const got = await run(policyGraph, { logprobs: NEW, old: OLD, adv: ADV, mask: MASK }, dtype);
      const digits = dtype === "float64" ? 12 : 5;
      expect(got.loss[0], dtype).toBeCloseTo(want.loss, digits);
      expect(got.clipfrac[0], dtype).toBeCloseTo(want.clipfrac, digits);
      expect(got.approxkl[0], dtype).toBeCloseTo(want.approxkl, digits);
      expect(got.ratio[0], dtype).toBeCloseTo(want.ratio, digits);
      // Clipped tokens and padding get no gradient; the others −A·ratio / 6.
      got.grad.forEach((v, i) => expect(v, `${dtype} grad[${i}]`).toBeCloseTo(want.grad[i], digits));
      expect(got.grad[0]).toBe(0);
      expect(got.grad[2]).toBe(0);
      expect(got.grad[5]).toBe(0);
      expect(Math.abs(got.grad[1])).toBeGreaterThan(0.05);
    }
  });

  it("with the clip inactive everywhere is the plain importance-weighted loss −masked_mean(A·ratio)", async () => {
    const ratios = [1.1, 0.9, 1.0, 0.85, 1.19, 1, 1, 1];
    const logprobs = OLD.map((o, i) => o + Math.log(ratios[i]));
    const got = await run(policyGraph, { logprobs, old: OLD, adv: ADV, mask: MASK });
    const plain = ADV.reduce((s, a, i) => s - (MASK[i] ? a * ratios[i] : 0), 0) / N_REAL;
    expect(got.loss[0]).toBeCloseTo(plain, 12);
    expect(got.clipfrac[0]).toBe(0);
    got.grad.forEach((v, i) => expect(v).toBeCloseTo(MASK[i] ? (-ADV[i] * ratios[i]) / N_REAL : 0, 12));
  });

  it("passes a finite-difference check with respect to logprobs and advantages (clip active and inactive)", async () => {
    const result = await gradcheck(
      (g, [logprobs, adv]) =>
        ppoPolicyLoss(g, { logprobs, oldLogprobs: g.constant(OLD, dims, "float64"), advantages: adv, mask: g.constant(MASK, dims, "float64") }, EPS).loss,
      [
        { name: "logprobs", shape: dims, data: NEW.map((v, i) => (MASK[i] ? v : OLD[i] + 0.3)) },
        { name: "advantages", shape: dims, data: ADV },
      ],
    );
    expect(result.ok, result.message).toBe(true);
    // The check is not vacuous: an unclipped token has a clearly nonzero gradient.
    expect(Math.abs(result.numeric[0][1])).toBeGreaterThan(0.05);
  });

  it("gives 0, not NaN, for a batch of padding only", async () => {
    const got = await run(policyGraph, { logprobs: NEW, old: OLD, adv: ADV, mask: new Array(B * T).fill(0) });
    expect([got.loss[0], got.clipfrac[0], got.approxkl[0], got.ratio[0]]).toEqual([0, 0, 0, 0]);
    expect(got.grad.every((v) => v === 0)).toBe(true);
  });
});

// Value case, c = 0.2, old values V0, returns R:
//   v inside V0 ± c                          → unclipped (v_clipped = v)
//   v = 1 above V0 = 0, R = 2                 → (0.2 − 2)² = 3.24 > 1: clipped, no gradient
//   v = 1 above V0 = 0, R = 0                 → (0.2)² = 0.04 < 1:     unclipped
//   v = −1 below V0 = 0, R = −2               → clipped, no gradient
//   v = −0.5 below V0 = 0.1, R = −1           → (−0.1 + 1)² = 0.81 > 0.25: clipped, no gradient
// (3 clipped, 1 unclipped outside the range) and padding with garbage, one value so large
// that its squared error overflows float32 (inf·0 would make the loss NaN).
const CLIP_V = 0.2;
const V = [0.45, 1, 1, -1, /**/ -0.5, 1e20, -50, 3];
const V_OLD = [0.5, 0, 0, 0, /**/ 0.1, 0, 0, 0];
const RET = [0.9, 2, 0, -2, /**/ -1, -40, 60, 0];
const V_MASK = [1, 1, 1, 1, /**/ 1, 0, 0, 0];
const N_VALUE = 5;

function directValue() {
  let loss = 0;
  let clipped = 0;
  const grad = new Array<number>(B * T).fill(0);
  for (let i = 0; i < B * T; i++) {
    if (!V_MASK[i]) continue;
    const vc = V_OLD[i] + Math.min(Math.max(V[i] - V_OLD[i], -CLIP_V), CLIP_V);
    const l1 = (V[i] - RET[i]) ** 2;
    const l2 = (vc - RET[i]) ** 2;
    loss += (0.5 * Math.max(l1, l2)) / N_VALUE;
    if (l2 > l1) clipped += 1 / N_VALUE;
    else grad[i] = (V[i] - RET[i]) / N_VALUE;
  }
  return { loss, clipfrac: clipped, grad };
}

const valueGraph = (g: Graph, x: Record<string, Value>) => {
  const out = ppoValueLoss(g, { values: x.values, oldValues: x.old, returns: x.ret, mask: x.mask }, CLIP_V);
  return { ...out, grad: backward(g, out.loss, [x.values])[0] };
};

describe("ppoValueLoss", () => {
  it("equals the direct computation, with the clip active on 3 of 5 tokens", async () => {
    const want = directValue();
    expect(want.clipfrac).toBeCloseTo(3 / 5, 12);
    // By hand: max per real token = 0.2025, 3.24, 1, 3.24, 0.81 → ½·mean = 0.84925.
    expect(want.loss).toBeCloseTo(0.84925, 12);
    for (const dtype of ["float64", "float32"] as const) {
      const got = await run(valueGraph, { values: V, old: V_OLD, ret: RET, mask: V_MASK }, dtype);
      const digits = dtype === "float64" ? 12 : 5;
      expect(got.loss[0], dtype).toBeCloseTo(want.loss, digits);
      expect(got.clipfrac[0], dtype).toBeCloseTo(want.clipfrac, digits);
      got.grad.forEach((v, i) => expect(v, `${dtype} grad[${i}]`).toBeCloseTo(want.grad[i], digits));
      expect(got.grad[1]).toBe(0);
      expect(got.grad[3]).toBe(0);
      expect(got.grad[4]).toBe(0);
    }
  });

  it("with every prediction inside the clip range is ½·masked_mean((v − R)²)", async () => {
    const values = V_OLD.map((o, i) => o + [0.1, -0.15, 0.05, 0.19, -0.01, 0, 0, 0][i]);
    const got = await run(valueGraph, { values, old: V_OLD, ret: RET, mask: V_MASK });
    const mse = values.reduce((s, v, i) => s + (V_MASK[i] ? (v - RET[i]) ** 2 : 0), 0) / N_VALUE;
    expect(got.loss[0]).toBeCloseTo(0.5 * mse, 12);
    expect(got.clipfrac[0]).toBe(0);
  });

  it("passes a finite-difference check with respect to the values (clip active and inactive)", async () => {
    const result = await gradcheck(
      (g, [values]) =>
        ppoValueLoss(
          g,
          {
            values,
            oldValues: g.constant(V_OLD, dims, "float64"),
            returns: g.constant(RET, dims, "float64"),
            mask: g.constant(V_MASK, dims, "float64"),
          },
          CLIP_V,
        ).loss,
      [{ name: "values", shape: dims, data: V }],
    );
    expect(result.ok, result.message).toBe(true);
    expect(Math.abs(result.numeric[0][2])).toBeGreaterThan(0.05);
  });
});

describe("tokenLogprobs", () => {
  const V_SIZE = 5;
  const LOGITS = Array.from({ length: B * T * V_SIZE }, (_, i) => Math.sin(i * 1.7) * 3 + ((i * 7) % 5) * 0.2);
  const TOKENS = [0, 4, 2, 2, 1, 3, 0, 4];
  const TEMP = 0.7;

  it("gives log softmax(logits / temperature) at each token and each position's entropy", async () => {
    const g = new Graph();
    const logits = g.input("logits", "float64", [B, T, V_SIZE]);
    const tokens = g.input("tokens", "int64", dims);
    const out = tokenLogprobs(g, logits, tokens, TEMP);
    g.output(out.logprobs, "logprobs");
    g.output(out.entropy, "entropy");
    const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
    const res = await s.run({ logits: tensor("float64", LOGITS, [B, T, V_SIZE]), tokens: int64(TOKENS, dims) });
    await s.release();
    const logprobs = toNumbers(res.logprobs);
    const entropy = toNumbers(res.entropy);
    expect(res.logprobs.dims).toEqual(dims);
    for (let p = 0; p < B * T; p++) {
      const row = LOGITS.slice(p * V_SIZE, (p + 1) * V_SIZE).map((z) => z / TEMP);
      const logZ = Math.log(row.reduce((a, z) => a + Math.exp(z), 0));
      expect(logprobs[p], `logprob ${p}`).toBeCloseTo(row[TOKENS[p]] - logZ, 12);
      expect(entropy[p], `entropy ${p}`).toBeCloseTo(entropyOfLogits(LOGITS.slice(p * V_SIZE, (p + 1) * V_SIZE), TEMP), 12);
    }
  });

  it("passes a finite-difference check through the whole PPO loss: logits → logprobs → clipped policy loss + value loss", async () => {
    // The old logprobs are those of slightly different logits, so some ratios leave [0.8, 1.2].
    const oldLogprobs = [-1.1, -2.0, -0.4, -3.2, -1.9, -0.7, -2.6, -1.4];
    const result = await gradcheck(
      (g, [logits, values]) => {
        const c = (xs: number[]) => g.constant(xs, dims, "float64");
        const { logprobs } = tokenLogprobs(g, logits, g.constant(TOKENS, dims, "int64"), TEMP);
        const mask = c([1, 1, 1, 0, 1, 1, 1, 1]);
        const pg = ppoPolicyLoss(g, { logprobs, oldLogprobs: c(oldLogprobs), advantages: c(ADV.map((a) => a + 0.1)), mask }, EPS);
        const vf = ppoValueLoss(g, { values, oldValues: c(V_OLD), returns: c(RET.map((r) => r / 10)), mask }, CLIP_V);
        return g.add(pg.loss, g.mul(vf.loss, 0.1));
      },
      [
        { name: "logits", shape: [B, T, V_SIZE], data: LOGITS },
        { name: "values", shape: dims, data: [0.045, 0.1, 0.1, -0.1, -0.05, 5, -5, 0.3] },
      ],
    );
    expect(result.ok, result.message).toBe(true);
  });
});
