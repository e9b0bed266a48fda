import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createGPT2Config, loadModelDir, withArchitecture } from "@/lib/ml/io";
import { Graph, Session, int64, type Value } from "@/lib/ml/onnx";
import { exportRewardModelOnnx, SCORE_WEIGHT_NAME } from "@/lib/ml/nn/reward-model";
import { loadValueModel, saveValueModel, tokenValues, valueModelParamSpecs } from "@/lib/ml/nn/value-model";
import { saveLanguageModel } from "@/lib/ml/nn/language-model";
import { Random } from "@/lib/ml/random";
import { randomIds, randomWeights, tinyConfig as c } from "./tiny-gpt2";

function valueWeights(seed = 3): Record<string, Float32Array> {
  const w = randomWeights(c, seed);
  w[SCORE_WEIGHT_NAME] = new Random(seed + 100).fillNormal(new Float32Array(c.nEmbd), 0, 0.5);
  return w;
}

const rmConfig = () =>
  withArchitecture(
    createGPT2Config({
      vocabSize: c.vocabSize,
      nPositions: c.nPositions,
      nEmbd: c.nEmbd,
      nLayer: c.nLayer,
      nHead: c.nHead,
      layerNormEpsilon: c.layerNormEpsilon,
      bosTokenId: 0,
      eosTokenId: 0,
    }),
    "GPT2ForSequenceClassification",
  );

describe("value model", () => {
  it("reads the score head at every position: the value at t is the reward model's score of the prefix up to t", async () => {
    const w = valueWeights();
    const T = 9;
    const ids = randomIds(T, c.vocabSize, 7);
    const g = new Graph();
    const input = g.input("input_ids", "int64", [1, T]);
    const params: Record<string, Value> = {};
    for (const s of valueModelParamSpecs(c)) params[s.name] = g.param(s.name, s.shape);
    g.output(tokenValues(g, c, params, { inputIds: input }), "values");
    const session = await Session.create(g.toOnnx({ paramValues: w }), { intraOpNumThreads: 1 });
    const values = (await session.run({ input_ids: int64(ids, [1, T]) })).values.data as Float32Array;
    expect(values.length).toBe(T);

    const rm = await Session.create(exportRewardModelOnnx(c, w), { intraOpNumThreads: 1 });
    for (const t of [0, 3, T - 1]) {
      const prefix = ids.slice(0, t + 1);
      const out = await rm.run({
        input_ids: int64(prefix, [1, t + 1]),
        attention_mask: int64(
          prefix.map(() => 1),
          [1, t + 1],
        ),
      });
      expect(values[t]).toBeCloseTo((out.logits.data as Float32Array)[0], 5);
    }
    await session.release();
    await rm.release();
  });

  it("saves and loads as a reward-model directory; refuses a language model", async () => {
    const root = mkdtempSync(join(tmpdir(), "palate-value-"));
    const w = valueWeights(5);
    await saveValueModel(join(root, "value"), { config: rmConfig(), weights: w, tokenizer: null });
    const dir = await loadModelDir(join(root, "value"));
    expect(dir.config.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(dir.onnxPath).not.toBeNull();
    const back = await loadValueModel(join(root, "value"));
    for (const s of valueModelParamSpecs(c)) expect(Array.from(back.weights[s.name])).toEqual(Array.from(w[s.name]));

    const lmConfig = createGPT2Config({
      vocabSize: c.vocabSize,
      nPositions: c.nPositions,
      nEmbd: c.nEmbd,
      nLayer: c.nLayer,
      nHead: c.nHead,
      layerNormEpsilon: c.layerNormEpsilon,
      bosTokenId: 0,
      eosTokenId: 0,
    });
    await saveLanguageModel(join(root, "lm"), { config: lmConfig, weights: randomWeights(c, 1), tokenizer: null });
    await expect(loadValueModel(join(root, "lm"))).rejects.toThrow(/reward-model directory/);
  });
});
