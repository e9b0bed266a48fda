import { describe, expect, it } from "vitest";
import { f32, Session, float32, int64 } from "@/lib/ml/onnx";
import { Gpt2Decoder } from "@/lib/ml/nn/gpt2-decoder";
import { logSumExp } from "@/lib/ml/nn/sampling";
import { exportGpt2Onnx, pastKeyName, pastValueName } from "@/lib/ml/nn/gpt2-inference";
import { randomIds, randomWeights, tinyConfig as c } from "./tiny-gpt2";

describe("Gpt2Decoder (static KV cache)", () => {
  it("reproduces the full forward's logits step by step, with left padding", async () => {
    const weights = randomWeights(c, 13, 0.3);
    const hd = c.nEmbd / c.nHead;
    // Reference: the Optimum graph over the whole left-padded sequences at once.
    const full = await Session.create(exportGpt2Onnx(c, weights));
    const L = 12;
    const rows = [randomIds(L, c.vocabSize, 31), randomIds(L, c.vocabSize, 32)];
    const pad = [4, 0];
    const mask = rows.map((_, b) => Array.from({ length: L }, (_, t) => (t < pad[b] ? 0 : 1)));
    const pos = mask.map((m) => {
      let n = -1;
      return m.map((x) => (x ? ++n : 1));
    });
    const past: Record<string, ReturnType<typeof float32>> = {};
    for (let l = 0; l < c.nLayer; l++) {
      past[pastKeyName(l)] = float32(new Float32Array(0), [2, c.nHead, 0, hd]);
      past[pastValueName(l)] = float32(new Float32Array(0), [2, c.nHead, 0, hd]);
    }
    const ref = f32(
      (
        await full.run({
          input_ids: int64(rows.flat(), [2, L]),
          attention_mask: int64(mask.flat(), [2, L]),
          position_ids: int64(pos.flat(), [2, L]),
          ...past,
        })
      ).logits,
    );
    const V = c.vocabSize;

    const decoder = await Gpt2Decoder.create(c, weights);
    const cache = decoder.newCache(2, 16);
    const slice = (arr: number[][], from: number, to: number) =>
      BigInt64Array.from(
        arr.flatMap((r) => r.slice(from, to)),
        BigInt,
      );
    let worst = 0;
    const steps: [number, number][] = [[0, 7]];
    for (let t = 7; t < L; t++) steps.push([t, t + 1]);
    for (const [from, to] of steps) {
      const { logprobs, probs } = await decoder.step(cache, to - from, slice(rows, from, to), slice(pos, from, to), slice(mask, from, to), 0.5);
      expect(logprobs).toHaveLength(2 * V);
      for (let b = 0; b < 2; b++) {
        // The reference logits → log_softmax, and softmax at temperature 0.5.
        const want = ref.subarray((b * L + to - 1) * V, (b * L + to) * V);
        const lse = logSumExp(want);
        const lse2 = logSumExp(Array.from(want, (x) => 2 * x));
        for (let v = 0; v < V; v++) {
          worst = Math.max(worst, Math.abs(logprobs[b * V + v] - (want[v] - lse)));
          worst = Math.max(worst, Math.abs(probs[b * V + v] - Math.exp(2 * want[v] - lse2)));
        }
      }
    }
    expect(cache.length).toBe(L);
    expect(worst).toBeLessThan(1e-4);
  });

  it("refuses to overflow its capacity", async () => {
    const decoder = await Gpt2Decoder.create(c, randomWeights(c, 1));
    const cache = decoder.newCache(1, 2);
    const one = BigInt64Array.from([1n, 1n, 1n]);
    await expect(decoder.step(cache, 3, one, BigInt64Array.from([0n, 1n, 2n]), one)).rejects.toThrow("capacity");
  });
});
