import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGPT2Config, withArchitecture } from "@/lib/ml/io/config-json";
import { createGenerationConfig } from "@/lib/ml/io/generation-config";
import { initGPT2Params, type NamedParams } from "@/lib/ml/io/gpt2-params";
import { loadModelDir, saveModelDir } from "@/lib/ml/io/model-dir";
import { readSafetensors, writeSafetensors } from "@/lib/ml/io/safetensors";
import { Tokenizer } from "@/lib/ml/tokenizer/tokenizer";
import { trainBpe } from "@/lib/ml/tokenizer/train-bpe";

const config = createGPT2Config({ vocabSize: 300, nPositions: 16, nEmbd: 8, nLayer: 2, nHead: 2, bosTokenId: 0, eosTokenId: 0 });
const tokenizer = Tokenizer.fromBpe(trainBpe(Array<string>(20).fill("hello world, hello there"), { vocabSize: 300 }), { modelMaxLength: 1024 });

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "palate-modeldir-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectSameParams(a: NamedParams, b: NamedParams): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.shape, name).toEqual(t.shape);
    expect(
      Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
      name,
    ).toBe(true);
  }
}

describe("model directories", () => {
  it("saves the files transformers loads and reads them back identically", async () => {
    const dir = join(root, "lm");
    const params = initGPT2Params(config, 3);
    const onnx = new Uint8Array([8, 7, 18, 3]);
    const generationConfig = createGenerationConfig({ bosTokenId: 0, eosTokenId: [0, 4] });
    await saveModelDir(dir, { config, params, tokenizer, onnx, generationConfig, extraFiles: { "training/state.json": '{"step":3}' } });

    expect((await readdir(dir)).sort()).toEqual(
      [
        "config.json",
        "generation_config.json",
        "merges.txt",
        "model.onnx",
        "model.safetensors",
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "training",
        "vocab.json",
      ].sort(),
    );
    expect(JSON.parse(await readFile(join(dir, "config.json"), "utf8"))).toEqual(config);
    const weights = await readSafetensors(join(dir, "model.safetensors"));
    expect(weights.metadata).toEqual({ format: "pt" });
    expect(weights.tensors.has("lm_head.weight")).toBe(false);
    expect(weights.tensors.get("transformer.wte.weight")?.shape).toEqual([300, 8]);

    const loaded = await loadModelDir(dir);
    expect(loaded.config).toEqual(config);
    expectSameParams(params, loaded.params);
    expect(loaded.generationConfig).toEqual(generationConfig);
    expect(loaded.onnxPath).toBe(join(dir, "model.onnx"));
    expect(loaded.tokenizer?.encode("hello there <|endoftext|>")).toEqual(tokenizer.encode("hello there <|endoftext|>"));
    expect(await readFile(join(dir, "training/state.json"), "utf8")).toBe('{"step":3}');
    expect(JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8")).model_max_length).toBe(16);
  });

  it("saves a reward model (GPT2ForSequenceClassification) with its score head", async () => {
    const dir = join(root, "rm");
    const rmConfig = withArchitecture(config, "GPT2ForSequenceClassification");
    const params = initGPT2Params(rmConfig, 4);
    expect(params.get("score.weight")?.shape).toEqual([1, 8]);
    await saveModelDir(dir, { config: rmConfig, params, tokenizer });
    const loaded = await loadModelDir(dir);
    expect(loaded.config.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(loaded.config.pad_token_id).toBe(0);
    expectSameParams(params, loaded.params);
    expect(loaded.generationConfig).toEqual({ bos_token_id: 0, eos_token_id: 0, pad_token_id: 0 });
    expect(loaded.onnxPath).toBeNull();
  });

  it("replaces an existing directory as a whole, and leaves it untouched when saving fails", async () => {
    const dir = join(root, "swap");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "stale.txt"), "old");
    const params = initGPT2Params(config, 5);
    await saveModelDir(dir, { config, params });
    expect(await readdir(dir)).not.toContain("stale.txt");
    expect(await readdir(dir)).not.toContain("tokenizer.json");

    const broken = new Map(params);
    broken.delete("transformer.ln_f.bias");
    await expect(saveModelDir(dir, { config, params: broken })).rejects.toThrow(/missing transformer\.ln_f\.bias/);
    await expect(saveModelDir(dir, { config, params, extraFiles: { "../escape.txt": "x" } })).rejects.toThrow(/relative path/);
    expectSameParams(params, (await loadModelDir(dir)).params);
    expect((await readdir(root)).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("refuses a tokenizer with more ids than the embedding table", async () => {
    const small = createGPT2Config({ vocabSize: 100, nPositions: 16, nEmbd: 8, nLayer: 1, nHead: 2, bosTokenId: 0, eosTokenId: 0 });
    await expect(saveModelDir(join(root, "small"), { config: small, params: initGPT2Params(small, 1), tokenizer })).rejects.toThrow(
      /tokenizer has \d+ ids but config.vocab_size is 100/,
    );
  });

  it("loads transformers-style checkpoints: un-prefixed names, a saved lm_head and attention-mask buffers", async () => {
    const dir = join(root, "hub");
    await mkdir(dir, { recursive: true });
    const params = initGPT2Params(config, 6);
    const stored = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of params) stored.set(name.replace(/^transformer\./, ""), t);
    stored.set("lm_head.weight", params.get("transformer.wte.weight")!);
    stored.set("h.0.attn.bias", { shape: [1, 1, 16, 16], data: new Float32Array(256) });
    await writeSafetensors(join(dir, "model.safetensors"), stored);
    await writeFile(join(dir, "config.json"), JSON.stringify(config));
    const loaded = await loadModelDir(dir);
    expectSameParams(params, loaded.params);
    expect(loaded.tokenizer).toBeNull();
    expect(loaded.generationConfig).toBeNull();
  });

  it("names the file when the directory is not a valid model", async () => {
    const dir = join(root, "bad");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...config, n_layer: 3 }));
    await writeSafetensors(join(dir, "model.safetensors"), initGPT2Params(config, 1));
    await expect(loadModelDir(dir)).rejects.toThrow(/model\.safetensors.*missing transformer\.h\.2\./);
    await writeFile(join(dir, "config.json"), "{not json");
    await expect(loadModelDir(dir)).rejects.toThrow(/config\.json/);
  });
});
