// The parameters of the "ppo" job: PPO of a policy against a reward model on a project's
// prompts (InstructGPT's step 4). Shared by the research form, the API, the CLI and the job.
//
// The policy to start from and the reward model are registry models (the app) or, from the
// CLI only, model directories. The frozen KL reference defaults to the starting policy (the SFT
// model in round 1; the previous round's policy after that, so each round stays near where it
// started); the value model starts from the reward model.
import { z } from "zod";
import { snapshotNameSchema } from "../datasets/snapshot-manifest";
import { modelNameSchema } from "../models/model-name";
import { ppoConfigSchema } from "../ml/rl/ppo-config";
import { threadsSchema } from "../jobs/threads";
import { DEMONSTRATION_SELECTIONS } from "../sft/job-params";

export const PPO_JOB_KIND = "ppo";

const modelRef = {
  id: z.number().int().positive(),
  dir: z.string().trim().min(1),
};

/** The same in the job and the web request. */
const ptxFields = {
  /**
   * PPO-ptx (config.ptxCoef > 0) learns from the project's demonstrations: every submitted one but
   * those a reviewer rejected (default), or accepted ones only.
   */
  ptxDemonstrations: z.enum(DEMONSTRATION_SELECTIONS).optional(),
};

export const ppoJobParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    /** The policy PPO starts from (a policy model of the registry: the SFT model, or the last round's policy). */
    policyModelId: modelRef.id.optional(),
    /** CLI only: a policy model directory instead of a registered model. */
    policyDir: modelRef.dir.optional(),
    /** The frozen reward model that scores the responses (kind reward). */
    rewardModelId: modelRef.id.optional(),
    /** CLI only: a reward-model directory instead of a registered model. */
    rewardDir: modelRef.dir.optional(),
    /** The frozen KL reference; default the starting policy. */
    referenceModelId: modelRef.id.optional(),
    /** The round of the project's loop this run belongs to (1 = from the SFT model); default: one more than the starting policy's round. */
    round: z.number().int().min(1).max(10_000).optional(),
    /** Registry name of the trained policy; default `ppo-<project>-<job id>`. */
    name: modelNameSchema.optional(),
    /** Output directory (CLI `--out`); default `<data dir>/jobs/<id>/model`. Not accepted from the web app. */
    outDir: z.string().trim().min(1).optional(),
    /** Replace what outDir holds (a checkpoint or a finished run) instead of resuming it (CLI `--overwrite`). */
    overwrite: z.boolean().optional(),
    /** Learn from a dataset snapshot's prompts (its name among the project's; lib/datasets/snapshot.ts) instead of the project's. */
    snapshot: snapshotNameSchema.optional(),
    /** CLI only: a snapshot folder (anywhere on disk) whose prompts to learn from. */
    snapshotDir: z.string().trim().min(1).optional(),
    config: ppoConfigSchema.default(ppoConfigSchema.parse({})),
    /** onnxruntime threads per operator (lib/jobs/threads.ts); default 1. */
    threads: threadsSchema.optional(),
    ...ptxFields,
    /** CLI only: PPO-ptx's demonstrations from a TRL conversational SFT file (JSONL of {messages}) instead of the project's. */
    ptxFile: z.string().trim().min(1).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    checkPtx(p, ctx);
    if (p.snapshot !== undefined && p.snapshotDir !== undefined)
      ctx.addIssue({ code: "custom", path: ["snapshot"], message: "give at most one of snapshot and snapshotDir" });
    if ((p.policyModelId === undefined) === (p.policyDir === undefined))
      ctx.addIssue({ code: "custom", path: ["policyModelId"], message: "give exactly one of policyModelId and policyDir" });
    if ((p.rewardModelId === undefined) === (p.rewardDir === undefined))
      ctx.addIssue({ code: "custom", path: ["rewardModelId"], message: "give exactly one of rewardModelId and rewardDir" });
  });
export type PpoJobParams = z.infer<typeof ppoJobParamsSchema>;

function checkPtx(p: { config: { ptxCoef: number }; ptxDemonstrations?: string; ptxFile?: string }, ctx: z.RefinementCtx) {
  if (p.ptxDemonstrations !== undefined && p.ptxFile !== undefined)
    ctx.addIssue({ code: "custom", path: ["ptxFile"], message: "give at most one of ptxFile and ptxDemonstrations" });
  if (p.config.ptxCoef === 0)
    for (const key of ["ptxFile", "ptxDemonstrations"] as const)
      if (p[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: "PPO-ptx is off (config.ptxCoef is 0): set config.ptxCoef too" });
}

/** What the web app may send: registered models only, no output directory. */
export const ppoRequestParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    policyModelId: modelRef.id,
    rewardModelId: modelRef.id,
    referenceModelId: modelRef.id.optional(),
    round: z.number().int().min(1).max(10_000).optional(),
    name: modelNameSchema.optional(),
    snapshot: snapshotNameSchema.optional(),
    config: ppoConfigSchema.default(ppoConfigSchema.parse({})),
    /** onnxruntime threads per operator (lib/jobs/threads.ts); default 1. */
    threads: threadsSchema.optional(),
    ...ptxFields,
  })
  .strict()
  .superRefine(checkPtx);
export type PpoRequestParams = z.infer<typeof ppoRequestParamsSchema>;
