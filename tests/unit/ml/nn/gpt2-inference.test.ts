import { describe, expect, it } from "vitest";
import { Session, f32, float32, int64 } from "@/lib/ml/onnx";
import { exportGpt2Onnx, pastKeyName, pastValueName, presentKeyName, presentValueName } from "@/lib/ml/nn/gpt2-inference";
import type { Tensor } from "@/lib/ml/onnx";
import { referenceGpt2Logits } from "./reference-gpt2";
import { randomIds, randomWeights, tinyConfig as c, toParamMap } from "./tiny-gpt2";

const weights = randomWeights(c, 7);
const headDim = c.nEmbd / c.nHead;

function emptyPast(batch: number): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (let l = 0; l < c.nLayer; l++) {
    feeds[pastKeyName(l)] = float32(new Float32Array(0), [batch, c.nHead, 0, headDim]);
    feeds[pastValueName(l)] = float32(new Float32Array(0), [batch, c.nHead, 0, headDim]);
  }
  return feeds;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("GPT-2 inference graph (Optimum KV-cache layout)", async () => {
  const session = await Session.create(exportGpt2Onnx(c, weights));

  it("declares the Optimum input and output names", () => {
    expect(session.inputNames.slice(0, 3)).toEqual(["input_ids", "attention_mask", "position_ids"]);
    expect(session.inputNames).toContain("past_key_values.1.value");
    expect(session.outputNames[0]).toBe("logits");
    expect(session.outputNames).toContain("present.1.key");
  });

  it("matches an independent plain-loop reading of HF GPT-2", async () => {
    const ids = randomIds(10, c.vocabSize, 3);
    const T = ids.length;
    const out = await session.run({
      input_ids: int64(ids, [1, T]),
      attention_mask: int64(
        ids.map(() => 1),
        [1, T],
      ),
      position_ids: int64(
        ids.map((_, i) => i),
        [1, T],
      ),
      ...emptyPast(1),
    });
    const ref = referenceGpt2Logits(c, toParamMap(weights), ids);
    const logits = f32(out.logits);
    expect(out.logits.dims).toEqual([1, T, c.vocabSize]);
    expect(
      maxAbsDiff(
        logits,
        ref.flatMap((r) => [...r]),
      ),
    ).toBeLessThan(1e-4);
    // Not a trivial model: the logits spread over a real range.
    expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(1);
  });

  it("left padding in a batch gives each sequence its unpadded logits", async () => {
    const a = randomIds(5, c.vocabSize, 11);
    const b = randomIds(8, c.vocabSize, 12);
    const T = 8;
    const pad = T - a.length;
    const ids = [...Array(pad).fill(0), ...a, ...b];
    const mask = [...Array(pad).fill(0), ...a.map(() => 1), ...b.map(() => 1)];
    // HF generate: position_ids = cumsum(mask) - 1, padding positions set to 1.
    const pos = [...Array(pad).fill(1), ...a.map((_, i) => i), ...b.map((_, i) => i)];
    const out = await session.run({
      input_ids: int64(ids, [2, T]),
      attention_mask: int64(mask, [2, T]),
      position_ids: int64(pos, [2, T]),
      ...emptyPast(2),
    });
    const logits = f32(out.logits);
    const V = c.vocabSize;
    const refA = referenceGpt2Logits(c, toParamMap(weights), a).flatMap((r) => [...r]);
    const refB = referenceGpt2Logits(c, toParamMap(weights), b).flatMap((r) => [...r]);
    expect(maxAbsDiff(logits.subarray(pad * V, T * V), refA)).toBeLessThan(1e-4);
    expect(maxAbsDiff(logits.subarray(T * V, 2 * T * V), refB)).toBeLessThan(1e-4);
    expect(Number.isFinite(logits[0])).toBe(true);
  });

  it("KV-cache decoding reproduces the full forward, with left padding", async () => {
    // Two left-padded sequences of total length 12: a prompt of 6 then one token at a time.
    const full = [randomIds(12, c.vocabSize, 21), randomIds(12, c.vocabSize, 22)];
    const padA = 3;
    const maskRow = (b: number) => Array.from({ length: 12 }, (_, t) => (b === 0 && t < padA ? 0 : 1));
    const posRow = (b: number) => {
      let n = -1;
      return maskRow(b).map((m) => (m ? ++n : 1));
    };
    const masks = [maskRow(0), maskRow(1)];
    const positions = [posRow(0), posRow(1)];
    const fullOut = await session.run({
      input_ids: int64([...full[0], ...full[1]], [2, 12]),
      attention_mask: int64([...masks[0], ...masks[1]], [2, 12]),
      position_ids: int64([...positions[0], ...positions[1]], [2, 12]),
      ...emptyPast(2),
    });
    const fullLogits = f32(fullOut.logits);
    const V = c.vocabSize;

    const rows = (arr: number[][], from: number, to: number) => arr.flatMap((r) => r.slice(from, to));
    let past = emptyPast(2);
    let worst = 0;
    const steps: [number, number][] = [[0, 6]];
    for (let t = 6; t < 12; t++) steps.push([t, t + 1]);
    for (const [from, to] of steps) {
      const n = to - from;
      const out = await session.run({
        input_ids: int64(rows(full, from, to), [2, n]),
        attention_mask: int64(rows(masks, 0, to), [2, to]),
        position_ids: int64(rows(positions, from, to), [2, n]),
        ...past,
      });
      const logits = f32(out.logits);
      for (let b = 0; b < 2; b++) {
        for (let t = from; t < to; t++) {
          if (masks[b][t] === 0) continue;
          const got = logits.subarray((b * n + t - from) * V, (b * n + t - from + 1) * V);
          const want = fullLogits.subarray((b * 12 + t) * V, (b * 12 + t + 1) * V);
          worst = Math.max(worst, maxAbsDiff(got, want));
        }
      }
      past = {};
      for (let l = 0; l < c.nLayer; l++) {
        past[pastKeyName(l)] = out[presentKeyName(l)];
        past[pastValueName(l)] = out[presentValueName(l)];
      }
      expect(out[presentKeyName(0)].dims).toEqual([2, c.nHead, to, headDim]);
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
