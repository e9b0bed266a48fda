// PPO's configuration, one object with documented defaults (each setting's description is its
// help text in the app's form and the CLI's --help), as TRL's PPOConfig beside its PPOTrainer.
// Shared by the trainer (train-ppo.ts), the ppo job's parameters, the CLI flags and the form.
//
// Vocabulary (TRL's): an *episode* is one prompt with one sampled response; an *iteration*
// samples `batchSize` episodes (the rollout), scores them, then runs `numPpoEpochs` passes over
// `numMiniBatches` minibatches of them (the update). `totalEpisodes / batchSize` iterations.
import { z } from "zod";

export const KL_ESTIMATORS = ["k1", "k3"] as const;
export type KlEstimator = (typeof KL_ESTIMATORS)[number];

/** The fields alone (for `.shape` and `.partial()`); ppoConfigSchema adds the cross-field checks. */
export const ppoConfigObject = z
  .object({
    totalEpisodes: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(1024)
      .describe("Episodes (prompt + sampled response) in the whole run; iterations = totalEpisodes / batchSize."),
    batchSize: z.number().int().min(1).max(1024).default(16).describe("Episodes sampled per iteration (the rollout batch)."),
    numMiniBatches: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(4)
      .describe("Minibatches the rollout batch is split into for the update (one optimizer step each)."),
    numPpoEpochs: z.number().int().min(1).max(100).default(4).describe("Passes over the rollout batch per iteration."),
    learningRate: z
      .number()
      .gt(0)
      .max(1)
      .default(3e-5)
      .describe("Learning rate of AdamW on the policy and the value model; decays linearly to 0 over the run."),
    maxGradNorm: z.number().gt(0).max(1e6).default(1).describe("Gradients are clipped to this global norm (policy and value model together)."),
    klCoef: z
      .number()
      .min(0)
      .max(100)
      .default(0.05)
      .describe("β: per-token reward −β·(log π − log π_ref); 0 turns the KL penalty off. The start value when adaptive."),
    adaptiveKl: z.boolean().default(false).describe("Adapt β towards targetKl with Ziegler et al.'s proportional controller."),
    targetKl: z.number().gt(0).max(1000).default(6).describe("Adaptive β only: the KL (nats per response) the controller steers towards."),
    klHorizon: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(10_000)
      .describe("Adaptive β only: the controller's horizon in episodes (larger moves β more slowly)."),
    klEstimator: z
      .enum(KL_ESTIMATORS)
      .default("k1")
      .describe(
        "Per-token KL estimate in the penalty: k1 = log π − log π_ref (unbiased), k3 = (r − 1) − log r with r = π_ref/π (non-negative, lower variance).",
      ),
    cliprange: z.number().gt(0).max(10).default(0.2).describe("ε of the clipped policy objective: the ratio π/π_old is clipped to [1 − ε, 1 + ε]."),
    cliprangeValue: z.number().gt(0).max(1000).default(0.2).describe("Values are clipped to within this of the rollout's values in the value loss."),
    vfCoef: z.number().min(0).max(100).default(0.1).describe("Weight of the value loss beside the policy loss."),
    ptxCoef: z
      .number()
      .min(0)
      .max(1000)
      .default(0)
      .describe(
        "PPO-ptx (InstructGPT): weight of the language-modelling loss on demonstrations added to each policy step, to keep what the SFT model does on prompts the reward model never sees; 0: off. Needs demonstrations (the project's, or a file).",
      ),
    ptxBatchSize: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .default(0)
      .describe("PPO-ptx only: demonstrations in each minibatch step's LM loss (0: as many as the minibatch's episodes)."),
    gamma: z.number().min(0).max(1).default(1).describe("Discount factor γ of the returns."),
    lam: z.number().min(0).max(1).default(0.95).describe("λ of generalized advantage estimation (GAE)."),
    whitenRewards: z.boolean().default(false).describe("Whiten the per-token rewards of each rollout batch before GAE (advantages are always whitened)."),
    temperature: z
      .number()
      .gt(0)
      .max(10)
      .default(0.7)
      .describe("Sampling temperature of the rollout (log-probabilities are always of the temperature-scaled policy)."),
    topK: z.number().int().min(0).max(1_000_000).default(0).describe("Sample among the k most likely tokens only (0: all)."),
    topP: z.number().gt(0).max(1).default(1).describe("Nucleus sampling: the smallest set of tokens whose probability reaches p (1: all)."),
    responseLength: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(32)
      .describe("Most new tokens per response; a response ends early at the chat template's end token."),
    missingEosPenalty: z.number().min(0).max(1000).default(1).describe("Subtracted from the score of a response that never emits the end token (0: none)."),
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
      .describe("Held-out prompts answered (greedily by the policy and by the SFT model) at each evaluation."),
    checkpointEvery: z.number().int().min(1).max(1_000_000).default(5).describe("Iterations between checkpoints."),
  })
  .strict();

export const ppoConfigSchema = ppoConfigObject.superRefine((c, ctx) => {
  if (c.batchSize % c.numMiniBatches !== 0) ctx.addIssue({ code: "custom", path: ["numMiniBatches"], message: `must divide batchSize (${c.batchSize})` });
  if (c.totalEpisodes < c.batchSize) ctx.addIssue({ code: "custom", path: ["totalEpisodes"], message: `must be at least batchSize (${c.batchSize})` });
});

export type PpoConfig = z.infer<typeof ppoConfigSchema>;
export type PpoConfigInput = z.input<typeof ppoConfigSchema>;

/** The defaults, for forms and help texts. */
export const DEFAULT_PPO_CONFIG: PpoConfig = ppoConfigSchema.parse({});

/** Each setting's one-line explanation (its description above), for the form and the CLI's help. */
export const PPO_CONFIG_HELP = Object.fromEntries(Object.entries(ppoConfigObject.shape).map(([key, field]) => [key, field.description ?? ""])) as Record<
  keyof PpoConfig,
  string
>;

/** Demonstrations per minibatch step of the ptx loss (0 when ptx is off). */
export function ptxRows(c: Pick<PpoConfig, "ptxCoef" | "ptxBatchSize" | "batchSize" | "numMiniBatches">): number {
  if (c.ptxCoef === 0) return 0;
  return c.ptxBatchSize > 0 ? c.ptxBatchSize : c.batchSize / c.numMiniBatches;
}

/** Iterations a run of this configuration takes. */
export function ppoIterations(c: Pick<PpoConfig, "totalEpisodes" | "batchSize">): number {
  return Math.floor(c.totalEpisodes / c.batchSize);
}
