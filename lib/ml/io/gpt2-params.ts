/**
 * GPT-2 parameters by Hugging Face name: their shapes for a config.json, a check
 * that a set of tensors matches them, and Hugging Face's initialization.
 */
import { gpt2ParamSpecs } from "../nn/gpt2-config";
import { Random } from "../random";
import { isSequenceClassifier, toGpt2Config, type GPT2Config } from "./config-json";

/** A float32 tensor, row-major. */
export interface FloatTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters by Hugging Face name (`transformer.h.0.attn.c_attn.weight`, …). */
export type NamedParams = Map<string, FloatTensor>;

/** The reward / value head of GPT2ForSequenceClassification: Linear(n_embd, 1, bias=False). */
export const SCORE_WEIGHT = "score.weight";

/**
 * Names and shapes of the parameters saved for `config`, in state-dict order: the
 * transformer (wte [vocab, d], wpe [n_positions, d], per block ln_1, attn.c_attn
 * [d, 3d], attn.c_proj [d, d], ln_2, mlp.c_fc [d, 4d], mlp.c_proj [4d, d], then
 * ln_f), plus `score.weight` [1, d] for a sequence classifier. lm_head is tied to
 * wte and not saved, as transformers does.
 */
export function gpt2ParamShapes(config: GPT2Config): Map<string, number[]> {
  const shapes = new Map(gpt2ParamSpecs(toGpt2Config(config)).map((s) => [s.name, [...s.shape]]));
  if (isSequenceClassifier(config)) shapes.set(SCORE_WEIGHT, [1, config.n_embd]);
  return shapes;
}

export interface CheckParamsOptions {
  /** Accept tensors that the config does not define (e.g. a value head); default false. */
  allowExtra?: boolean;
}

/** Throws, naming every missing, mis-shaped or unexpected tensor, unless `params` matches `config`. */
export function checkGPT2Params(config: GPT2Config, params: ReadonlyMap<string, FloatTensor>, options: CheckParamsOptions = {}): void {
  const problems: string[] = [];
  const shapes = gpt2ParamShapes(config);
  for (const [name, shape] of shapes) {
    const t = params.get(name);
    if (t === undefined) {
      problems.push(`missing ${name} [${shape.join(", ")}]`);
      continue;
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`${name} has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
  }
  for (const [name, t] of params) {
    if (!(t.data instanceof Float32Array)) problems.push(`${name} is not float32`);
    else if (t.data.length !== t.shape.reduce((p, d) => p * d, 1)) problems.push(`${name} has ${t.data.length} values for shape [${t.shape.join(", ")}]`);
    if (!shapes.has(name) && !options.allowExtra) problems.push(`unexpected tensor ${name}`);
  }
  if (problems.length > 0) throw new Error(`GPT-2 parameters do not match the config: ${problems.join("; ")}`);
}

/**
 * Fresh parameters initialized as transformers' GPT2PreTrainedModel._init_weights:
 * embeddings and Conv1D / Linear weights ~ N(0, initializer_range²), the residual
 * projections (attn.c_proj.weight, mlp.c_proj.weight) ~ N(0, (initializer_range /
 * √(2·n_layer))²), biases 0, LayerNorm weight 1 and bias 0. Deterministic in `seed`
 * (one PRNG stream, parameters drawn in state-dict order).
 */
export function initGPT2Params(config: GPT2Config, seed: number): NamedParams {
  const rng = new Random(seed);
  const std = config.initializer_range;
  const residualStd = std / Math.sqrt(2 * config.n_layer);
  const params: NamedParams = new Map();
  for (const [name, shape] of gpt2ParamShapes(config)) {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    if (/\.ln_(1|2|f)\.weight$/.test(name)) data.fill(1);
    else if (name.endsWith(".bias")) data.fill(0);
    else if (name.endsWith(".c_proj.weight")) rng.fillNormal(data, 0, residualStd);
    else rng.fillNormal(data, 0, std);
    params.set(name, { shape: [...shape], data });
  }
  return params;
}
