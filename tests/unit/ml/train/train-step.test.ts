import { describe, expect, it } from "vitest";
import { float32, int64 } from "@/lib/ml/onnx";
import { DEFAULT_ADAMW, type AdamWConfig } from "@/lib/ml/nn/adamw";
import { flatLayout, packParams } from "@/lib/ml/nn/flat-params";
import { causalLmSpec } from "@/lib/ml/train/causal-lm";
import { TrainStep, initialAdamWState } from "@/lib/ml/train/train-step";
import { randomIds, randomWeights, tinyConfig } from "../nn/tiny-gpt2";

/** torch clip_grad_norm_ + torch.optim.AdamW, in plain TS (float64). */
function referenceAdamW(w: number[], m: number[], v: number[], grad: number[], t: number, lr: number, decay: boolean[], cfg: AdamWConfig) {
  const norm = Math.sqrt(grad.reduce((s, x) => s + x * x, 0));
  const coef = cfg.maxGradNorm === null ? 1 : Math.min(1, cfg.maxGradNorm / (norm + 1e-6));
  const out = { w: [...w], m: [...m], v: [...v], norm };
  for (let i = 0; i < w.length; i++) {
    const gi = grad[i] * coef;
    out.m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * gi;
    out.v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * gi * gi;
    const p = decay[i] ? w[i] * (1 - lr * cfg.weightDecay) : w[i];
    const denom = Math.sqrt(out.v[i]) / Math.sqrt(1 - cfg.beta2 ** t) + cfg.eps;
    out.w[i] = p - (lr / (1 - cfg.beta1 ** t)) * (out.m[i] / denom);
  }
  return out;
}

describe("TrainStep", () => {
  it("applies clipping, bias-corrected AdamW and decoupled decay like PyTorch", async () => {
    // loss = 0.5 Σ c_i (w_i - target_i)^2 → grad = c (w - target): a known gradient.
    const params = [
      { name: "a.weight", shape: [2, 3], decay: true },
      { name: "a.bias", shape: [3], decay: false },
    ];
    const target = [0.5, -1, 2, 0, 1, -2, 3, 0.25, -0.5];
    const scale = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const cfg = { ...DEFAULT_ADAMW, weightDecay: 0.3, maxGradNorm: 2 };
    const step = await TrainStep.create({
      params,
      adamW: cfg,
      buildLoss: (g, w) => {
        const flat = g.concat([g.reshape(w["a.weight"], [-1]), w["a.bias"]], 0);
        const diff = g.sub(flat, g.constant(target, [9]));
        const loss = g.mul(g.reduceSum(g.mul(g.mul(diff, diff), g.constant(scale, [9])), null, false), 0.5);
        return { loss, metrics: { twice_loss: g.mul(loss, 2) } };
      },
    });
    const w0 = [1, 2, 3, -1, -2, -3, 0.1, 0.2, 0.3];
    const state = initialAdamWState(Float32Array.from(w0));
    let ref = { w: w0, m: w0.map(() => 0), v: w0.map(() => 0) };
    const decay = [true, true, true, true, true, true, false, false, false];
    for (let t = 1; t <= 3; t++) {
      const lr = 0.1 * t;
      const grad = ref.w.map((x, i) => scale[i] * (x - target[i]));
      const expectedLoss = 0.5 * ref.w.reduce((s, x, i) => s + scale[i] * (x - target[i]) ** 2, 0);
      const r = await step.run(state, {}, lr);
      const next = referenceAdamW(ref.w, ref.m, ref.v, grad, t, lr, decay, cfg);
      expect(r.loss).toBeCloseTo(expectedLoss, 3);
      expect(r.metrics.twice_loss).toBeCloseTo(2 * expectedLoss, 3);
      expect(r.gradNorm).toBeCloseTo(next.norm, 3);
      expect(next.norm).toBeGreaterThan(2); // clipping is active
      for (let i = 0; i < 9; i++) {
        expect(state.weights[i]).toBeCloseTo(next.w[i], 5);
        expect(state.m[i]).toBeCloseTo(next.m[i], 5);
        expect(state.v[i]).toBeCloseTo(next.v[i], 4);
      }
      ref = next;
    }
    expect(state.step).toBe(3);
  });

  it("trains a tiny GPT-2 on a fixed batch (loss falls steadily)", async () => {
    const c = tinyConfig;
    const B = 2;
    const T = 8;
    const spec = causalLmSpec(c, B, T);
    const step = await TrainStep.create(spec);
    const weights = randomWeights(c, 3, 0.02);
    const state = initialAdamWState(packParams(flatLayout(spec.params), weights));
    const ids = randomIds(B * (T + 1), c.vocabSize, 5);
    const inputIds: number[] = [];
    const labels: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        inputIds.push(ids[b * (T + 1) + t]);
        labels.push(ids[b * (T + 1) + t + 1]);
      }
    }
    const batch = {
      input_ids: int64(inputIds, [B, T]),
      labels: int64(labels, [B, T]),
      loss_mask: float32(new Array(B * T).fill(1), [B, T]),
    };
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push((await step.run(state, batch, 1e-2)).loss);
    expect(losses[0]).toBeCloseTo(Math.log(c.vocabSize), 0);
    expect(losses[29]).toBeLessThan(losses[0] * 0.5);
  });
});
