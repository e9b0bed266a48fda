import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { databasePath, openDb } from "../../db/client";
import { DEFAULT_REWARD_CONFIG, rewardConfigSchema } from "../../lib/ml/rl/reward-config";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { resolveSnapshotRef } from "../../lib/datasets/snapshot-ref";
import { dataDir } from "../../lib/datasets/snapshot-store";
import { TRAIN_RM_JOB_KIND, trainRmJobParamsSchema } from "../../lib/reward/job-params";
import { CliError, parseFlags, required, type Command, threadsFlag, THREADS_FLAG_HELP } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";
import { runForegroundJob } from "../foreground-job";

export const command: Command = {
  name: "train-rm",
  summary: "Train a reward model on a project's rankings (a job, run here)",
  usage: `Usage: palate train-rm --project NAME --base MODEL --out DIR [options]

Trains a reward model (GPT-2 backbone from MODEL + a scalar head, saved in the Hugging Face
GPT2ForSequenceClassification layout) on every ranking of the project, with InstructGPT's
loss over all pairs of each ranking, and registers it (kind reward) with its lineage. The job
is recorded in $PALATE_DB like one started from the app. DIR is also the checkpoint: running
the same command again after an interruption resumes from it. Ctrl-C stops after the current
step and saves a checkpoint. DIR ends up holding the model, metrics.jsonl (every step),
metrics.json (final metrics, calibration) and split.json (train / held-out prompts).
The last line printed is metrics.json's summary as JSON.

  --project NAME              the project whose rankings to train on
  --snapshot PROJECT/NAME     train on a dataset snapshot (palate snapshot) instead of the live
                              rankings: PROJECT/NAME, a NAME of --project, or a snapshot folder;
                              its files are checked against their SHA-256, its test split is the
                              held-out split, and the lineage records its hash (--project may
                              then be left out)
  --base MODEL                a registered model (name) or a model directory to start from, e.g. default-sft
  --rounds all|latest         train on every round's rankings (default) or the latest round's only
  --rankings every|reviewed|aggregated
                              which rankings count: every annotator's (default), a task's reviewed
                              ranking where it has one, or one ranking per task aggregated by
                              --aggregate borda|kemeny (default borda)
  --include-paused            also train on annotators paused by their gold accuracy (left out by default)
  --out DIR                   output model directory
  --name NAME                 registry name (default rm-<project>-<job id>)
  --overwrite                 replace what DIR holds instead of resuming it (a checkpoint of
                              other rankings or settings is refused without it)
${THREADS_FLAG_HELP}
${configFlagHelp(rewardConfigSchema.shape, DEFAULT_REWARD_CONFIG)}
  --lr X                      the same as --learning-rate`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      overwrite: { type: "boolean" },
      rounds: { type: "string" },
      rankings: { type: "string" },
      aggregate: { type: "string" },
      "include-paused": { type: "boolean" },
      snapshot: { type: "string" },
      threads: { type: "string" },
      lr: { type: "string" },
      ...configFlagOptions(rewardConfigSchema.shape),
    });
    const projectName = values.snapshot === undefined ? required(values.project, "project") : values.project;
    const baseName = required(values.base, "base");
    const threads = threadsFlag(values.threads);
    const out = resolve(required(values.out, "out"));

    // Flags, help and checks from the schema (reward-config.ts); --lr is the older name of --learning-rate.
    const flags: Record<string, unknown> = { ...values };
    const viaAlias = values.lr !== undefined && flags["learning-rate"] === undefined;
    if (viaAlias) flags["learning-rate"] = values.lr;
    let config;
    try {
      config = parseConfigFlags(rewardConfigSchema, configFromFlags(rewardConfigSchema.shape, flags));
    } catch (err) {
      if (viaAlias && err instanceof CliError) throw new CliError(err.message.replace(/^--learning-rate:/, "--lr:"));
      throw err;
    }

    const db = openDb(databasePath());
    try {
      const snapshot = values.snapshot !== undefined ? resolveSnapshotRef(db, values.snapshot, projectName, dataDir()) : null;
      const project = snapshot?.project ?? getProjectByName(db, projectName!);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      // A registered model by name, or a model directory.
      const row = getModelByName(db, baseName);
      const baseDir = resolve(baseName);
      if (!row && !(existsSync(join(baseDir, "config.json")) && statSync(baseDir).isDirectory()))
        throw new CliError(`--base: "${baseName}" is neither a registered model nor a model directory`);
      if (row && row.source !== "palate") throw new CliError(`--base: ${row.name} is an endpoint; training needs a Palate model directory`);
      const base = row ? { id: row.id, name: row.name } : { dir: baseDir, name: baseDir };
      if (values.name !== undefined && getModelByName(db, values.name)) throw new CliError(`--name: a model named "${values.name}" is already registered`);
      const params = trainRmJobParamsSchema.safeParse({
        projectId: project.id,
        ...("id" in base ? { baseModelId: base.id } : { baseDir: base.dir }),
        outDir: out,
        config,
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(values.rounds !== undefined ? { rounds: values.rounds } : {}),
        ...(values.rankings !== undefined ? { rankings: values.rankings } : {}),
        ...(values.aggregate !== undefined ? { aggregate: values.aggregate } : {}),
        ...(values["include-paused"] ? { includePaused: true } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(snapshot ? snapshot.param : {}),
      });
      if (!params.success) throw new CliError(`--${String(params.error.issues[0].path[0])}: ${params.error.issues[0].message}`);

      const done = await runForegroundJob(
        db,
        { kind: TRAIN_RM_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id },
        (job) =>
          console.log(
            `Job ${job.id}: training a reward model on ${snapshot ? `snapshot ${snapshot.manifest.name} (${snapshot.manifest.hash.slice(0, 12)}…) of ` : ""}"${project.name}" from ${base.name} into ${out}.`,
          ),
      );
      const result = done.result as { modelName?: string; metrics?: Record<string, unknown> } | null;
      const metrics = result?.metrics ?? {};
      const pct = (v: unknown) => (typeof v === "number" ? `${(v * 100).toFixed(1)}%` : "n/a");
      console.log(
        `Job ${done.id} succeeded: ${result?.modelName} registered · eval accuracy ${pct(metrics.eval_accuracy)} on ${metrics.eval_pairs ?? 0} held-out pairs · ${metrics.train_pairs ?? 0} training pairs.`,
      );
      console.log(JSON.stringify({ job: done.id, model: result?.modelName, outDir: out, ...metrics }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
