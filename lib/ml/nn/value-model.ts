// The value model of PPO (TRL: `value_model`, an AutoModelForSequenceClassification with one
// label): the reward model's architecture — a GPT-2 backbone and a bias-free `score` head
// [1, d] — but the head is read at EVERY position, not only the last token:
//
//   hidden = GPT2Model(input_ids)              [B, T, d]
//   values = hidden @ score.weight^T           [B, T]     V(s_t): the expected return after t
//
// It starts as a copy of the reward model (the usual RLHF choice: a critic that already knows
// what is rewarded) and has the same parameter names, so it saves and loads as a reward-model
// directory (GPT2ForSequenceClassification): transformers reads it, and lib/ml/rl's
// RewardScorer scores with it (the last token's value).
import { SCORE_WEIGHT, isSequenceClassifier, loadModelDir, saveModelDir, toGpt2Config, type GPT2Config, type NamedParams } from "../io";
import type { Graph, Value } from "../onnx";
import type { Tokenizer } from "../tokenizer";
import { gpt2Backbone, type Gpt2Inputs } from "./gpt2";
import type { Gpt2Config, ParamSpec } from "./gpt2-config";
import { exportRewardModelOnnx, rewardModelParamSpecs } from "./reward-model";

/** A value model in memory: a reward-model config.json, weights by HF name (score.weight included). */
export interface ValueModel {
  config: GPT2Config;
  weights: Record<string, Float32Array>;
  tokenizer: Tokenizer | null;
}

/** The value model's parameters: exactly the reward model's (GPT-2's, then score.weight [1, d]). */
export function valueModelParamSpecs(c: Gpt2Config): ParamSpec[] {
  return rewardModelParamSpecs(c);
}

/** The value head on hidden states [B, T, d] → values [B, T] (hidden @ score.weight^T). */
export function valueHead(g: Graph, w: Readonly<Record<string, Value>>, hidden: Value): Value {
  return g.squeeze(g.matmul(hidden, g.transpose(w[SCORE_WEIGHT], [1, 0])), [2]);
}

/** The backbone, then the value head at every position: [B, T]. */
export function tokenValues(g: Graph, c: Gpt2Config, w: Readonly<Record<string, Value>>, inputs: Gpt2Inputs): Value {
  return valueHead(g, w, gpt2Backbone(g, c, w, inputs).hidden);
}

/** Loads a value model from a reward-model directory (a trained RM to start PPO from, or a saved value model). */
export async function loadValueModel(dir: string): Promise<ValueModel> {
  const loaded = await loadModelDir(dir);
  if (!isSequenceClassifier(loaded.config)) {
    throw new Error(`${dir}: a value model starts from a reward-model directory (config.json architectures is ${loaded.config.architectures[0]})`);
  }
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of loaded.params) weights[name] = t.data;
  return { config: loaded.config, weights, tokenizer: loaded.tokenizer };
}

/** Writes the value model as a reward-model directory, all-or-nothing (model.onnx scores the last token). */
export async function saveValueModel(dir: string, model: ValueModel, extraFiles?: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const shape = toGpt2Config(model.config);
  const params: NamedParams = new Map();
  for (const spec of valueModelParamSpecs(shape)) {
    const data = model.weights[spec.name];
    if (!data) throw new Error(`saveValueModel: missing parameter ${spec.name}`);
    params.set(spec.name, { shape: spec.shape, data });
  }
  await saveModelDir(dir, {
    config: model.config,
    params,
    tokenizer: model.tokenizer ?? undefined,
    onnx: exportRewardModelOnnx(shape, model.weights),
    extraFiles,
  });
}
