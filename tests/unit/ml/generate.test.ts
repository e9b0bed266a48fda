import { describe, expect, it } from "vitest";
import { generate } from "@/lib/ml/generate";
import { CausalLmSession } from "@/lib/ml/nn/causal-lm-session";
import { Gpt2Decoder } from "@/lib/ml/nn/gpt2-decoder";
import { exportGpt2Onnx } from "@/lib/ml/nn/gpt2-inference";
import { randomIds, randomWeights, tinyConfig as c } from "./nn/tiny-gpt2";

// A toy codec: id → one letter, so stop strings can be tested without a trained tokenizer.
const decode = (ids: readonly number[]) => ids.map((i) => String.fromCharCode(97 + (i % 26))).join("");

describe("generate", async () => {
  const weights = randomWeights(c, 4, 0.3);
  const model = await Gpt2Decoder.create(c, weights);
  const scorer = await CausalLmSession.create(exportGpt2Onnx(c, weights), c);
  const prompts = [randomIds(3, c.vocabSize, 1), randomIds(7, c.vocabSize, 2), randomIds(5, c.vocabSize, 3)];

  it("is reproducible for a seed and varies across seeds", async () => {
    const opts = { maxNewTokens: 10, temperature: 1, seed: 42 };
    const a = await generate(model, prompts, opts, decode);
    const b = await generate(model, prompts, opts, decode);
    const other = await generate(model, prompts, { ...opts, seed: 43 }, decode);
    expect(a).toEqual(b);
    expect(a.map((r) => r.tokenIds)).not.toEqual(other.map((r) => r.tokenIds));
    for (const r of a) {
      expect(r.tokenIds).toHaveLength(10);
      expect(r.logprobs).toHaveLength(10);
      expect(r.finishReason).toBe("length");
      expect(r.text).toBe(decode(r.tokenIds));
    }
  });

  it("gives each left-padded row what it gets alone (greedy)", async () => {
    const batched = await generate(model, prompts, { maxNewTokens: 8, temperature: 0 });
    for (let i = 0; i < prompts.length; i++) {
      const [alone] = await generate(model, [prompts[i]], { maxNewTokens: 8, temperature: 0 });
      expect(batched[i].tokenIds).toEqual(alone.tokenIds);
      for (let t = 0; t < 8; t++) expect(batched[i].logprobs[t]).toBeCloseTo(alone.logprobs[t], 4);
    }
  });

  it("returns the raw-model logprob of each sampled token, whatever the temperature", async () => {
    const [r] = await generate(model, [prompts[1]], { maxNewTokens: 12, temperature: 1.7, topK: 20, topP: 0.9, seed: 7 });
    const full = await scorer.tokenLogprobs([...prompts[1], ...r.tokenIds]);
    const start = prompts[1].length - 1;
    for (let t = 0; t < r.tokenIds.length; t++) expect(r.logprobs[t]).toBeCloseTo(full[start + t], 4);
  });

  it("top-k 1 is greedy", async () => {
    const greedy = await generate(model, prompts, { maxNewTokens: 6, temperature: 0 });
    const k1 = await generate(model, prompts, { maxNewTokens: 6, temperature: 1.3, topK: 1, seed: 9 });
    expect(k1.map((r) => r.tokenIds)).toEqual(greedy.map((r) => r.tokenIds));
  });

  it("stops a row at EOS (kept in ids, not in text) while others go on", async () => {
    const free = await generate(model, prompts, { maxNewTokens: 10, temperature: 0 }, decode);
    const eos = free[0].tokenIds[3];
    const firstEos = free[0].tokenIds.indexOf(eos);
    const r = await generate(model, prompts, { maxNewTokens: 10, temperature: 0, eosTokenIds: [eos] }, decode);
    expect(r[0].finishReason).toBe("eos");
    expect(r[0].tokenIds).toEqual(free[0].tokenIds.slice(0, firstEos + 1));
    expect(r[0].text).toBe(decode(free[0].tokenIds.slice(0, firstEos)));
    // A row that never samples that id is unaffected.
    const other = free.findIndex((f) => !f.tokenIds.includes(eos));
    if (other >= 0) expect(r[other].tokenIds).toEqual(free[other].tokenIds);
  });

  it("stops at a stop string and cuts the text before it", async () => {
    const [free] = await generate(model, [prompts[2]], { maxNewTokens: 10, temperature: 0 }, decode);
    const stop = free.text.slice(4, 6);
    const [r] = await generate(model, [prompts[2]], { maxNewTokens: 10, temperature: 0, stopStrings: [stop] }, decode);
    expect(r.finishReason).toBe("stop");
    expect(r.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    expect(decode(r.tokenIds)).toContain(stop);
    expect(r.tokenIds.length).toBeLessThanOrEqual(6);
  });

  it("never runs past n_positions", async () => {
    const long = randomIds(c.nPositions - 2, c.vocabSize, 5);
    const [r] = await generate(model, [long], { maxNewTokens: 10, temperature: 0 });
    expect(r.tokenIds).toHaveLength(2);
    expect(r.finishReason).toBe("length");
  });
});
