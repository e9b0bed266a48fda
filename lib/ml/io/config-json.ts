/**
 * `config.json` of a GPT-2 model directory, field for field as transformers'
 * GPT2Config writes and reads it (snake_case, HF names). The engine's own shape type
 * is `Gpt2Config` in lib/ml/nn; {@link toGpt2Config} converts.
 *
 * Two architectures: "GPT2LMHeadModel" (policy, reference) and
 * "GPT2ForSequenceClassification" with one label (reward and value models: a bias-free
 * `score` head [1, d] read at the last non-pad token; transformers needs
 * `pad_token_id` to find it in batches).
 */
import { z } from "zod";
import type { Gpt2Config } from "../nn/gpt2-config";

export type GPT2Architecture = "GPT2LMHeadModel" | "GPT2ForSequenceClassification";

export interface GPT2Config {
  model_type: "gpt2";
  architectures: GPT2Architecture[];
  vocab_size: number;
  n_positions: number;
  /** Legacy alias of n_positions, still written by GPT-2 checkpoints. */
  n_ctx: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  /** MLP width; null means 4 · n_embd. */
  n_inner: number | null;
  activation_function: "gelu_new";
  resid_pdrop: number;
  embd_pdrop: number;
  attn_pdrop: number;
  layer_norm_epsilon: number;
  initializer_range: number;
  summary_type: string;
  summary_use_proj: boolean;
  summary_activation: string | null;
  summary_proj_to_labels: boolean;
  summary_first_dropout: number;
  scale_attn_weights: true;
  scale_attn_by_inverse_layer_idx: false;
  reorder_and_upcast_attn: boolean;
  use_cache: boolean;
  bos_token_id: number;
  eos_token_id: number;
  pad_token_id?: number | null;
  tie_word_embeddings: true;
  /** "float32" for the models we write; checkpoints in other dtypes are converted to fp32 on load. */
  torch_dtype: string;
  /** Sequence classification only: {"0": "LABEL_0"} for one label. */
  id2label?: Record<string, string>;
  label2id?: Record<string, number>;
  /** Other fields of the file, kept as they are. */
  [extra: string]: unknown;
}

const positiveInt = z.number().int().positive();
const prob = z.number().min(0).max(1);

/** Zod schema for reading config.json: shape fields required, the rest defaulted as transformers does. */
export const GPT2ConfigSchema = z
  .looseObject({
    model_type: z.literal("gpt2"),
    architectures: z
      .array(z.enum(["GPT2LMHeadModel", "GPT2ForSequenceClassification"]))
      .length(1)
      .default(["GPT2LMHeadModel"]),
    vocab_size: positiveInt,
    n_positions: positiveInt,
    n_ctx: positiveInt.optional(),
    n_embd: positiveInt,
    n_layer: positiveInt,
    n_head: positiveInt,
    n_inner: positiveInt.nullable().default(null),
    activation_function: z.literal("gelu_new").default("gelu_new"),
    resid_pdrop: prob.default(0.1),
    embd_pdrop: prob.default(0.1),
    attn_pdrop: prob.default(0.1),
    layer_norm_epsilon: z.number().positive().default(1e-5),
    initializer_range: z.number().positive().default(0.02),
    summary_type: z.string().default("cls_index"),
    summary_use_proj: z.boolean().default(true),
    summary_activation: z.string().nullable().default(null),
    summary_proj_to_labels: z.boolean().default(true),
    summary_first_dropout: prob.default(0.1),
    scale_attn_weights: z.literal(true).default(true),
    scale_attn_by_inverse_layer_idx: z.literal(false).default(false),
    reorder_and_upcast_attn: z.boolean().default(false),
    use_cache: z.boolean().default(true),
    bos_token_id: z.number().int().nonnegative().default(50256),
    eos_token_id: z.number().int().nonnegative().default(50256),
    pad_token_id: z.number().int().nonnegative().nullable().optional(),
    tie_word_embeddings: z.literal(true).default(true),
    torch_dtype: z.string().default("float32"),
    id2label: z.record(z.string(), z.string()).optional(),
    label2id: z.record(z.string(), z.number().int()).optional(),
    num_labels: z.number().int().positive().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.n_embd % c.n_head !== 0)
      ctx.addIssue({ code: "custom", path: ["n_head"], message: `n_embd (${c.n_embd}) must be divisible by n_head (${c.n_head})` });
    if (c.n_ctx !== undefined && c.n_ctx !== c.n_positions)
      ctx.addIssue({ code: "custom", path: ["n_ctx"], message: `n_ctx (${c.n_ctx}) must equal n_positions (${c.n_positions})` });
    for (const [field, id] of [
      ["bos_token_id", c.bos_token_id],
      ["eos_token_id", c.eos_token_id],
      ["pad_token_id", c.pad_token_id],
    ] as const) {
      if (typeof id === "number" && id >= c.vocab_size)
        ctx.addIssue({ code: "custom", path: [field], message: `${field} (${id}) must be below vocab_size (${c.vocab_size})` });
    }
    if (c.architectures[0] === "GPT2ForSequenceClassification") {
      const labels = c.num_labels ?? (c.id2label ? Object.keys(c.id2label).length : 2);
      if (labels !== 1)
        ctx.addIssue({ code: "custom", path: ["id2label"], message: `GPT2ForSequenceClassification must have exactly one label (got ${labels})` });
    }
  });

