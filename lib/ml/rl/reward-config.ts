// The reward model's training configuration, one object with documented defaults (each
// setting's description is its help text in the form and the CLI) (as TRL's
// RewardConfig beside its RewardTrainer). Shared by the trainer (train-reward-model.ts), the
// train-rm job's parameters, the CLI flags and the app's form.
import { z } from "zod";

// learningRate, epochs and batchSize measured on models/default-sft (bench/reward-model.ts:
// 300 prompts of its domain × 4 answers, "the shorter answer wins", 3 noisy rankings per
// prompt, T = 56): 900 separate rankings take 204 steps, ~85 s on the shared 2-core machine,
// held-out accuracy 0.94 (the label noise caps it at ~0.95; 1.00 against the noise-free
// order); merged per prompt via `preferences` (300 examples, 68 steps) ~30–40 s, 0.94 (0.99).
// 3e-4 gives the same accuracy; the defaults keep the more conservative 1e-4.
export const rewardConfigSchema = z
  .object({
    learningRate: z.number().gt(0).max(1).default(1e-4).describe("Peak learning rate of AdamW; linear warmup, then cosine decay to a tenth of it."),
    epochs: z.number().int().min(1).max(100).default(2).describe("Passes over the training rankings."),
    batchSize: z.number().int().min(1).max(256).default(8).describe("Prompts (rankings, all their completions together) per optimizer step."),
    maxLength: z.number().int().min(8).max(4096).default(128).describe("Tokens per sequence (prompt + completion); longer prompts lose their first tokens."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe("Seed of the score head's initialization, the validation split and the batch order."),
    validationFraction: z.number().min(0).max(0.9).default(0.1).describe("Share of prompts held out for evaluation (split by prompt, never by ranking)."),
    margin: z.number().min(0).max(100).default(0).describe("Required reward difference: the loss is −log σ(r_chosen − r_rejected − margin)."),
    marginFromStrength: z
      .boolean()
      .default(false)
      .describe(
        "Subtract each pair's annotated strength as its margin, as TRL does with a margin column: −log σ(r_chosen − r_rejected − margin − strength), strength 2 for “much better”, 1 for “better”, 0 for rankings without one (pairwise mode).",
      ),
    centring: z
      .number()
      .min(0)
      .max(10)
      .default(0)
      .describe("Coefficient c of the centring term c·mean((r_chosen + r_rejected)²); 0 turns it off (TRL suggests 0.01)."),
    includeNoneAcceptable: z.boolean().default(false).describe('Also train on rankings marked "none acceptable" (left out by default).'),
    warmupRatio: z.number().min(0).max(1).default(0.1).describe("Share of the steps spent warming the learning rate up."),
    evalEvery: z.number().int().min(0).default(50).describe("Optimizer steps between evaluations on the held-out prompts (0: at the end only)."),
    checkpointEvery: z.number().int().min(1).default(50).describe("Optimizer steps between checkpoints."),
  })
  .strict();

export type RewardConfig = z.infer<typeof rewardConfigSchema>;
export type RewardConfigInput = z.input<typeof rewardConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_REWARD_CONFIG: RewardConfig = rewardConfigSchema.parse({});

/** Each setting's one-line explanation (its description above), for the form and the CLI's help. */
export const REWARD_CONFIG_HELP = Object.fromEntries(Object.entries(rewardConfigSchema.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<
  keyof RewardConfig,
  string
>;
