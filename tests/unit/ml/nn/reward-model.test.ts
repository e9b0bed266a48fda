import { describe, expect, it } from "vitest";
import { Graph, Session, float32, int64, type Value } from "@/lib/ml/onnx";
import { gradcheck } from "@/lib/ml/onnx/gradcheck";
import { causalBias, gpt2Backbone } from "@/lib/ml/nn/gpt2";
import type { Gpt2Config } from "@/lib/ml/nn/gpt2-config";
import { SCORE_WEIGHT_NAME, buildRewardModelGraph, exportRewardModelOnnx, rewardModelParamSpecs, rewardScores } from "@/lib/ml/nn/reward-model";
import { preferenceMatrix, rankingLoss } from "@/lib/ml/rl/ranking-loss";
import { Random } from "@/lib/ml/random";
import { randomIds, randomWeights, tinyConfig } from "./tiny-gpt2";

const c = tinyConfig;

function rmWeights(cfg: Gpt2Config, seed = 3): Record<string, Float32Array> {
  const w = randomWeights(cfg, seed);
  w[SCORE_WEIGHT_NAME] = new Random(seed + 100).fillNormal(new Float32Array(cfg.nEmbd), 0, 0.5);
  return w;
}

/** A graph over the weights as params: rewards [B] of right-padded ids [B, T] with a one-hot last-token mask, and the hidden state. */
async function trainingGraphScores(w: Record<string, Float32Array>, seqs: number[][], T: number) {
  const B = seqs.length;
  const g = new Graph();
  const ids = g.input("input_ids", "int64", [B, T]);
  const last = g.input("last", "float32", [B, T]);
  const params: Record<string, Value> = {};
  for (const s of rewardModelParamSpecs(c)) params[s.name] = g.param(s.name, s.shape);
  const attentionBias = causalBias(g, T);
  g.output(rewardScores(g, c, params, { inputIds: ids, lastTokenMask: last, attentionBias }), "rewards");
  g.output(gpt2Backbone(g, c, params, { inputIds: ids, attentionBias }).hidden, "hidden");
  const session = await Session.create(g.toOnnx({ paramValues: w }), { intraOpNumThreads: 1 });
  const idData = new Array(B * T).fill(0);
  const lastData = new Float32Array(B * T);
  seqs.forEach((s, b) => {
    s.forEach((id, t) => (idData[b * T + t] = id));
    lastData[b * T + s.length - 1] = 1;
  });
  const out = await session.run({ input_ids: int64(idData, [B, T]), last: float32(lastData, [B, T]) });
  await session.release();
  return { rewards: Array.from(out.rewards.data as Float32Array), hidden: out.hidden.data as Float32Array };
}