/** Parses and validates a config.json value; the error names the source and each bad field. */
export function parseGPT2Config(value: unknown, source = "config.json"): GPT2Config {
  const result = GPT2ConfigSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`);
    throw new Error(`${source}: invalid GPT-2 config — ${problems.join("; ")}`);
  }
  const { num_labels: _numLabels, ...c } = result.data;
  const config = { ...c, n_ctx: c.n_ctx ?? c.n_positions } as GPT2Config;
  if (config.architectures[0] === "GPT2ForSequenceClassification") {
    config.id2label ??= { "0": "LABEL_0" };
    config.label2id ??= { LABEL_0: 0 };
  }
  return config;
}

export interface CreateGPT2ConfigOptions {
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  bosTokenId: number;
  eosTokenId: number;
  /** Required for sequence classification (reward / value models); default eosTokenId there. */
  padTokenId?: number;
  architecture?: GPT2Architecture;
  layerNormEpsilon?: number;
  initializerRange?: number;
  /** Dropout probabilities recorded in the file (training here uses none); default 0. */
  dropout?: number;
}

/** A complete config.json for a new model. */
export function createGPT2Config(o: CreateGPT2ConfigOptions): GPT2Config {
  const architecture = o.architecture ?? "GPT2LMHeadModel";
  const dropout = o.dropout ?? 0;
  const config: GPT2Config = {
    model_type: "gpt2",
    architectures: [architecture],
    vocab_size: o.vocabSize,
    n_positions: o.nPositions,
    n_ctx: o.nPositions,
    n_embd: o.nEmbd,
    n_layer: o.nLayer,
    n_head: o.nHead,
    n_inner: null,
    activation_function: "gelu_new",
    resid_pdrop: dropout,
    embd_pdrop: dropout,
    attn_pdrop: dropout,
    layer_norm_epsilon: o.layerNormEpsilon ?? 1e-5,
    initializer_range: o.initializerRange ?? 0.02,
    summary_type: "cls_index",
    summary_use_proj: true,
    summary_activation: null,
    summary_proj_to_labels: true,
    summary_first_dropout: dropout,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    use_cache: true,
    bos_token_id: o.bosTokenId,
    eos_token_id: o.eosTokenId,
    tie_word_embeddings: true,
    torch_dtype: "float32",
  };
  if (architecture === "GPT2ForSequenceClassification") {
    config.pad_token_id = o.padTokenId ?? o.eosTokenId;
    config.id2label = { "0": "LABEL_0" };
    config.label2id = { LABEL_0: 0 };
  } else if (o.padTokenId !== undefined) {
    config.pad_token_id = o.padTokenId;
  }
  return parseGPT2Config(config, "createGPT2Config");
}

/** The same config as a sequence classifier with one label (reward / value model), or back as a language model. */
export function withArchitecture(config: GPT2Config, architecture: GPT2Architecture, padTokenId?: number): GPT2Config {
  const { id2label: _i, label2id: _l, ...rest } = config;
  const next: GPT2Config = { ...rest, architectures: [architecture] };
  if (architecture === "GPT2ForSequenceClassification") {
    next.pad_token_id = padTokenId ?? config.pad_token_id ?? config.eos_token_id;
    next.id2label = { "0": "LABEL_0" };
    next.label2id = { LABEL_0: 0 };
  }
  return parseGPT2Config(next, "withArchitecture");
}

export function isSequenceClassifier(config: GPT2Config): boolean {
  return config.architectures[0] === "GPT2ForSequenceClassification";
}

/** The engine's shape of a config.json (lib/ml/nn's Gpt2Config). */
export function toGpt2Config(config: GPT2Config): Gpt2Config {
  if (config.n_inner !== null && config.n_inner !== 4 * config.n_embd) {
    throw new Error(`config.json: n_inner ${config.n_inner} is not supported (the engine uses 4 · n_embd = ${4 * config.n_embd})`);
  }
  return {
    vocabSize: config.vocab_size,
    nPositions: config.n_positions,
    nEmbd: config.n_embd,
    nLayer: config.n_layer,
    nHead: config.n_head,
    layerNormEpsilon: config.layer_norm_epsilon,
  };
}
