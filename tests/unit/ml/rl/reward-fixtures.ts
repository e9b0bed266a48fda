// A tiny language model directory and a learnable synthetic preference for reward-model tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initGPT2Params } from "@/lib/ml/io";
import { newLanguageModelConfig, saveLanguageModel } from "@/lib/ml/nn/language-model";
import { Random } from "@/lib/ml/random";
import type { RankingExample } from "@/lib/ml/rl/reward-data";
import { Tokenizer, trainBpe } from "@/lib/ml/tokenizer";

const WORDS = ["red", "blue", "green", "stone", "river", "cloud", "seven", "table", "light", "north", "quiet", "paper"];
export const GOOD_WORD = "apple";

/** Completions containing "apple" beat the others; completions of one kind are tied. */
export function syntheticRankings(prompts: number, k: number, seed: number, goodCount = 1): RankingExample[] {
  const rng = new Random(seed);
  const phrase = (good: boolean) => {
    const words = Array.from({ length: 2 + rng.int(3) }, () => WORDS[rng.int(WORDS.length)]);
    if (good) words.splice(rng.int(words.length + 1), 0, GOOD_WORD);
    return words.join(" ") + ".";
  };
  const out: RankingExample[] = [];
  for (let p = 0; p < prompts; p++) {
    const good = new Set<number>();
    while (good.size < goodCount) good.add(rng.int(k));
    const completions = Array.from({ length: k }, (_, i) => phrase(good.has(i)));
    const bad = [...Array(k).keys()].filter((i) => !good.has(i));
    out.push({
      promptKey: `prompt-${p}`,
      prompt: [{ role: "user", content: `Say something about item ${p}.` }],
      completions,
      groups: [[...good], bad],
      id: p,
    });
  }
  return out;
}

let cached: string | null = null;

/** A tiny GPT-2 language model directory (HF init, a BPE tokenizer trained on the synthetic text). */
export async function tinyLmDir(): Promise<string> {
  if (cached) return cached;
  const dir = join(mkdtempSync(join(tmpdir(), "palate-rm-base-")), "lm");
  const corpus = [...WORDS, GOOD_WORD, "Say something about item 0123456789."].join(" ");
  const tokenizer = Tokenizer.fromBpe(trainBpe([corpus, corpus], { vocabSize: 300 }));
  const config = newLanguageModelConfig({ vocabSize: tokenizer.vocabSize, nPositions: 48, nEmbd: 32, nLayer: 2, nHead: 2, layerNormEpsilon: 1e-5 }, tokenizer);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of initGPT2Params(config, 1)) weights[name] = t.data;
  await saveLanguageModel(dir, { config, weights, tokenizer });
  cached = dir;
  return dir;
}
