import { describe, expect, it } from "vitest";
import { createGPT2Config } from "@/lib/ml/io/config-json";
import { checkGPT2Params, gpt2ParamShapes, initGPT2Params } from "@/lib/ml/io/gpt2-params";

const config = createGPT2Config({ vocabSize: 300, nPositions: 32, nEmbd: 16, nLayer: 2, nHead: 4, bosTokenId: 0, eosTokenId: 0 });

function std(x: Float32Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return Math.sqrt(s / x.length);
}

describe("GPT-2 parameters", () => {
  it("lists Hugging Face names and Conv1D [in, out] shapes, without the tied lm_head", () => {
    const shapes = gpt2ParamShapes(config);
    expect(shapes.size).toBe(2 + 12 * 2 + 2);
    expect(shapes.get("transformer.wte.weight")).toEqual([300, 16]);
    expect(shapes.get("transformer.wpe.weight")).toEqual([32, 16]);
    expect(shapes.get("transformer.h.1.attn.c_attn.weight")).toEqual([16, 48]);
    expect(shapes.get("transformer.h.1.attn.c_attn.bias")).toEqual([48]);
    expect(shapes.get("transformer.h.0.attn.c_proj.weight")).toEqual([16, 16]);
    expect(shapes.get("transformer.h.0.mlp.c_fc.weight")).toEqual([16, 64]);
    expect(shapes.get("transformer.h.0.mlp.c_proj.weight")).toEqual([64, 16]);
    expect(shapes.get("transformer.ln_f.bias")).toEqual([16]);
    expect(shapes.has("lm_head.weight")).toBe(false);
    expect(shapes.has("score.weight")).toBe(false);
    const rm = gpt2ParamShapes({ ...config, architectures: ["GPT2ForSequenceClassification"], pad_token_id: 0 });
    expect(rm.get("score.weight")).toEqual([1, 16]);
  });

  it("initializes like transformers: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer), LayerNorm 1/0, biases 0", () => {
    const big = createGPT2Config({ vocabSize: 2000, nPositions: 64, nEmbd: 64, nLayer: 8, nHead: 4, bosTokenId: 0, eosTokenId: 0 });
    const p = initGPT2Params(big, 1);
    expect(std(p.get("transformer.wte.weight")!.data)).toBeCloseTo(0.02, 3);
    expect(std(p.get("transformer.h.3.mlp.c_fc.weight")!.data)).toBeCloseTo(0.02, 3);
    expect(std(p.get("transformer.h.3.attn.c_proj.weight")!.data)).toBeCloseTo(0.02 / 4, 3);
    expect(std(p.get("transformer.h.3.mlp.c_proj.weight")!.data)).toBeCloseTo(0.02 / 4, 3);
    expect(p.get("transformer.h.0.ln_1.weight")!.data.every((v) => v === 1)).toBe(true);
    expect(p.get("transformer.ln_f.weight")!.data.every((v) => v === 1)).toBe(true);
    for (const name of ["transformer.h.0.ln_2.bias", "transformer.h.0.attn.c_attn.bias", "transformer.h.7.mlp.c_proj.bias"]) {
      expect(p.get(name)!.data.every((v) => v === 0)).toBe(true);
    }
    checkGPT2Params(big, p);
  });

  it("is deterministic in the seed", () => {
    const a = initGPT2Params(config, 5).get("transformer.h.1.attn.c_attn.weight")!.data;
    const b = initGPT2Params(config, 5).get("transformer.h.1.attn.c_attn.weight")!.data;
    const c = initGPT2Params(config, 6).get("transformer.h.1.attn.c_attn.weight")!.data;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("reports every missing, mis-shaped and unexpected tensor", () => {
    const p = initGPT2Params(config, 1);
    p.delete("transformer.h.1.ln_2.bias");
    p.set("transformer.wpe.weight", { shape: [16, 32], data: new Float32Array(512) });
    p.set("v_head.weight", { shape: [1, 16], data: new Float32Array(16) });
    const check = () => checkGPT2Params(config, p);
    expect(check).toThrow(/missing transformer\.h\.1\.ln_2\.bias/);
    expect(check).toThrow(/transformer\.wpe\.weight has shape \[16, 32\], expected \[32, 16\]/);
    expect(check).toThrow(/unexpected tensor v_head\.weight/);
    p.set("transformer.h.1.ln_2.bias", { shape: [16], data: new Float32Array(16) });
    p.set("transformer.wpe.weight", { shape: [32, 16], data: new Float32Array(512) });
    expect(() => checkGPT2Params(config, p, { allowExtra: true })).not.toThrow();
  });
});
