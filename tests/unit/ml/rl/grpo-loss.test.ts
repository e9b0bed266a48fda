import { describe, expect, it } from "vitest";
import { Graph, Session, backward, gradcheck, tensor, toNumbers, type FloatDType } from "@/lib/ml/onnx";
import type { GrpoLossType } from "@/lib/ml/rl/grpo-config";
import { grpoLoss } from "@/lib/ml/rl/grpo-loss";
import { tokenLogprobs } from "@/lib/ml/rl/ppo-loss";

const EPS = 0.2;
const B = 2;
const T = 4;
const dims = [B, T];

// Row 0 has A = 1.2 and 3 real tokens, row 1 A = −0.8 and 4. Ratios cover each way the clip acts:
//   row 0: 1.5 (A > 0, above 1 + ε: l2 = −1.44 > l1 = −1.8, clipped), 0.9 (inside), 0.5 (A > 0,
//          below 1 − ε: l1 = −0.6 > l2 = −0.96, unclipped); a pad whose log-ratio (+1000) overflows
//   row 1: 0.5 (A < 0, below: l2 = 0.64 > l1 = 0.4, clipped), 1.5 (A < 0, above: l1 = 1.2, unclipped),
//          1.1 (inside), 0.7 (A < 0, below: clipped)
// max(l1, l2) per real token: −1.44, −1.08, −0.6 | 0.64, 1.2, 0.88, 0.64
// → grpo (β = 0): mean(−3.12 / 3, 3.36 / 4) = mean(−1.04, 0.84) = −0.1
//   bnpo: 0.24 / 7;  dr_grpo: 0.24 / (2 · 4) = 0.03;  clip_ratio 3 / 7
const ADV = [1.2, -0.8];
const RATIOS = [1.5, 0.9, 0.5, 1, /**/ 0.5, 1.5, 1.1, 0.7];
const MASK = [1, 1, 1, 0, /**/ 1, 1, 1, 1];
const OLD = [-1.0, -0.5, -2.0, -1.5, /**/ -0.7, -1.2, -3.0, -2.0];
const NEW = OLD.map((o, i) => (MASK[i] ? o + Math.log(RATIOS[i]) : o + 1000));
const REF = [-1.3, -0.2, -1.1, -900, /**/ -0.9, -1.0, -2.5, -2.4];
const N = [3, 4];

/** The loss straight from the definition (real tokens only), its gradient with respect to logp, and the metrics. */
function direct(beta: number, lossType: GrpoLossType, old: number[] | null = OLD) {
  const perToken: number[] = new Array(B * T).fill(0);
  const dPerToken: number[] = new Array(B * T).fill(0);
  let kl = 0;
  let clipped = 0;
  const real = MASK.reduce((s, m) => s + m, 0);
  for (let i = 0; i < B * T; i++) {
    if (!MASK[i]) continue;
    const A = ADV[Math.floor(i / T)];
    const r = old ? Math.exp(NEW[i] - old[i]) : 1;
    const l1 = -A * r;
    const l2 = -A * Math.min(Math.max(r, 1 - EPS), 1 + EPS);
    const d = REF[i] - NEW[i];
    const k3 = Math.exp(d) - d - 1;
    perToken[i] = Math.max(l1, l2) + beta * k3;
    // d/dlogp: −A·ratio when the unclipped term is taken; β·(1 − e^{ref − logp}) from k3.
    dPerToken[i] = (l2 > l1 ? 0 : -A * r) + beta * (1 - Math.exp(d));
    kl += k3 / real;
    if (l2 > l1) clipped += 1 / real;
  }
  const weight = (i: number) => {
    const row = Math.floor(i / T);
    return lossType === "grpo" ? 1 / (B * N[row]) : lossType === "bnpo" ? 1 / real : 1 / (B * T);
  };
  const loss = perToken.reduce((s, v, i) => s + v * weight(i), 0);
  return { loss, kl, clipRatio: clipped, grad: dPerToken.map((v, i) => v * weight(i)) };
}

