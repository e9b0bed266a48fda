// The parameters of the "best-of-n" job: rejection sampling on a project's prompts — N answers per
// prompt from a policy, each scored by a reward model or by rule reward functions (a spec such as
// `accuracy,format=0.5`), the best kept at a threshold, written as a TRL conversational SFT file,
// optionally inserted as demonstrations. Shared by the API, the CLI, the form and the job.
//
// The policy and the reward model are registry models (the app) or, from the CLI only, model
// directories. Demonstrations go into an existing demonstration project (`intoProjectId`; the CLI
// creates one named by --into before it enqueues), else the source project itself.
import { z } from "zod";

export const BEST_OF_N_JOB_KIND = "best-of-n";

/** The file of kept answers in the job's artifact directory (what the app's download serves). */
export const BEST_OF_N_KEPT_FILE = "kept.jsonl";

const modelId = z.number().int().positive();
const modelDirPath = z.string().trim().min(1);

const common = {
  projectId: z.number().int().positive(),
  /** The policy to sample from (a policy model of the registry: the base model, default-sft, an SFT or RL model). */
  policyModelId: modelId.optional(),
  /** A reward model that scores each answer (one of `rewardModelId` and `rules`). */
  rewardModelId: modelId.optional(),
  /** Rule reward functions that score each answer, as lib/rewards/spec.ts reads them: `accuracy,format=0.5`. */
  rules: z.string().trim().min(1).max(1000).optional(),
  /** Answers sampled per prompt. */
  n: z.number().int().min(1).max(256).default(8),
  /** Keep a prompt's best answer only when it scores at least this; absent: keep every prompt's best. */
  threshold: z.number().finite().optional(),
  /** Answer only the first this many prompts. */
  maxPrompts: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(10).default(1),
  topP: z.number().gt(0).max(1).default(1),
  /** Top-k sampling, 0 = off. */
  topK: z.number().int().min(0).default(0),
  /** Most new tokens per answer. */
  maxTokens: z.number().int().min(1).max(4096).default(64),
  seed: z.number().int().min(0).default(0),
  /** Also insert the kept answers as submitted demonstrations (review pending) by the imported "best-of-n" identity. */
  asDemonstrations: z.boolean().default(false),
  /** The demonstration project to insert them into; default the source project (which must collect demonstrations). */
  intoProjectId: modelId.optional(),
};

type Common = { rewardModelId?: number; rules?: string; asDemonstrations: boolean; intoProjectId?: number };

/** The refinements both schemas share: one scorer; a target project only with demonstrations. */
function refine(p: Common & { rewardDir?: string; policyModelId?: number; policyDir?: string }, ctx: z.RefinementCtx, cli: boolean) {
  if (cli && (p.policyModelId === undefined) === (p.policyDir === undefined))
    ctx.addIssue({ code: "custom", path: ["policyModelId"], message: "give exactly one of policyModelId and policyDir" });
  if (!cli && p.policyModelId === undefined) ctx.addIssue({ code: "custom", path: ["policyModelId"], message: "pick the policy to sample from" });
  const scorers = [p.rewardModelId, p.rewardDir, p.rules].filter((s) => s !== undefined).length;
  if (scorers !== 1)
    ctx.addIssue({
      code: "custom",
      path: ["rules"],
      message:
        scorers === 0
          ? "say what scores the answers: a reward model (rewardModelId) or reward functions such as accuracy,format"
          : "give one scorer: a reward model or reward functions, not both",
    });
  if (p.intoProjectId !== undefined && !p.asDemonstrations) ctx.addIssue({ code: "custom", path: ["intoProjectId"], message: "only with asDemonstrations" });
}

export const bestOfNJobParamsSchema = z
  .object({
    ...common,
    /** CLI only: a policy model directory instead of a registered model. */
    policyDir: modelDirPath.optional(),
    /** CLI only: a reward-model directory instead of a registered model. */
    rewardDir: modelDirPath.optional(),
    /** How the kept lines' metadata names the policy (the CLI's --policy as given); default its registry name or directory. */
    policyLabel: z.string().trim().min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((p, ctx) => refine(p, ctx, true));
export type BestOfNJobParams = z.infer<typeof bestOfNJobParamsSchema>;

/** What the web app may send: registered models only. */
export const bestOfNRequestParamsSchema = z
  .object(common)
  .strict()
  .superRefine((p, ctx) => refine(p, ctx, false));
export type BestOfNRequestParams = z.infer<typeof bestOfNRequestParamsSchema>;
