// The reward model's training configuration, one object with documented defaults (as TRL's
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
    /** Peak learning rate of AdamW; linear warmup, then cosine decay to a tenth of it. */
    learningRate: z.number().gt(0).max(1).default(1e-4),
    /** Passes over the training rankings. */
    epochs: z.number().int().min(1).max(100).default(2),
    /** Prompts (rankings, all their completions together) per optimizer step. */
    batchSize: z.number().int().min(1).max(256).default(8),
    /** Tokens per sequence (prompt + completion); longer prompts lose their first tokens. */
    maxLength: z.number().int().min(8).max(4096).default(128),
    /** Seed of the score head's initialization, the validation split and the batch order. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** Share of prompts held out for evaluation (split by prompt, never by ranking). */
    validationFraction: z.number().min(0).max(0.9).default(0.1),
    /** Required reward difference: the loss is −log σ(r_chosen − r_rejected − margin). */
    margin: z.number().min(0).max(100).default(0),
    /** Coefficient c of the centring term c·mean((r_chosen + r_rejected)²); 0 turns it off (TRL suggests 0.01). */
    centring: z.number().min(0).max(10).default(0),
    /** Also train on rankings marked "none acceptable" (left out by default). */
    includeNoneAcceptable: z.boolean().default(false),
    /** Share of the steps spent warming the learning rate up. */
    warmupRatio: z.number().min(0).max(1).default(0.1),
    /** Optimizer steps between evaluations on the held-out prompts (0: at the end only). */
    evalEvery: z.number().int().min(0).default(50),
    /** Optimizer steps between checkpoints. */
    checkpointEvery: z.number().int().min(1).default(50),
  })
  .strict();

export type RewardConfig = z.infer<typeof rewardConfigSchema>;
export type RewardConfigInput = z.input<typeof rewardConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_REWARD_CONFIG: RewardConfig = rewardConfigSchema.parse({});
