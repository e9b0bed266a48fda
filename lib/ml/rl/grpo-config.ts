// GRPO's configuration (Shao et al. 2024, DeepSeekMath; TRL's GRPOConfig beside its
// GRPOTrainer): one object with documented defaults, each setting's description its help text
// in the CLI's --help and the app's form. Shared by the trainer (train-grpo.ts), the grpo job's
// parameters, the CLI flags and the form.
//
// Vocabulary: an *episode* is one prompt with one sampled completion (as in PPO); an
// *iteration* samples `batchSize` completions — `batchSize / numGenerations` prompts, G =
// `numGenerations` completions each (TRL's generation batch) — scores them with the reward
// functions, then runs `numIterations` (TRL's μ) passes over them, each pass cut into
// `stepsPerGeneration` minibatches (one optimizer step each). `totalEpisodes / batchSize`
// iterations.
import { z } from "zod";

/**
 * How the per-token losses become one number (TRL's `loss_type`):
 *   grpo     each completion's mean over its tokens, then the mean over completions (TRL's "grpo",
 *            the DeepSeekMath paper's 1/G Σ_i 1/|o_i| Σ_t)
 *   bnpo     the mean over every real token of the minibatch (longer completions weigh more)
 *   dr_grpo  the sum over tokens / (completions × maxCompletionLength) (Dr. GRPO: no length bias)
 */
export const GRPO_LOSS_TYPES = ["grpo", "bnpo", "dr_grpo"] as const;
export type GrpoLossType = (typeof GRPO_LOSS_TYPES)[number];

/** What each advantage is divided by (TRL's `scale_rewards`): its group's reward standard deviation, the batch's, or nothing. */
export const SCALE_REWARDS = ["group", "batch", "none"] as const;
export type ScaleRewards = (typeof SCALE_REWARDS)[number];

/** The reward model's part of the reward, beside the reward functions' (`rewards/reward_model`). */
export const REWARD_MODEL_PART = "reward_model";

/** The fields alone (for `.shape` and `.partial()`); grpoConfigSchema adds the cross-field checks. */
export const grpoConfigObject = z
  .object({
    totalEpisodes: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(1024)
      .describe("Completions sampled in the whole run (prompt + completion = one episode); iterations = totalEpisodes / batchSize."),
    batchSize: z
      .number()
      .int()
      .min(2)
      .max(4096)
      .default(32)
      .describe("Completions sampled per iteration (TRL's generation batch): batchSize / numGenerations prompts, numGenerations completions each."),
    numGenerations: z
      .number()
      .int()
      .min(2)
      .max(256)
      .default(8)
      .describe("G: completions sampled per prompt; each completion's advantage is its reward against its group's."),
    numIterations: z.number().int().min(1).max(100).default(1).describe("μ: passes over each iteration's completions (1: purely on-policy)."),
    stepsPerGeneration: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(1)
      .describe("Minibatches each pass is cut into (one optimizer step each); must divide batchSize."),
    learningRate: z.number().gt(0).max(1).default(1e-5).describe("Learning rate of AdamW on the policy; decays linearly to 0 over the run."),
    maxGradNorm: z.number().gt(0).max(1e6).default(1).describe("Gradients are clipped to this global norm."),
    beta: z
      .number()
      .min(0)
      .max(100)
      .default(0.04)
      .describe("β: weight of the per-token KL to the reference (k3 estimator); 0 turns it off and the reference is never run."),
    epsilon: z.number().gt(0).max(10).default(0.2).describe("ε of the clipped objective: the ratio π/π_old is clipped to [1 − ε, 1 + ε]."),
    scaleRewards: z
      .enum(SCALE_REWARDS)
      .default("group")
      .describe(
        "Advantages are rewards minus their group's mean, divided by: group = the group's standard deviation, batch = the whole batch's, none = not divided (Dr. GRPO).",
      ),
    lossType: z
      .enum(GRPO_LOSS_TYPES)
      .default("grpo")
      .describe("grpo: per-completion token mean, then mean over completions; bnpo: mean over all tokens; dr_grpo: token sum / (completions × max length)."),
    rewardModelWeight: z.number().min(0).max(1000).default(1).describe("Weight of the reward model's score in the reward (when a reward model is given)."),
    temperature: z.number().gt(0).max(10).default(1).describe("Sampling temperature (log-probabilities are always of the temperature-scaled policy)."),
    topK: z.number().int().min(0).max(1_000_000).default(0).describe("Sample among the k most likely tokens only (0: all)."),
    topP: z.number().gt(0).max(1).default(1).describe("Nucleus sampling: the smallest set of tokens whose probability reaches p (1: all)."),
    maxCompletionLength: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe("Most new tokens per completion; a completion ends early at the chat template's end token."),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0)
      .describe("Seed of the prompt split, the prompt order and the sampling."),
    validationFraction: z.number().min(0).max(0.9).default(0.1).describe("Share of the project's prompts held out for evaluation (split by prompt)."),
    evalEvery: z.number().int().min(0).max(1_000_000).default(10).describe("Iterations between evaluations on the held-out prompts (0: at the end only)."),
    evalPrompts: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(64)
      .describe("Held-out prompts answered (greedily, by the policy and by the reference) at each evaluation."),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(5).describe("Iterations between checkpoints."),
  })
  .strict();

export const grpoConfigSchema = grpoConfigObject.superRefine((c, ctx) => {
  if (c.batchSize % c.numGenerations !== 0)
    ctx.addIssue({ code: "custom", path: ["batchSize"], message: `must be a multiple of numGenerations (${c.numGenerations})` });
  if (c.batchSize % c.stepsPerGeneration !== 0)
    ctx.addIssue({ code: "custom", path: ["stepsPerGeneration"], message: `must divide batchSize (${c.batchSize})` });
  if (c.totalEpisodes < c.batchSize) ctx.addIssue({ code: "custom", path: ["totalEpisodes"], message: `must be at least batchSize (${c.batchSize})` });
});

export type GrpoConfig = z.infer<typeof grpoConfigSchema>;
export type GrpoConfigInput = z.input<typeof grpoConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_GRPO_CONFIG: GrpoConfig = grpoConfigSchema.parse({});

/** Each setting's one-line explanation (its description above), for the form and the CLI's help. */
export const GRPO_CONFIG_HELP = Object.fromEntries(Object.entries(grpoConfigObject.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<
  keyof GrpoConfig,
  string
>;

/** Iterations a run of this configuration takes. */
export function grpoIterations(c: Pick<GrpoConfig, "totalEpisodes" | "batchSize">): number {
  return Math.floor(c.totalEpisodes / c.batchSize);
}

/** Prompts sampled per iteration. */
export function grpoPromptsPerIteration(c: Pick<GrpoConfig, "batchSize" | "numGenerations">): number {
  return c.batchSize / c.numGenerations;
}
