// A GPT-2 language model as a directory (config.json, model.safetensors, tokenizer.json,
// generation_config.json, model.onnx — see lib/ml/io/model-dir.ts) and in memory.
//
// model.safetensors is the source of truth: loading rebuilds the inference graph from
// it, so a directory edited by Python tools (safetensors only) runs the same way. The
// saved model.onnx is for other runtimes (transformers.js, onnxruntime users).
import { createGPT2Config, gpt2ParamShapes, loadModelDir, saveModelDir, toGpt2Config, type GPT2Config, type NamedParams } from "../io";
import type { SessionOptions } from "../onnx";
import type { Tokenizer } from "../tokenizer";
import { CausalLmSession, DECODE_SESSION_OPTIONS } from "./causal-lm-session";
import type { Gpt2Config } from "./gpt2-config";
import { Gpt2Decoder } from "./gpt2-decoder";
import { exportGpt2Onnx } from "./gpt2-inference";

export interface LanguageModel {
  /** config.json as transformers reads it. */
  config: GPT2Config;
  /** Parameters by HF name (lm_head tied to transformer.wte.weight, not stored). */
  weights: Record<string, Float32Array>;
  tokenizer: Tokenizer | null;
}

/** The engine's shape of a language model's config. */
export function shapeOf(model: LanguageModel): Gpt2Config {
  return toGpt2Config(model.config);
}

/** config.json for a new model; bos/eos default to the tokenizer's end-of-text id. */
export function newLanguageModelConfig(shape: Gpt2Config, tokenizer: Tokenizer | null): GPT2Config {
  const eos = tokenizer?.eosTokenId ?? 0;
  return createGPT2Config({
    vocabSize: shape.vocabSize,
    nPositions: shape.nPositions,
    nEmbd: shape.nEmbd,
    nLayer: shape.nLayer,
    nHead: shape.nHead,
    layerNormEpsilon: shape.layerNormEpsilon,
    bosTokenId: tokenizer?.bosTokenId ?? eos,
    eosTokenId: eos,
  });
}

function toNamedParams(config: GPT2Config, weights: Record<string, Float32Array>): NamedParams {
  const params: NamedParams = new Map();
  for (const [name, shape] of gpt2ParamShapes(config)) {
    const data = weights[name];
    if (!data) throw new Error(`missing parameter ${name}`);
    params.set(name, { shape, data });
  }
  return params;
}

/** Writes the model directory all-or-nothing, model.onnx included. */
export async function saveLanguageModel(dir: string, model: LanguageModel, extraFiles?: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  await saveModelDir(dir, {
    config: model.config,
    params: toNamedParams(model.config, model.weights),
    tokenizer: model.tokenizer ?? undefined,
    onnx: exportGpt2Onnx(toGpt2Config(model.config), model.weights),
    extraFiles,
  });
}

export async function loadLanguageModel(dir: string): Promise<LanguageModel> {
  const loaded = await loadModelDir(dir);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of loaded.params) weights[name] = t.data;
  return { config: loaded.config, weights, tokenizer: loaded.tokenizer };
}

/** An inference session over the model's current weights (the Optimum KV-cache graph; scoring). */
export async function openSession(model: LanguageModel, options: SessionOptions = DECODE_SESSION_OPTIONS): Promise<CausalLmSession> {
  const shape = shapeOf(model);
  return CausalLmSession.create(exportGpt2Onnx(shape, model.weights), shape, options);
}

/** A static-cache decoder over the model's current weights, for generation. */
export async function openDecoder(model: LanguageModel, options: SessionOptions = DECODE_SESSION_OPTIONS): Promise<Gpt2Decoder> {
  return Gpt2Decoder.create(shapeOf(model), model.weights, options);
}
