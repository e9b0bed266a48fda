// A tiny GPT-2 for tests: config and random weights (larger than HF's init so logits vary).
import { gpt2ParamSpecs, type Gpt2Config } from "@/lib/ml/nn/gpt2-config";
import { Random } from "@/lib/ml/random";

export const tinyConfig: Gpt2Config = {
  vocabSize: 64,
  nPositions: 32,
  nEmbd: 16,
  nLayer: 2,
  nHead: 2,
  layerNormEpsilon: 1e-5,
};

export function randomWeights(c: Gpt2Config, seed = 1, std = 0.2): Record<string, Float32Array> {
  const rng = new Random(seed);
  const out: Record<string, Float32Array> = {};
  for (const s of gpt2ParamSpecs(c)) {
    const n = s.shape.reduce((p, d) => p * d, 1);
    const a = new Float32Array(n);
    const isGain = s.name.endsWith("ln_1.weight") || s.name.endsWith("ln_2.weight") || s.name.endsWith("ln_f.weight");
    for (let i = 0; i < n; i++) a[i] = (isGain ? 1 : 0) + rng.normal(0, std);
    out[s.name] = a;
  }
  return out;
}

export function randomIds(n: number, vocab: number, seed: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => rng.int(vocab));
}

export function toParamMap(w: Record<string, Float32Array>): Map<string, Float32Array> {
  return new Map(Object.entries(w));
}
