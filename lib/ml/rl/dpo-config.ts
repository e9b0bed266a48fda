// DPO's configuration, one object with documented defaults (each setting's description is its
// help text in the app's form and the CLI's --help), as TRL's DPOConfig beside its DPOTrainer.
// Shared by the trainer (train-dpo.ts), the dpo job's parameters, the CLI flags and the form.
//
// Differences from TRL's defaults, each for the models this runs (a few million parameters on a
// CPU, not billions on GPUs): learningRate 1e-5 (TRL 1e-6), epochs 1 (TRL's TrainingArguments 3),
// warmupRatio 0.1 (TRL 0), maxLength 128 and maxPromptLength 64 (TRL 1024 and 512; the default
// models' context is 128 tokens). The reference log-probabilities are always computed once before
// training (TRL's `precompute_ref_log_probs=True`), and kept in the checkpoint.
import { z } from "zod";

export const DPO_LOSS_TYPES = ["sigmoid", "ipo"] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];

export const dpoConfigObject = z
  .object({
    beta: z
      .number()
      .gt(0)
      .max(100)
      .default(0.1)
      .describe("β: how far the policy may move from the reference. The implicit reward is β·(log π − log π_ref); IPO's target gap is 1/(2β)."),
    lossType: z
      .enum(DPO_LOSS_TYPES)
      .default("sigmoid")
      .describe(
        "sigmoid: DPO's −log σ(β·h) with h = (log π_c − log π_ref,c) − (log π_r − log π_ref,r) over summed log-probabilities; ipo: (h − 1/(2β))² over log-probabilities averaged per completion token (as TRL's ipo).",
      ),
    labelSmoothing: z
      .number()
      .min(0)
      .lt(0.5)
      .default(0)
      .describe("sigmoid only: the share ε of labels assumed flipped (conservative DPO): −(1 − ε)·log σ(β·h) − ε·log σ(−β·h)."),
    learningRate: z.number().gt(0).max(1).default(1e-5).describe("Peak learning rate of AdamW; linear warmup, then linear decay to 0."),
    epochs: z.number().int().min(1).max(100).default(1).describe("Passes over the training pairs."),
    batchSize: z.number().int().min(1).max(256).default(8).describe("Preference pairs (chosen and rejected) per optimizer step."),
    maxLength: z
      .number()
      .int()
      .min(8)
      .max(4096)
      .default(128)
      .describe("Tokens per sequence, prompt and completion together (also at most the model's context); a longer completion loses its end."),
    maxPromptLength: z.number().int().min(4).max(4096).default(64).describe("Most prompt tokens; a longer prompt loses its first tokens (TRL's keep_end)."),
    maxGradNorm: z.number().gt(0).max(1e6).default(1).describe("Gradients are clipped to this global norm."),
    warmupRatio: z.number().min(0).max(1).default(0.1).describe("Share of the steps spent warming the learning rate up."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe("Seed of the validation split and the batch order."),
    validationFraction: z
      .number()
      .min(0)
      .max(0.9)
      .default(0.1)
      .describe("Share of prompts held out for evaluation (split by prompt: every pair of a held-out prompt is held out)."),
    includeNoneAcceptable: z.boolean().default(false).describe('Also learn from rankings marked "none acceptable" (left out by default).'),
    evalEvery: z.number().int().min(0).max(1_000_000).default(50).describe("Optimizer steps between evaluations on the held-out pairs (0: at the end only)."),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(50).describe("Optimizer steps between checkpoints."),
  })
  .strict();

export const dpoConfigSchema = dpoConfigObject.superRefine((c, ctx) => {
  if (c.maxPromptLength >= c.maxLength)
    ctx.addIssue({ code: "custom", path: ["maxPromptLength"], message: `must be less than maxLength (${c.maxLength}), leaving room for a completion` });
  if (c.lossType === "ipo" && c.labelSmoothing > 0)
    ctx.addIssue({ code: "custom", path: ["labelSmoothing"], message: "applies to the sigmoid loss only; IPO takes none" });
});

export type DpoConfig = z.infer<typeof dpoConfigSchema>;
export type DpoConfigInput = z.input<typeof dpoConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_DPO_CONFIG: DpoConfig = dpoConfigSchema.parse({});

/** Each setting's one-line explanation (its description above), for the form and the CLI's help. */
export const DPO_CONFIG_HELP = Object.fromEntries(Object.entries(dpoConfigObject.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<
  keyof DpoConfig,
  string
>;
