import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensorsHeader } from "@/lib/ml/io";
import { CausalLmSession } from "@/lib/ml/nn/causal-lm-session";
import { loadLanguageModel, newLanguageModelConfig, openSession, saveLanguageModel, shapeOf } from "@/lib/ml/nn/language-model";
import { Tokenizer, trainBpe } from "@/lib/ml/tokenizer";
import { randomWeights } from "./tiny-gpt2";

const text = "the cat sat on the mat. the dog sat on the log. a cat and a dog.";

describe("language model directory", () => {
  it("saves and reloads to identical logits (safetensors and model.onnx)", async () => {
    const tokenizer = Tokenizer.fromBpe(trainBpe([text], { vocabSize: 280 }));
    const shape = { vocabSize: tokenizer.vocabSize, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, layerNormEpsilon: 1e-5 };
    const model = { config: newLanguageModelConfig(shape, tokenizer), weights: randomWeights(shape, 5, 0.2), tokenizer };
    const dir = join(mkdtempSync(join(tmpdir(), "palate-lm-")), "model");
    await saveLanguageModel(dir, model);

    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    expect(config).toMatchObject({
      model_type: "gpt2",
      n_embd: 16,
      n_layer: 2,
      n_head: 2,
      n_positions: 16,
      activation_function: "gelu_new",
      tie_word_embeddings: true,
    });
    expect(config.eos_token_id).toBe(tokenizer.eosTokenId);
    const header = await readSafetensorsHeader(join(dir, "model.safetensors"));
    expect([...header.tensors.keys()]).not.toContain("lm_head.weight");
    expect(header.tensors.get("transformer.h.0.attn.c_attn.weight")?.shape).toEqual([16, 48]);

    const loaded = await loadLanguageModel(dir);
    expect(shapeOf(loaded)).toEqual(shape);
    expect(loaded.tokenizer?.encode(text)).toEqual(tokenizer.encode(text));
    const ids = tokenizer.encode("the cat sat on the log");
    const before = await (await openSession(model)).tokenLogprobs(ids);
    const after = await (await openSession(loaded)).tokenLogprobs(ids);
    const fromOnnx = await (await CausalLmSession.create(join(dir, "model.onnx"), shape)).tokenLogprobs(ids);
    expect(after).toEqual(before);
    expect(fromOnnx).toEqual(before);
    expect(before).toHaveLength(ids.length - 1);
  });
});
