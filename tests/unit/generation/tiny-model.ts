// A tiny Palate model directory for generation tests: a BPE tokenizer with the chat markers
// trained on a few sentences, and a small GPT-2 with random weights (varied samples).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newLanguageModelConfig, saveLanguageModel } from "@/lib/ml/nn/language-model";
import { Tokenizer, trainBpe } from "@/lib/ml/tokenizer";
import { randomWeights } from "../ml/nn/tiny-gpt2";

const TEXT = "What is the capital of France? The capital of France is Paris. Name a color: red, green, blue. One two three four five.";

export async function makeTinyModel(options: { nPositions?: number; nEmbd?: number; seed?: number } = {}): Promise<string> {
  const tokenizer = Tokenizer.fromBpe(trainBpe([TEXT], { vocabSize: 300 }));
  const shape = {
    vocabSize: tokenizer.vocabSize,
    nPositions: options.nPositions ?? 64,
    nEmbd: options.nEmbd ?? 16,
    nLayer: 2,
    nHead: 2,
    layerNormEpsilon: 1e-5,
  };
  const dir = join(mkdtempSync(join(tmpdir(), "palate-gen-model-")), "tiny-chat");
  await saveLanguageModel(dir, { config: newLanguageModelConfig(shape, tokenizer), weights: randomWeights(shape, options.seed ?? 3, 0.3), tokenizer });
  return dir;
}
