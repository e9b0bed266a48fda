// The settings of language-model training (`palate train-lm`, the pretraining stage of
// make-default-model): one schema with a documented default per field, from which the CLI
// flags, --help and any form or job parameters come (config-fields.ts). The shape fields only
// matter for a new model; a run from --init takes its model's tokenizer and shape.
import { z } from "zod";
import { DEFAULT_ADAMW } from "../nn/adamw";
import { configHelp } from "./config-schema";

export const lmConfigSchema = z
  .object({
    vocabSize: z
      .number()
      .int()
      .min(261)
      .max(1_000_000)
      .default(2048)
      .describe("New models only: byte-level BPE vocabulary trained on the corpus (special tokens and the 256 bytes included)."),
    context: z
      .number()
      .int()
      .min(1)
      .max(65_536)
      .optional()
      .describe("Tokens per training window, and n_positions of a new model (default 128; from --init, that model's n_positions)."),
    dModel: z.number().int().min(1).max(65_536).default(128).describe("New models only: width (n_embd)."),
    layers: z.number().int().min(1).max(1024).default(4).describe("New models only: transformer blocks (n_layer)."),
    heads: z.number().int().min(1).max(1024).default(4).describe("New models only: attention heads (n_head); must divide the width."),
    batchSize: z.number().int().min(1).max(65_536).default(16).describe("Windows per optimizer step."),
    steps: z.number().int().min(1).max(100_000_000).default(1000).describe("Optimizer steps in the whole run."),
    learningRate: z.number().gt(0).max(10).default(1e-3).describe("Peak learning rate of AdamW; linear warmup, then cosine decay to a tenth of it."),
    warmupSteps: z.number().int().min(0).optional().describe("Steps of linear warmup (default min(100, steps / 10))."),
    weightDecay: z.number().min(0).max(10).default(DEFAULT_ADAMW.weightDecay).describe("AdamW's decoupled weight decay (matrices and embeddings only)."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0)
      .describe("Seed of the initialization and the window sampling."),
    checkpointEvery: z.number().int().min(1).default(200).describe("Optimizer steps between checkpoints."),
  })
  .strict();

export type LmConfig = z.infer<typeof lmConfigSchema>;
export type LmConfigInput = z.input<typeof lmConfigSchema>;

export const DEFAULT_LM_CONFIG: LmConfig = lmConfigSchema.parse({});
export const LM_CONFIG_HELP = configHelp(lmConfigSchema);

/** A new model's n_positions when the config leaves it open. */
export const DEFAULT_LM_CONTEXT = 128;

/** The warmup of a run: as set, or min(100, steps / 10). */
export function lmWarmupSteps(c: Pick<LmConfig, "warmupSteps" | "steps">): number {
  return c.warmupSteps ?? Math.min(100, Math.floor(c.steps / 10));
}
