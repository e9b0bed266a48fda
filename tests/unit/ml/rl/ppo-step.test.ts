import { describe, expect, it } from "vitest";
import { float32, int64 } from "@/lib/ml/onnx";
import { flatLayout, packParams } from "@/lib/ml/nn/flat-params";
import { GradientStep } from "@/lib/ml/rl/ppo-step";
import { causalLmSpec } from "@/lib/ml/train/causal-lm";
import { TrainStep, initialAdamWState } from "@/lib/ml/train/train-step";
import { Random } from "@/lib/ml/random";
import { randomWeights, tinyConfig as c } from "../nn/tiny-gpt2";

describe("GradientStep (AdamW in TypeScript)", () => {
  it("takes the same steps as TrainStep's in-graph AdamW, weight decay and clipping included", async () => {
    const B = 2;
    const T = 8;
    const spec = { ...causalLmSpec(c, B, T), adamW: { weightDecay: 0.1, maxGradNorm: 0.5 } };
    const w = packParams(flatLayout(spec.params), randomWeights(c, 2));
    const rng = new Random(3);
    const ids = () =>
      int64(
        Array.from({ length: B * T }, () => rng.int(c.vocabSize)),
        [B, T],
      );
    const batch = { input_ids: ids(), labels: ids(), loss_mask: float32(new Float32Array(B * T).fill(1), [B, T]) };
    const graph = await TrainStep.create(spec);
    const ts = await GradientStep.create(spec);
    const a = initialAdamWState(w.slice());
    const b = initialAdamWState(w.slice());
    for (let i = 0; i < 4; i++) {
      const ra = await graph.run(a, batch, 1e-2);
      const rb = await ts.run(b, batch, 1e-2);
      expect(rb.loss).toBeCloseTo(ra.loss, 5);
      expect(rb.gradNorm).toBeCloseTo(ra.gradNorm, 4);
      expect(ra.gradNorm).toBeGreaterThan(0.5); // clipping is exercised
    }
    expect(b.step).toBe(4);
    // Adam turns gradient noise (parameters whose true gradient is 0, e.g. the key biases) into
    // ±lr steps whatever the arithmetic's rounding: compare where the gradient is signal.
    let max = 0;
    let signal = 0;
    for (let i = 0; i < a.weights.length; i++) {
      if (a.v[i] < 1e-14) continue;
      signal++;
      max = Math.max(max, Math.abs(a.weights[i] - b.weights[i]));
    }
    expect(signal).toBeGreaterThan(a.weights.length / 2);
    expect(max).toBeLessThan(1e-4); // steps of lr = 1e-2 agree to 1%
    expect(Array.from(b.weights)).not.toEqual(Array.from(w));
    await graph.release();
    await ts.release();
  });
});
