// The parameters of the "grpo" job: GRPO of a policy on a project's prompts with rule rewards
// (lib/rewards: accuracy, format, length, weighted), optionally plus a reward model's score
// (DeepSeek-R1's RL step; R1-Zero when the policy is a base model). Shared by the API, the CLI,
// the form and the job.
//
// The policy to start from, the reference and the reward model are registry models (the app) or,
// from the CLI only, model directories. The frozen KL reference defaults to the starting policy.
import { z } from "zod";
import { modelNameSchema } from "../models/model-name";
import { grpoConfigSchema } from "../ml/rl/grpo-config";
import { rewardTermsSchema } from "../rewards/spec";
import { threadsSchema } from "../jobs/threads";

export const GRPO_JOB_KIND = "grpo";

const modelId = z.number().int().positive();
const modelDirPath = z.string().trim().min(1);

const common = {
  projectId: z.number().int().positive(),
  /** The reward functions and their weights (lib/rewards/spec.ts; the CLI's `--rewards accuracy,format=0.5`). */
  rewards: rewardTermsSchema,
  /** The frozen KL reference; default the starting policy. */
  referenceModelId: modelId.optional(),
  /** Registry name of the trained policy; default `grpo-<project>-<job id>`. */
  name: modelNameSchema.optional(),
  config: grpoConfigSchema.default(grpoConfigSchema.parse({})),
  /** onnxruntime threads per operator (lib/jobs/threads.ts); default 1. */
  threads: threadsSchema.optional(),
};

export const grpoJobParamsSchema = z
  .object({
    ...common,
    /** The policy GRPO starts from (a policy model of the registry). */
    policyModelId: modelId.optional(),
    /** CLI only: a policy model directory instead of a registered model. */
    policyDir: modelDirPath.optional(),
    /** A reward model whose score joins the reward (× config.rewardModelWeight). */
    rewardModelId: modelId.optional(),
    /** CLI only: a reward-model directory instead of a registered model. */
    rewardDir: modelDirPath.optional(),
    /** Output directory (CLI `--out`); default `<data dir>/jobs/<id>/model`. Not accepted from the web app. */
    outDir: z.string().trim().min(1).optional(),
    /** Replace what outDir holds instead of resuming it (CLI `--overwrite`). */
    overwrite: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if ((p.policyModelId === undefined) === (p.policyDir === undefined))
      ctx.addIssue({ code: "custom", path: ["policyModelId"], message: "give exactly one of policyModelId and policyDir" });
    if (p.rewardModelId !== undefined && p.rewardDir !== undefined)
      ctx.addIssue({ code: "custom", path: ["rewardModelId"], message: "give at most one of rewardModelId and rewardDir" });
  });
export type GrpoJobParams = z.infer<typeof grpoJobParamsSchema>;

/** What the web app may send: registered models only, no output directory. */
export const grpoRequestParamsSchema = z
  .object({
    ...common,
    policyModelId: modelId,
    rewardModelId: modelId.optional(),
  })
  .strict();
export type GrpoRequestParams = z.infer<typeof grpoRequestParamsSchema>;
