// The parameters of the reward-model jobs, shared by the research form, the API, the CLI and
// the job code:
// - "train-rm": train a reward model on a project's rankings, from a base model of the registry;
// - "score": score every completion of a project with a registered reward model.
import { z } from "zod";
import { snapshotNameSchema } from "../datasets/snapshot-manifest";
import { threadsSchema } from "../jobs/threads";
import { modelNameSchema } from "../models/model-name";
import { rewardConfigSchema } from "../ml/rl/reward-config";
import { AGGREGATION_METHODS, RANKING_CHOICES } from "../quality/counted-rankings";

export const TRAIN_RM_JOB_KIND = "train-rm";
export const SCORE_JOB_KIND = "score";

const trainRmFields = z
  .object({
    projectId: z.number().int().positive(),
    /** The model the backbone starts from (a policy in the registry; default in the form: the project's SFT model). */
    baseModelId: z.number().int().positive().optional(),
    /** CLI only: a model directory to start from instead of a registered model. */
    baseDir: z.string().trim().min(1).optional(),
    /** Registry name of the trained model; default `rm-<project>-<job id>`. */
    name: modelNameSchema.optional(),
    /** Output directory (CLI `--out`); default `<data dir>/jobs/<id>/model`. Not accepted from the web app. */
    outDir: z.string().trim().min(1).optional(),
    /** Replace what outDir holds (a checkpoint or a finished run) instead of resuming it (CLI `--overwrite`). */
    overwrite: z.boolean().optional(),
    /** Train on every round's rankings (default) or on the latest round's only. */
    rounds: z.enum(["all", "latest"]).default("all"),
    /** Train on a dataset snapshot of the project (its name; lib/datasets/snapshot.ts) instead of the live rankings; its test split is held out. */
    snapshot: snapshotNameSchema.optional(),
    /** CLI only: a snapshot folder to train on (anywhere on disk) instead of one of the project's by name. */
    snapshotDir: z.string().trim().min(1).optional(),
    /** Which rankings count (lib/quality/counted-rankings.ts): every annotator's, the reviewed one where there is one, or one aggregated per task. */
    rankings: z.enum(RANKING_CHOICES).default("every"),
    /** The aggregation of `rankings: "aggregated"`. */
    aggregate: z.enum(AGGREGATION_METHODS).default("borda"),
    /** Train on the rankings of annotators paused by their gold accuracy too (left out by default). */
    includePaused: z.boolean().default(false),
    config: rewardConfigSchema.default(rewardConfigSchema.parse({})),
    threads: threadsSchema.optional(),
  })
  .strict();

export const trainRmJobParamsSchema = trainRmFields.superRefine((p, ctx) => {
  if ((p.baseModelId === undefined) === (p.baseDir === undefined))
    ctx.addIssue({ code: "custom", path: ["baseModelId"], message: "give exactly one of baseModelId and baseDir" });
  if (p.snapshot !== undefined && p.snapshotDir !== undefined)
    ctx.addIssue({ code: "custom", path: ["snapshot"], message: "give at most one of snapshot and snapshotDir" });
  if ((p.snapshot !== undefined || p.snapshotDir !== undefined) && p.rounds !== "all")
    ctx.addIssue({ code: "custom", path: ["rounds"], message: "a snapshot is trained on whole; rounds applies to the live rankings" });
  if ((p.snapshot !== undefined || p.snapshotDir !== undefined) && (p.rankings !== "every" || p.includePaused))
    ctx.addIssue({
      code: "custom",
      path: ["rankings"],
      message: "a snapshot's rankings were chosen when it was taken; rankings and includePaused apply to the live rankings",
    });
});
export type TrainRmJobParams = z.infer<typeof trainRmJobParamsSchema>;

/** What the web app may send: a registered base model, no directories. */
export const trainRmRequestParamsSchema = trainRmFields
  .omit({ outDir: true, overwrite: true, baseDir: true, snapshotDir: true })
  .extend({ baseModelId: z.number().int().positive() });
export type TrainRmRequestParams = z.infer<typeof trainRmRequestParamsSchema>;

export const scoreJobParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    /** A reward model of the registry. */
    modelId: z.number().int().positive(),
    /** Score again the completions this model has scored already (default: only the missing ones). */
    rescore: z.boolean().default(false),
  })
  .strict();
export type ScoreJobParams = z.infer<typeof scoreJobParamsSchema>;