describe("reward model graph (GPT2ForSequenceClassification)", () => {
  const w = rmWeights(c);
  const seqs = [
    randomIds(5, c.vocabSize, 1).map((x) => x || 1),
    randomIds(9, c.vocabSize, 2).map((x) => x || 1),
    randomIds(2, c.vocabSize, 3).map((x) => x || 1),
  ];

  it("reads the score at the last non-pad token: hidden[last] · score.weight", async () => {
    const T = 12;
    const { rewards, hidden } = await trainingGraphScores(w, seqs, T);
    const d = c.nEmbd;
    seqs.forEach((s, b) => {
      const row = (b * T + s.length - 1) * d;
      let dot = 0;
      for (let i = 0; i < d; i++) dot += hidden[row + i] * w[SCORE_WEIGHT_NAME][i];
      expect(rewards[b]).toBeCloseTo(dot, 4);
    });
    expect(new Set(rewards.map((r) => r.toFixed(4))).size).toBe(3);
  });

  it("right padding does not change a sequence's score", async () => {
    const padded = await trainingGraphScores(w, seqs, 16);
    for (let b = 0; b < seqs.length; b++) {
      const alone = await trainingGraphScores(w, [seqs[b]], seqs[b].length);
      expect(padded.rewards[b]).toBeCloseTo(alone.rewards[0], 5);
    }
  });

  it("the exported model.onnx scores a padded batch as the training graph scores each sequence alone", async () => {
    const bytes = exportRewardModelOnnx(c, w);
    const session = await Session.create(bytes, { intraOpNumThreads: 1 });
    expect(session.inputNames).toEqual(["input_ids", "attention_mask"]);
    expect(session.outputNames).toEqual(["logits"]);
    const T = 10;
    const ids = new Array(seqs.length * T).fill(0);
    const mask = new Array(seqs.length * T).fill(0);
    seqs.forEach((s, b) =>
      s.forEach((id, t) => {
        ids[b * T + t] = id;
        mask[b * T + t] = 1;
      }),
    );
    const out = await session.run({ input_ids: int64(ids, [seqs.length, T]), attention_mask: int64(mask, [seqs.length, T]) });
    expect(out.logits.dims).toEqual([seqs.length, 1]);
    const logits = Array.from(out.logits.data as Float32Array);
    for (let b = 0; b < seqs.length; b++) {
      const alone = await trainingGraphScores(w, [seqs[b]], seqs[b].length);
      expect(logits[b]).toBeCloseTo(alone.rewards[0], 4);
    }
    await session.release();
  });

  it("model.onnx uses standard ONNX ops only", () => {
    const g = buildRewardModelGraph(c);
    expect(Object.keys(g.domains ?? {}).filter((d) => d !== "")).toEqual([]);
    const bytes = exportRewardModelOnnx(c, w);
    expect(Buffer.from(bytes).includes(Buffer.from("com.microsoft"))).toBe(false);
  });

  it("gradients of the ranking loss through the head and the backbone match finite differences (float64)", async () => {
    const cfg: Gpt2Config = { vocabSize: 13, nPositions: 8, nEmbd: 8, nLayer: 1, nHead: 2, layerNormEpsilon: 1e-5 };
    const specs = rewardModelParamSpecs(cfg);
    const weights = rmWeights(cfg, 7);
    const B = 2;
    const K = 3;
    const T = 6;
    const lengths = [6, 4, 2, 5, 3, 6];
    const ids = randomIds(B * K * T, cfg.vocabSize, 11).map((x, i) => (i % T < lengths[Math.floor(i / T)] ? x || 1 : 0));
    const last = new Array(B * K * T).fill(0);
    lengths.forEach((len, s) => (last[s * T + len - 1] = 1));
    const prefs = [...preferenceMatrix([[2], [0, 1]], K), ...preferenceMatrix([[0], [1], [2]], K)];
    const checked = new Set([
      "score.weight",
      "transformer.ln_f.weight",
      "transformer.ln_f.bias",
      "transformer.h.0.attn.c_attn.weight",
      "transformer.wte.weight",
    ]);
    const inputs = specs.filter((s) => checked.has(s.name));
    const result = await gradcheck(
      (g, xs) => {
        const w: Record<string, Value> = {};
        for (const s of specs) {
          const i = inputs.findIndex((x) => x.name === s.name);
          w[s.name] = i >= 0 ? xs[i] : g.constant(weights[s.name], s.shape, "float64");
        }
        const rewards = rewardScores(g, cfg, w, {
          inputIds: g.constant(ids, [B * K, T], "int64"),
          lastTokenMask: g.constant(last, [B * K, T], "float64"),
        });
        const r = g.reshape(rewards, [B, K]);
        return rankingLoss(g, r, g.constant(prefs, [B, K, K], "float64"), { margin: 0.1, centring: 0.01 }).loss;
      },
      inputs.map((s) => ({ name: s.name, shape: s.shape, data: weights[s.name] })),
      { maxElements: 8, seed: 3 },
    );
    expect(result.ok, result.message).toBe(true);
    expect(result.analytic[0].some((x) => Math.abs(x) > 1e-6)).toBe(true);
  });
});