async function run(beta: number, lossType: GrpoLossType, opts: { onPolicy?: boolean; dtype?: FloatDType; mask?: number[] } = {}) {
  const dtype = opts.dtype ?? "float64";
  const g = new Graph();
  const logprobs = g.input("logprobs", dtype, dims);
  const old = opts.onPolicy ? null : g.input("old", dtype, dims);
  const ref = beta > 0 ? g.input("ref", dtype, dims) : null;
  const advantages = g.input("adv", dtype, [B]);
  const mask = g.input("mask", dtype, dims);
  const l = grpoLoss(g, { logprobs, oldLogprobs: old, refLogprobs: ref, advantages, mask }, { epsilon: EPS, beta, lossType, maxCompletionLength: T });
  g.output(l.loss, "loss");
  g.output(l.clipRatio, "clip_ratio");
  if (l.kl) g.output(l.kl, "kl");
  g.output(backward(g, l.loss, [logprobs])[0], "grad");
  const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
  const feeds: Record<string, ReturnType<typeof tensor>> = {
    logprobs: tensor(dtype, NEW, dims),
    adv: tensor(dtype, ADV, [B]),
    mask: tensor(dtype, opts.mask ?? MASK, dims),
  };
  if (old) feeds.old = tensor(dtype, OLD, dims);
  if (ref) feeds.ref = tensor(dtype, REF, dims);
  const out = await s.run(feeds);
  await s.release();
  return {
    loss: toNumbers(out.loss)[0],
    clipRatio: toNumbers(out.clip_ratio)[0],
    kl: out.kl ? toNumbers(out.kl)[0] : null,
    grad: toNumbers(out.grad),
    outputs: Object.keys(out),
  };
}

