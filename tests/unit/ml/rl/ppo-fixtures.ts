// Models for PPO tests: a tiny reward model beside reward-fixtures.ts's tiny chat language model
// (with a tokenizer: text prompts, sample tables), and a hand-built easy reward to learn.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCORE_WEIGHT, createGPT2Config, gpt2ParamShapes, loadModelDir, saveModelDir, toGpt2Config, withArchitecture, type NamedParams } from "@/lib/ml/io";
import { saveLanguageModel } from "@/lib/ml/nn/language-model";
import { exportRewardModelOnnx } from "@/lib/ml/nn/reward-model";
import { Random } from "@/lib/ml/random";
import { randomWeights, tinyConfig as c } from "../nn/tiny-gpt2";
import { tinyLmDir } from "./reward-fixtures";

let cached: string | null = null;

export async function tinyRewardModelDir(): Promise<string> {
  if (cached) return cached;
  const loaded = await loadModelDir(await tinyLmDir());
  const config = withArchitecture(loaded.config, "GPT2ForSequenceClassification");
  const params: NamedParams = new Map(loaded.params);
  params.set(SCORE_WEIGHT, { shape: [1, config.n_embd], data: new Random(5).fillNormal(new Float32Array(config.n_embd), 0, 0.2) });
  const weights = Object.fromEntries([...params].map(([name, t]) => [name, t.data]));
  const dir = join(mkdtempSync(join(tmpdir(), "palate-ppo-rm-")), "rm");
  await saveModelDir(dir, { config, params, tokenizer: loaded.tokenizer!, onnx: exportRewardModelOnnx(toGpt2Config(config), weights) });
  cached = dir;
  return dir;
}

/** `palate ppo` flags of a tiny run: 2 iterations of 4 episodes, 1 epoch × 2 minibatches, 4-token responses, 2 held-out prompts evaluated. */
export const TINY_PPO_FLAGS = [
  "--total-episodes",
  "8",
  "--batch-size",
  "4",
  "--num-mini-batches",
  "2",
  "--num-ppo-epochs",
  "1",
  "--response-length",
  "4",
  "--eval-prompts",
  "2",
];

/** Distinct chat prompts. */
export function ppoPrompts(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => `Say something about item ${i + offset}.`);
}

/**
 * An easy, hand-built reward over a tiny vocabulary, for "does PPO learn" tests: a random
 * GPT-2 policy (vocab 64, no tokenizer; prompts are token ids) and a reward model that scores
 * +1 when the response's last token is one of GOOD_TOKENS and −1 otherwise. The reward model's
 * blocks add nothing (zero output projections) and wpe is zero, so its last hidden state is
 * ln_f(wte[token]), with wte = ±v for good / other tokens and score.weight = v / d.
 */
export const GOOD_TOKENS = new Set(Array.from({ length: 8 }, (_, i) => 3 + i * 7));

let cachedEasy: { policyDir: string; rewardModelDir: string; prompts: number[][] } | null = null;

export async function tokenPreferenceDirs(): Promise<{ policyDir: string; rewardModelDir: string; prompts: number[][] }> {
  if (cachedEasy) return cachedEasy;
  const root = mkdtempSync(join(tmpdir(), "palate-ppo-easy-"));
  const lmConfig = createGPT2Config({
    vocabSize: c.vocabSize,
    nPositions: c.nPositions,
    nEmbd: c.nEmbd,
    nLayer: c.nLayer,
    nHead: c.nHead,
    bosTokenId: 0,
    eosTokenId: 0,
  });
  const policyDir = join(root, "policy");
  await saveLanguageModel(policyDir, { config: lmConfig, weights: randomWeights(c, 1, 0.2), tokenizer: null });

  const rmConfig = withArchitecture(lmConfig, "GPT2ForSequenceClassification");
  const d = c.nEmbd;
  const v = Float32Array.from({ length: d }, (_, i) => (i % 2 === 0 ? 1 : -1)); // mean 0, variance 1: ln_f keeps it
  const params: NamedParams = new Map();
  for (const [name, shape] of gpt2ParamShapes(rmConfig)) {
    const data = new Float32Array(shape.reduce((p, x) => p * x, 1));
    if (/ln_\d\.weight$|ln_f\.weight$/.test(name)) data.fill(1);
    if (name === "transformer.wte.weight")
      for (let t = 0; t < c.vocabSize; t++) for (let i = 0; i < d; i++) data[t * d + i] = (GOOD_TOKENS.has(t) ? 1 : -1) * v[i];
    if (name === SCORE_WEIGHT) for (let i = 0; i < d; i++) data[i] = v[i] / d;
    params.set(name, { shape, data });
  }
  const rewardModelDir = join(root, "rm");
  const weights = Object.fromEntries([...params].map(([name, t]) => [name, t.data]));
  await saveModelDir(rewardModelDir, { config: rmConfig, params, onnx: exportRewardModelOnnx(toGpt2Config(rmConfig), weights) });

  const rng = new Random(9);
  const prompts = Array.from({ length: 24 }, () => Array.from({ length: 3 + rng.int(4) }, () => rng.int(c.vocabSize)));
  cachedEasy = { policyDir, rewardModelDir, prompts };
  return cachedEasy;
}
