import { describe, expect, it } from "vitest";
import { gradcheck } from "@/lib/ml/onnx/gradcheck";
import { maskedCrossEntropy } from "@/lib/ml/nn/cross-entropy";
import { gpt2Backbone, lmHead } from "@/lib/ml/nn/gpt2";
import { gpt2ParamSpecs, type Gpt2Config } from "@/lib/ml/nn/gpt2-config";
import { randomIds, randomWeights } from "./tiny-gpt2";

// Whole-model check: d(masked next-token loss)/d(every GPT-2 parameter) from autodiff
// against central differences, in float64.
const c: Gpt2Config = { vocabSize: 11, nPositions: 6, nEmbd: 8, nLayer: 2, nHead: 2, layerNormEpsilon: 1e-5 };
const B = 2;
const T = 5;

describe("GPT-2 whole-model gradient", () => {
  it("matches central finite differences for every parameter", async () => {
    const specs = gpt2ParamSpecs(c);
    const weights = randomWeights(c, 9, 0.3);
    const ids = randomIds(B * T, c.vocabSize, 1);
    const labels = randomIds(B * T, c.vocabSize, 2);
    const mask = [1, 1, 0, 1, 1, 0, 1, 1, 1, 1]; // masked positions, different counts per row
    const result = await gradcheck(
      (g, xs) => {
        const w = Object.fromEntries(specs.map((s, i) => [s.name, xs[i]]));
        const inputIds = g.constant(ids, [B, T], "int64");
        const { hidden } = gpt2Backbone(g, c, w, { inputIds });
        return maskedCrossEntropy(g, lmHead(g, w, hidden), g.constant(labels, [B, T], "int64"), g.constant(mask, [B, T], "float64")).loss;
      },
      specs.map((s) => ({ name: s.name, shape: s.shape, data: weights[s.name] })),
      { maxElements: 6, seed: 5 },
    );
    expect(result.ok, result.message).toBe(true);
    // Every parameter got a non-trivial gradient somewhere.
    expect(result.analytic.every((a) => a.some((x) => Math.abs(x) > 1e-8))).toBe(true);
  });
});
