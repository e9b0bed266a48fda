// The parameters of the "sft" job: supervised fine-tuning of a model on a project's
// demonstrations (or, from the CLI, a TRL conversational SFT file), or a dataset snapshot's, with
// files mixed in at chosen ratios (CLI). Shared by the API, the CLI and the job.
//
// The model to start from is a registry model (the app) or, from the CLI only, a model directory.
import { z } from "zod";
import { threadsSchema } from "../jobs/threads";
import { snapshotNameSchema } from "../datasets/snapshot-manifest";
import { modelNameSchema } from "../models/model-name";
import { sftRunConfigSchema } from "./sft-config";

export const SFT_JOB_KIND = "sft";

/** Which of a project's demonstrations a run learns from: every submitted one but those a reviewer rejected, or accepted ones only. */
export const DEMONSTRATION_SELECTIONS = ["submitted", "accepted"] as const;
export type DemonstrationSelection = (typeof DEMONSTRATION_SELECTIONS)[number];

const sftFields = z
  .object({
    projectId: z.number().int().positive(),
    /** The model to fine-tune (a policy of the registry: the base model, or an earlier SFT model). */
    baseModelId: z.number().int().positive().optional(),
    /** CLI only: a model directory instead of a registered model. */
    baseDir: z.string().trim().min(1).optional(),
    /** Registry name of the result; default `sft-<project>-<job id>`. */
    name: modelNameSchema.optional(),
    /** Output directory (CLI `--out`); default `<data dir>/jobs/<id>/model`. Not accepted from the web app. */
    outDir: z.string().trim().min(1).optional(),
    /** Replace what outDir holds instead of resuming it (CLI `--overwrite`). */
    overwrite: z.boolean().optional(),
    /**
     * Which of the project's demonstrations: every submitted one but those a reviewer rejected, or
     * accepted ones only. With a snapshot: its `sft` and `sft-unreviewed` files, or `sft` alone.
     */
    demonstrations: z.enum(DEMONSTRATION_SELECTIONS).default("submitted"),
    /** Learn from a dataset snapshot of the project (its name) instead; its test split is held out. */
    snapshot: snapshotNameSchema.optional(),
    /** CLI only: a snapshot folder (anywhere on disk). */
    snapshotDir: z.string().trim().min(1).optional(),
    /** CLI only: a TRL conversational SFT file (JSONL of {messages}) instead of the project's demonstrations. */
    file: z.string().trim().min(1).optional(),
    /** CLI only: files mixed into the training side, each making up `ratio` of it (lib/sft/mix.ts). */
    mix: z
      .array(z.object({ file: z.string().trim().min(1), ratio: z.number().gt(0).lt(1) }).strict())
      .max(16)
      .default([]),
    config: sftRunConfigSchema.default(sftRunConfigSchema.parse({})),
    threads: threadsSchema.optional(),
  })
  .strict();

export const sftJobParamsSchema = sftFields.superRefine((p, ctx) => {
  if ((p.baseModelId === undefined) === (p.baseDir === undefined))
    ctx.addIssue({ code: "custom", path: ["baseModelId"], message: "give exactly one of baseModelId and baseDir" });
  const sources = [p.snapshot, p.snapshotDir, p.file].filter((s) => s !== undefined).length;
  if (sources > 1) ctx.addIssue({ code: "custom", path: ["snapshot"], message: "give at most one of snapshot, snapshotDir and file" });
  if (p.file !== undefined && p.demonstrations !== "submitted")
    ctx.addIssue({
      code: "custom",
      path: ["demonstrations"],
      message: "chooses among the project's or a snapshot's demonstrations; a file is learned from whole",
    });
  const sum = p.mix.reduce((a, m) => a + m.ratio, 0);
  if (sum >= 1)
    ctx.addIssue({
      code: "custom",
      path: ["mix"],
      message: `the ratios add up to ${Number(sum.toFixed(6))}; they must leave the primary source a share (sum below 1)`,
    });
});
export type SftJobParams = z.infer<typeof sftJobParamsSchema>;

/** What the web app may send: registered models and the project's own data only. */
export const sftRequestParamsSchema = sftFields
  .omit({ outDir: true, overwrite: true, baseDir: true, snapshotDir: true, file: true, mix: true })
  .extend({ baseModelId: z.number().int().positive() });
export type SftRequestParams = z.infer<typeof sftRequestParamsSchema>;
