/**
 * A model directory as transformers saves one, so `from_pretrained(dir)` loads it:
 *
 *   config.json              GPT2Config (GPT2LMHeadModel or GPT2ForSequenceClassification)
 *   generation_config.json   generate() defaults (bos / eos ids)
 *   model.safetensors        fp32 parameters, HF names and layouts, lm_head tied (not saved)
 *   tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.json, merges.txt
 *                            (model_max_length set to the config's n_positions)
 *   model.onnx               optional: the inference graph with a KV cache
 *   …                        optional extra files (training state, notes)
 *
 * Saving is all-or-nothing: everything is written into a temp directory next to `dir`
 * and swapped in by rename, replacing the previous contents of `dir` as a whole.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "../tokenizer/tokenizer";
import { relativePathInside, replaceDirectoryAtomic, writeFileAtomic } from "./atomic-write";
import { parseGPT2Config, type GPT2Config } from "./config-json";
import { createGenerationConfig, parseGenerationConfig, type GenerationConfig } from "./generation-config";
import { checkGPT2Params, type FloatTensor, type NamedParams } from "./gpt2-params";
import { readSafetensors, writeSafetensors } from "./safetensors";

export const CONFIG_FILE = "config.json";
export const GENERATION_CONFIG_FILE = "generation_config.json";
export const WEIGHTS_FILE = "model.safetensors";
export const ONNX_FILE = "model.onnx";

export interface SaveModelDirInput {
  config: GPT2Config;
  params: ReadonlyMap<string, FloatTensor>;
  tokenizer?: Tokenizer;
  /** Default: bos / eos (and pad, if set) from the config. */
  generationConfig?: GenerationConfig;
  /** Serialized ONNX ModelProto, written as model.onnx. */
  onnx?: Uint8Array;
  /** More files, by path relative to the directory (subfolders allowed). */
  extraFiles?: Readonly<Record<string, string | Uint8Array>>;
  /** Save tensors the config does not define (e.g. a value head); default false. */
  allowExtraParams?: boolean;
}

export interface ModelDir {
  dir: string;
  config: GPT2Config;
  params: NamedParams;
  /** null when the directory has no tokenizer.json (or loading it was not asked for). */
  tokenizer: Tokenizer | null;
  generationConfig: GenerationConfig | null;
  /** Path of model.onnx when present. */
  onnxPath: string | null;
}

export interface LoadModelDirOptions {
  /** Load the tokenizer files; default true. */
  tokenizer?: boolean;
  /** Keep tensors the config does not define; default false (they are an error). */
  allowExtraParams?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes a model directory all-or-nothing (see the module comment). */
export async function saveModelDir(dir: string, input: SaveModelDirInput): Promise<void> {
  const config = parseGPT2Config(input.config, "saveModelDir: config");
  checkGPT2Params(config, input.params, { allowExtra: input.allowExtraParams });
  if (input.tokenizer && input.tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`saveModelDir: the tokenizer has ${input.tokenizer.vocabSize} ids but config.vocab_size is ${config.vocab_size}`);
  }
  const generationConfig = parseGenerationConfig(
    input.generationConfig ??
      createGenerationConfig({
        bosTokenId: config.bos_token_id,
        eosTokenId: config.eos_token_id,
        ...(config.pad_token_id != null ? { padTokenId: config.pad_token_id } : {}),
      }),
    "saveModelDir: generationConfig",
  );

  await replaceDirectoryAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, CONFIG_FILE), JSON.stringify(config, null, 2) + "\n");
    await writeFileAtomic(join(tmp, GENERATION_CONFIG_FILE), JSON.stringify(generationConfig, null, 2) + "\n");
    await writeSafetensors(join(tmp, WEIGHTS_FILE), input.params, { format: "pt" });
    if (input.tokenizer) await input.tokenizer.withConfig({ model_max_length: config.n_positions }).save(tmp);
    if (input.onnx) await writeFileAtomic(join(tmp, ONNX_FILE), input.onnx);
    for (const [name, content] of Object.entries(input.extraFiles ?? {})) {
      await writeFileAtomic(join(tmp, relativePathInside(name, "saveModelDir: extra file name")), content);
    }
  });
}

const LEGACY_BUFFER = /\.attn\.(bias|masked_bias)$/;
const TRANSFORMER_PREFIXES = ["wte.", "wpe.", "h.", "ln_f."];

/**
 * Parameters as stored → our names: drops the tied `lm_head.weight` and the causal-mask
 * buffers of old checkpoints, and adds the `transformer.` prefix that GPT2Model-only
 * checkpoints (e.g. the original `gpt2` on the Hub) lack.
 */
function canonicalName(name: string): string | null {
  if (name === "lm_head.weight" || LEGACY_BUFFER.test(name)) return null;
  if (TRANSFORMER_PREFIXES.some((p) => name.startsWith(p))) return `transformer.${name}`;
  return name;
}

/** Reads a model directory written by {@link saveModelDir} or by transformers (fp32/fp16/bf16 GPT-2). */
export async function loadModelDir(dir: string, options: LoadModelDirOptions = {}): Promise<ModelDir> {
  const configPath = join(dir, CONFIG_FILE);
  let rawConfig: unknown;
  try {
    rawConfig = JSON.parse(await readFile(configPath, "utf8"));
  } catch (err) {
    throw new Error(`${configPath}: ${(err as Error).message}`);
  }
  const config = parseGPT2Config(rawConfig, configPath);

  const weightsPath = join(dir, WEIGHTS_FILE);
  const { tensors } = await readSafetensors(weightsPath);
  const params: NamedParams = new Map();
  for (const [stored, t] of tensors) {
    const name = canonicalName(stored);
    if (name === null) continue;
    if (t.dtype !== "F32") throw new Error(`${weightsPath}: tensor ${stored} is ${t.dtype}, expected a float tensor`);
    params.set(name, { shape: t.shape, data: t.data });
  }
  try {
    checkGPT2Params(config, params, { allowExtra: options.allowExtraParams });
  } catch (err) {
    throw new Error(`${weightsPath}: ${(err as Error).message}`);
  }

  let tokenizer: Tokenizer | null = null;
  if ((options.tokenizer ?? true) && (await exists(join(dir, "tokenizer.json")))) tokenizer = await Tokenizer.load(dir);

  let generationConfig: GenerationConfig | null = null;
  const generationPath = join(dir, GENERATION_CONFIG_FILE);
  if (await exists(generationPath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(generationPath, "utf8"));
    } catch (err) {
      throw new Error(`${generationPath}: ${(err as Error).message}`);
    }
    generationConfig = parseGenerationConfig(raw, generationPath);
  }

  const onnxPath = join(dir, ONNX_FILE);
  return { dir, config, params, tokenizer, generationConfig, onnxPath: (await exists(onnxPath)) ? onnxPath : null };
}
