import { describe, expect, it } from "vitest";
import { Graph, Session, float64 } from "@/lib/ml/onnx";
import { backward } from "@/lib/ml/onnx/autodiff";
import { maskedCrossEntropy } from "@/lib/ml/nn/cross-entropy";

describe("maskedCrossEntropy", () => {
  it("averages −log p(label) over masked tokens, and its hand-derived gradient equals autodiff's", async () => {
    const B = 2,
      T = 3,
      V = 5;
    const g = new Graph();
    const logits = g.input("logits", "float64", [B, T, V]);
    const labels = g.constant([1, 4, 0, 2, 2, 3], [B, T], "int64");
    const mask = g.constant([1, 0, 1, 1, 1, 0], [B, T], "float64");
    const ce = maskedCrossEntropy(g, logits, labels, mask);
    g.output(ce.loss, "loss");
    g.output(ce.logitsGrad, "hand");
    g.output(backward(g, ce.loss, [logits])[0], "auto");
    const s = await Session.create(g.toOnnx());
    const x = Array.from({ length: B * T * V }, (_, i) => Math.sin(i * 1.3) * 2);
    const out = await s.run({ logits: float64(x, [B, T, V]) });
    // Loss by hand: rows (0,0), (0,2), (1,0), (1,1).
    const lab = [1, 4, 0, 2, 2, 3];
    const m = [1, 0, 1, 1, 1, 0];
    let sum = 0;
    for (let r = 0; r < B * T; r++) {
      const row = x.slice(r * V, (r + 1) * V);
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      sum += m[r] * (lse - row[lab[r]]);
    }
    expect((out.loss.data as Float64Array)[0]).toBeCloseTo(sum / 4, 10);
    const hand = out.hand.data as Float64Array;
    const auto = out.auto.data as Float64Array;
    for (let i = 0; i < hand.length; i++) expect(hand[i]).toBeCloseTo(auto[i], 10);
    expect(hand.some((v) => Math.abs(v) > 0.01)).toBe(true);
  });
});
