import { describe, expect, it } from "vitest";
import { Graph, Session, float32 } from "@/lib/ml/onnx";
import { fastGelu } from "@/lib/ml/nn/fast-gelu";
import { geluNew } from "@/lib/ml/nn/gpt2";

describe("FastGelu", () => {
  it("computes gelu_new(x + bias) like the standard-op decomposition", async () => {
    const g = new Graph();
    const x = g.input("x", "float32", [3, 4]);
    const b = g.input("b", "float32", [4]);
    g.output(fastGelu(g, x, b), "fast");
    g.output(geluNew(g, g.add(x, b)), "ref");
    const s = await Session.create(g.toOnnx());
    const xs = [-3, -1.5, -0.5, 0, 0.25, 0.5, 1, 2, 3, 4, -4, 0.1];
    const out = await s.run({ x: float32(xs, [3, 4]), b: float32([0.1, -0.2, 0.3, 0], [4]) });
    const fast = out.fast.data as Float32Array;
    const ref = out.ref.data as Float32Array;
    for (let i = 0; i < 12; i++) expect(fast[i]).toBeCloseTo(ref[i], 5);
  });
  // Its gradient rule is checked against finite differences with the other rules (tests/unit/ml/onnx/gradients.test.ts).
});
