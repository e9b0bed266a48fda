/**
 * `generation_config.json`: the defaults transformers' `generate` uses for a model.
 * `eos_token_id` may list several ids (e.g. `<|endoftext|>` and the chat `<|end|>`),
 * as GenerationConfig allows; sampling fields are written only when given.
 */
import { z } from "zod";

export interface GenerationConfig {
  bos_token_id?: number;
  eos_token_id: number | number[];
  pad_token_id?: number;
  do_sample?: boolean;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  max_new_tokens?: number;
  [extra: string]: unknown;
}

const tokenId = z.number().int().nonnegative();

export const GenerationConfigSchema = z.looseObject({
  bos_token_id: tokenId.optional(),
  eos_token_id: z.union([tokenId, z.array(tokenId).min(1)]),
  pad_token_id: tokenId.optional(),
  do_sample: z.boolean().optional(),
  temperature: z.number().nonnegative().optional(),
  top_k: z.number().int().nonnegative().optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_new_tokens: z.number().int().positive().optional(),
});

export function parseGenerationConfig(value: unknown, source = "generation_config.json"): GenerationConfig {
  const result = GenerationConfigSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "(root)"}: ${i.message}`);
    throw new Error(`${source}: invalid generation config — ${problems.join("; ")}`);
  }
  return result.data as GenerationConfig;
}

export interface CreateGenerationConfigOptions {
  bosTokenId: number;
  /** One id or several; generation stops at any of them. */
  eosTokenId: number | number[];
  padTokenId?: number;
  doSample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  maxNewTokens?: number;
}

export function createGenerationConfig(o: CreateGenerationConfigOptions): GenerationConfig {
  const config: GenerationConfig = { bos_token_id: o.bosTokenId, eos_token_id: o.eosTokenId };
  if (o.padTokenId !== undefined) config.pad_token_id = o.padTokenId;
  if (o.doSample !== undefined) config.do_sample = o.doSample;
  if (o.temperature !== undefined) config.temperature = o.temperature;
  if (o.topK !== undefined) config.top_k = o.topK;
  if (o.topP !== undefined) config.top_p = o.topP;
  if (o.maxNewTokens !== undefined) config.max_new_tokens = o.maxNewTokens;
  return parseGenerationConfig(config, "createGenerationConfig");
}

/** The stop ids of a generation config, as a list. */
export function eosTokenIds(config: GenerationConfig): number[] {
  return Array.isArray(config.eos_token_id) ? [...config.eos_token_id] : [config.eos_token_id];
}
