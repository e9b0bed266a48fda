// The settings of an SFT run on a project's demonstrations (`palate sft`, the sft job, the Run SFT
// form): one object with documented defaults, as TRL's SFTConfig beside its SFTTrainer. The
// packing settings are those of lib/ml/train/sft-config.ts (the default models' SFT), with
// defaults for fine-tuning an already trained model on a few hundred demonstrations; a run also
// counts epochs, holds prompts out and evaluates on them.
//
// Differences from TRL's defaults, for the models this runs (a few million parameters on a CPU):
// learningRate 3e-4 (TRL 2e-5), batchSize 8 packed rows of maxLength 128 tokens (TRL 8 rows of
// 1024), packing always on (TRL's packing=False by default), loss on answer tokens only (TRL's
// assistant_only_loss=True).
import { z } from "zod";
import { sftConfigSchema } from "../ml/train/sft-config";

const packing = sftConfigSchema.shape;

/** A packing setting of lib/ml/train/sft-config.ts with another default (its range and help kept). */
function withDefault<T extends z.ZodDefault<z.ZodNumber>>(field: T, value: number) {
  return field
    .removeDefault()
    .default(value)
    .describe(field.description ?? "");
}

export const sftRunConfigObject = z
  .object({
    epochs: z
      .number()
      .gt(0)
      .max(1000)
      .default(3)
      .describe("Passes over the training demonstrations (packed rows of one pass × epochs ÷ batch size = the steps)."),
    maxSteps: z.number().int().min(0).max(10_000_000).default(0).describe("Optimizer steps of the run; 0: from the epochs."),
    batchSize: withDefault(packing.batchSize, 8),
    maxLength: packing.maxLength,
    learningRate: withDefault(packing.learningRate, 3e-4),
    warmupSteps: withDefault(packing.warmupSteps, 10),
    weightDecay: packing.weightDecay,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe("Seed of the held-out split, the mix and the per-epoch shuffle."),
    validationFraction: z
      .number()
      .min(0)
      .max(0.9)
      .default(0.1)
      .describe("Share of prompts held out for evaluation (split by prompt: every demonstration of a held-out prompt is held out)."),
    evalEvery: z.number().int().min(0).max(1_000_000).default(50).describe("Optimizer steps between evaluations on the held-out prompts (0: at the end only)."),
    evalMaxNewTokens: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe("Most tokens of a greedy answer in the exact-answer check (held-out prompts with a reference answer)."),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(50).describe("Optimizer steps between checkpoints."),
  })
  .strict();

export const sftRunConfigSchema = sftRunConfigObject;
export type SftRunConfig = z.infer<typeof sftRunConfigSchema>;
export type SftRunConfigInput = z.input<typeof sftRunConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_SFT_RUN_CONFIG: SftRunConfig = sftRunConfigSchema.parse({});
