// The parameters of the "dpo" job: DPO of a policy on preference pairs (Rafailov et al. 2023) —
// a project's rankings (the reward model's training set: the same choice of which rankings count),
// a dataset snapshot of it, or (CLI) a `trl` preference file. Shared by the API, the CLI and the job.
//
// The policy to start from is a registry model (the app) or, from the CLI only, a model
// directory; the frozen reference defaults to the starting policy.
import { z } from "zod";
import { snapshotNameSchema } from "../datasets/snapshot-manifest";
import { modelNameSchema } from "../models/model-name";
import { dpoConfigSchema } from "../ml/rl/dpo-config";
import { threadsSchema } from "../jobs/threads";
import { AGGREGATION_METHODS, RANKING_CHOICES } from "../quality/counted-rankings";

export const DPO_JOB_KIND = "dpo";

const dpoFields = z
  .object({
    projectId: z.number().int().positive(),
    /** The policy DPO starts from (a policy model of the registry, e.g. the SFT model). */
    policyModelId: z.number().int().positive().optional(),
    /** CLI only: a policy model directory instead of a registered model. */
    policyDir: z.string().trim().min(1).optional(),
    /** The frozen reference; default the starting policy. */
    referenceModelId: z.number().int().positive().optional(),
    /** Registry name of the trained policy; default `dpo-<project>-<job id>`. */
    name: modelNameSchema.optional(),
    /** Output directory (CLI `--out`); default `<data dir>/jobs/<id>/model`. Not accepted from the web app. */
    outDir: z.string().trim().min(1).optional(),
    /** Replace what outDir holds (a checkpoint or a finished run) instead of resuming it (CLI `--overwrite`). */
    overwrite: z.boolean().optional(),
    /** Learn from every round's rankings (default) or from the latest round's only. */
    rounds: z.enum(["all", "latest"]).default("all"),
    /** Learn from a dataset snapshot of the project (its name) instead of the live rankings; its test split is held out. */
    snapshot: snapshotNameSchema.optional(),
    /** CLI only: a snapshot folder (anywhere on disk) to learn from. */
    snapshotDir: z.string().trim().min(1).optional(),
    /** CLI only: a `trl` preference file (JSONL of prompt, chosen, rejected) to learn from instead of the project's rankings. */
    trlFile: z.string().trim().min(1).optional(),
    /** Which rankings count (lib/quality/counted-rankings.ts): every annotator's, the reviewed one where there is one, or one aggregated per task. */
    rankings: z.enum(RANKING_CHOICES).default("every"),
    /** The aggregation of `rankings: "aggregated"`. */
    aggregate: z.enum(AGGREGATION_METHODS).default("borda"),
    /** Learn from the rankings of annotators paused by their gold accuracy too (left out by default). */
    includePaused: z.boolean().default(false),
    config: dpoConfigSchema.default(dpoConfigSchema.parse({})),
    /** onnxruntime threads per operator (lib/jobs/threads.ts); default 1. */
    threads: threadsSchema.optional(),
  })
  .strict();

export const dpoJobParamsSchema = dpoFields.superRefine((p, ctx) => {
  if ((p.policyModelId === undefined) === (p.policyDir === undefined))
    ctx.addIssue({ code: "custom", path: ["policyModelId"], message: "give exactly one of policyModelId and policyDir" });
  const sources = [p.snapshot, p.snapshotDir, p.trlFile].filter((s) => s !== undefined).length;
  if (sources > 1) ctx.addIssue({ code: "custom", path: ["snapshot"], message: "give at most one of snapshot, snapshotDir and trlFile" });
  if (sources > 0 && p.rounds !== "all")
    ctx.addIssue({ code: "custom", path: ["rounds"], message: "a snapshot or a file is learned from whole; rounds applies to the live rankings" });
  if (sources > 0 && (p.rankings !== "every" || p.includePaused))
    ctx.addIssue({
      code: "custom",
      path: ["rankings"],
      message: "rankings and includePaused choose among the live rankings; a snapshot's were chosen when it was taken",
    });
});
export type DpoJobParams = z.infer<typeof dpoJobParamsSchema>;

/** What the web app may send: registered models only, no directories or files. */
export const dpoRequestParamsSchema = dpoFields
  .omit({ outDir: true, overwrite: true, policyDir: true, snapshotDir: true, trlFile: true })
  .extend({ policyModelId: z.number().int().positive() });
export type DpoRequestParams = z.infer<typeof dpoRequestParamsSchema>;
