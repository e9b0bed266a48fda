// The settings of supervised fine-tuning (the SFT stage of make-default-model): one schema with a
// documented default per field (TRL's SFTConfig beside its SFTTrainer), from which CLI flags,
// --help, form fields and job parameters come (config-fields.ts). The defaults are the ones that
// build models/default-sft.
import { z } from "zod";
import { DEFAULT_ADAMW } from "../nn/adamw";
import { configHelp } from "./config-schema";

export const sftConfigSchema = z
  .object({
    steps: z.number().int().min(1).max(100_000_000).default(1400).describe("Optimizer steps in the whole run."),
    batchSize: z.number().int().min(1).max(65_536).default(16).describe("Packed rows per optimizer step."),
    maxLength: z
      .number()
      .int()
      .min(1)
      .max(65_536)
      .default(128)
      .describe("Tokens per packed row (at most the model's n_positions); demonstrations are packed whole, a longer one is cut."),
    learningRate: z.number().gt(0).max(10).default(1e-3).describe("Peak learning rate of AdamW; linear warmup, then cosine decay to a tenth of it."),
    warmupSteps: z.number().int().min(0).default(50).describe("Steps of linear warmup."),
    weightDecay: z.number().min(0).max(10).default(DEFAULT_ADAMW.weightDecay).describe("AdamW's decoupled weight decay (matrices and embeddings only)."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0)
      .describe("Seed of the per-epoch shuffle of the demonstrations."),
    checkpointEvery: z.number().int().min(1).default(200).describe("Optimizer steps between checkpoints (when the run has a checkpoint directory)."),
  })
  .strict();

export type SftConfig = z.infer<typeof sftConfigSchema>;
export type SftConfigInput = z.input<typeof sftConfigSchema>;

export const DEFAULT_SFT_CONFIG: SftConfig = sftConfigSchema.parse({});
export const SFT_CONFIG_HELP = configHelp(sftConfigSchema);
