import { describe, expect, it } from "vitest";
import { logSumExp, sampleToken } from "@/lib/ml/nn/sampling";

const logits = Float32Array.from([2, 1, 0, -1, 3]);
const lse = Math.log([2, 1, 0, -1, 3].reduce((s, v) => s + Math.exp(v), 0));

describe("sampleToken", () => {
  it("is greedy at temperature 0 and returns the raw logprob", () => {
    const t = sampleToken(logits, { temperature: 0 }, 0.99);
    expect(t.id).toBe(4);
    expect(t.logprob).toBeCloseTo(3 - lse, 6);
  });

  it("draws by inverse CDF of softmax(logits / T)", () => {
    const p = [2, 1, 0, -1, 3].map((v) => Math.exp(v - lse));
    // The CDF boundary between token 0 and 1 sits at p[0].
    expect(sampleToken(logits, {}, p[0] - 1e-6).id).toBe(0);
    expect(sampleToken(logits, {}, p[0] + 1e-6).id).toBe(1);
    expect(sampleToken(logits, {}, 0.999999).id).toBe(4);
  });

  it("reports the logprob under the unmodified distribution whatever the temperature", () => {
    const t = sampleToken(logits, { temperature: 0.5, topK: 2 }, 0.0);
    expect(t.id).toBe(4);
    expect(t.logprob).toBeCloseTo(3 - lse, 6);
  });

  it("top-k keeps only the k most likely tokens", () => {
    const seen = new Set<number>();
    for (let u = 0; u < 1; u += 0.01) seen.add(sampleToken(logits, { topK: 2 }, u).id);
    expect([...seen].sort()).toEqual([0, 4]);
  });

  it("top-p keeps the smallest prefix reaching p", () => {
    const probs = [2, 1, 0, -1, 3].map((v) => Math.exp(v - lse)); // 4: .64, 0: .23, 1: .086
    const seen = new Set<number>();
    for (let u = 0; u < 1; u += 0.01) seen.add(sampleToken(logits, { topP: 0.8 }, u).id);
    expect(probs[4] + probs[0]).toBeGreaterThan(0.8);
    expect([...seen].sort()).toEqual([0, 4]);
    const only = new Set<number>();
    for (let u = 0; u < 1; u += 0.05) only.add(sampleToken(logits, { topP: 0.1 }, u).id);
    expect([...only]).toEqual([4]);
  });

  it("respects an offset into a larger buffer", () => {
    const buf = Float32Array.from([9, 9, 9, 0, 5, 1]);
    expect(sampleToken(buf, { temperature: 0 }, 0.5, 3, 3).id).toBe(1);
    expect(logSumExp(buf, 3, 3)).toBeCloseTo(Math.log(1 + Math.exp(5) + Math.exp(1)), 6);
  });
});