describe("grpoLoss", () => {
  it("β = 0: the clipped objective alone, hand-computed for each loss type; no reference input, no kl", async () => {
    const byHand = { grpo: -0.1, bnpo: 0.24 / 7, dr_grpo: 0.03 };
    for (const lossType of ["grpo", "bnpo", "dr_grpo"] as const) {
      const want = direct(0, lossType);
      expect(want.loss, lossType).toBeCloseTo(byHand[lossType], 12);
      const got = await run(0, lossType);
      expect(got.loss, lossType).toBeCloseTo(byHand[lossType], 12);
      expect(got.clipRatio).toBeCloseTo(3 / 7, 12);
      expect(got.kl).toBeNull();
      expect(got.outputs).not.toContain("kl");
      got.grad.forEach((v, i) => expect(v, `${lossType} grad[${i}]`).toBeCloseTo(want.grad[i], 12));
      // Clipped tokens and padding get no gradient; an unclipped one does.
      for (const i of [0, 3, 4, 7]) expect(got.grad[i]).toBe(0);
      expect(Math.abs(got.grad[2])).toBeGreaterThan(0.01);
    }
  });

  it("β > 0 adds β·k3 at every real token (gradient 1 − e^{ref − logp} even where the clip cuts the policy term)", async () => {
    const beta = 0.1;
    // k3 by hand at token 0: d = ref − logp = −1.3 − (−1 + ln 1.5) = −0.3 − ln 1.5.
    const d0 = -0.3 - Math.log(1.5);
    expect(direct(beta, "grpo").kl).toBeGreaterThan(0);
    for (const dtype of ["float64", "float32"] as const) {
      for (const lossType of ["grpo", "bnpo", "dr_grpo"] as const) {
        const want = direct(beta, lossType);
        const got = await run(beta, lossType, { dtype });
        const digits = dtype === "float64" ? 12 : 5;
        expect(got.loss, `${dtype} ${lossType}`).toBeCloseTo(want.loss, digits);
        expect(got.kl!, `${dtype} ${lossType}`).toBeCloseTo(want.kl, digits);
        expect(got.clipRatio).toBeCloseTo(3 / 7, digits);
        got.grad.forEach((v, i) => expect(v, `${dtype} ${lossType} grad[${i}]`).toBeCloseTo(want.grad[i], digits));
        expect(got.grad[3]).toBe(0); // padding: its reference log-prob −900 would overflow exp
        if (lossType === "grpo") expect(got.grad[0]).toBeCloseTo((beta * (1 - Math.exp(d0))) / (2 * 3), digits);
      }
    }
    // The KL term moves the loss by β·kl for bnpo exactly.
    const plain = direct(0, "bnpo").loss;
    expect((await run(beta, "bnpo")).loss).toBeCloseTo(plain + beta * direct(beta, "bnpo").kl, 12);
  });

  it("on-policy (no old log-probabilities): ratio 1, the loss is −mean(A) and the gradient −A / |o_i| / B", async () => {
    const got = await run(0, "grpo", { onPolicy: true });
    expect(got.loss).toBeCloseTo(-(1.2 - 0.8) / 2, 12);
    expect(got.clipRatio).toBe(0);
    const want = direct(0, "grpo", null);
    got.grad.forEach((v, i) => expect(v, `grad[${i}]`).toBeCloseTo(want.grad[i], 12));
    expect(got.grad[0]).toBeCloseTo(-1.2 / 6, 12);
    expect(got.grad[4]).toBeCloseTo(0.8 / 8, 12);
  });

  it("a group whose rewards were all equal (A = 0) gives no policy gradient, only the KL's", async () => {
    const g = new Graph();
    const logprobs = g.input("logprobs", "float64", dims);
    const l = grpoLoss(
      g,
      {
        logprobs,
        oldLogprobs: g.constant(OLD, dims, "float64"),
        refLogprobs: null,
        advantages: g.constant([0, 0], [B], "float64"),
        mask: g.constant(MASK, dims, "float64"),
      },
      { epsilon: EPS, beta: 0, lossType: "grpo", maxCompletionLength: T },
    );
    g.output(l.loss, "loss");
    g.output(backward(g, l.loss, [logprobs])[0], "grad");
    const s = await Session.create(g.toOnnx(), { intraOpNumThreads: 1 });
    const out = await s.run({ logprobs: tensor("float64", NEW, dims) });
    await s.release();
    expect(Math.abs(toNumbers(out.loss)[0])).toBe(0);
    expect(toNumbers(out.grad).every((v) => v === 0)).toBe(true);
  });

  it("gives 0, not NaN, for a batch of padding only", async () => {
    const got = await run(0.1, "grpo", { mask: new Array(B * T).fill(0) });
    expect([got.loss, got.clipRatio, got.kl]).toEqual([0, 0, 0]);
    expect(got.grad.every((v) => v === 0)).toBe(true);
  });

  it("passes a finite-difference check with respect to logprobs (clip active and inactive, k3 KL) for each loss type", async () => {
    for (const lossType of ["grpo", "bnpo", "dr_grpo"] as const) {
      const result = await gradcheck(
        (g, [logprobs]) => {
          const c = (xs: number[], d = dims) => g.constant(xs, d, "float64");
          return grpoLoss(
            g,
            { logprobs, oldLogprobs: c(OLD), refLogprobs: c(REF), advantages: c(ADV, [B]), mask: c(MASK) },
            { epsilon: EPS, beta: 0.1, lossType, maxCompletionLength: T },
          ).loss;
        },
        // Padding kept finite here (finite differences of an exp(1000) would not be).
        [{ name: "logprobs", shape: dims, data: NEW.map((v, i) => (MASK[i] ? v : OLD[i] + 0.2)) }],
      );
      expect(result.ok, `${lossType}: ${result.message}`).toBe(true);
      expect(Math.abs(result.numeric[0][2])).toBeGreaterThan(0.01);
    }
  });

  it("passes a finite-difference check through logits → token log-probabilities → the GRPO loss", async () => {
    const V = 5;
    const LOGITS = Array.from({ length: B * T * V }, (_, i) => Math.sin(i * 1.3) * 2 + ((i * 3) % 4) * 0.3);
    const TOKENS = [1, 4, 0, 2, 3, 3, 0, 1];
    const result = await gradcheck(
      (g, [logits]) => {
        const c = (xs: number[], d = dims) => g.constant(xs, d, "float64");
        const { logprobs } = tokenLogprobs(g, logits, g.constant(TOKENS, dims, "int64"), 0.8);
        return grpoLoss(
          g,
          {
            logprobs,
            oldLogprobs: c([-1.1, -2.0, -0.4, -3.2, -1.9, -0.7, -2.6, -1.4]),
            refLogprobs: c(REF.map((r) => Math.max(r, -3))),
            advantages: c(ADV, [B]),
            mask: c(MASK),
          },
          { epsilon: EPS, beta: 0.05, lossType: "grpo", maxCompletionLength: T },
        ).loss;
      },
      [{ name: "logits", shape: [B, T, V], data: LOGITS }],
    );
    expect(result.ok, result.message).toBe(true);
  });
});
