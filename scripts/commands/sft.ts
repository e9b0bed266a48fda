import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { databasePath, openDb, type Db } from "../../db/client";
import { resolveSnapshotRef } from "../../lib/datasets/snapshot-ref";
import { dataDir } from "../../lib/datasets/snapshot-store";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { SFT_JOB_KIND, sftJobParamsSchema } from "../../lib/sft/job-params";
import { parseMixSpec } from "../../lib/sft/mix";
import { checkSftParams } from "../../lib/sft/param-checks";
import { DEFAULT_SFT_RUN_CONFIG, sftRunConfigObject, sftRunConfigSchema } from "../../lib/sft/sft-config";
import { CliError, parseFlags, required, type Command, threadsFlag, THREADS_FLAG_HELP } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";
import { runForegroundJob } from "../foreground-job";

/** A base model given as a registered name or as a model directory: {id} or {dir}. */
function resolveBase(db: Db, value: string): { id: number } | { dir: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--base: ${row.name} is an endpoint; SFT needs a Palate model directory`);
    if (row.kind === "reward") throw new CliError(`--base: ${row.name} is a reward model, not a language model`);
    return { id: row.id };
  }
  const dir = resolve(value);
  if (existsSync(join(dir, "config.json")) && statSync(dir).isDirectory()) return { dir };
  throw new CliError(`--base: "${value}" is neither a registered model nor a model directory`);
}

const FLAG_OF: Record<string, string> = { snapshot: "snapshot", snapshotDir: "snapshot", file: "file", baseModelId: "base", mix: "mix" };

export const command: Command = {
  name: "sft",
  summary: "Supervised fine-tuning on a project's demonstrations, a TRL SFT file or a snapshot, with files mixed in (a job, run here)",
  usage: `Usage: palate sft --project NAME --base MODEL --out DIR [--demonstrations submitted|accepted]
                 [--file FILE.jsonl | --snapshot NAME] [--mix FILE:RATIO …] [options]

Fine-tunes MODEL on demonstrations with the loss on answer tokens only (each demonstration in the
chat template, packed whole into rows of --max-length tokens, reshuffled every epoch). Prompts are
split into training and held-out ones (--validation-fraction, by prompt); every --eval-every steps
and at the end the held-out loss is logged as eval_loss, and when held-out prompts carry a
reference answer (metadata.reference) their greedy answers are checked with the accuracy rule
reward as eval_accuracy. Metrics follow TRL's names (loss, grad_norm, lr, epoch). The model is
saved at DIR in the Hugging Face GPT2LMHeadModel layout and registered as a policy with its
lineage (method sft). DIR is also the checkpoint: the same command again after an interruption
resumes from it. Ctrl-C stops after the current step and saves a checkpoint. The last line printed
is JSON with the final metrics.

  --project NAME              the project whose demonstrations to learn from (the model is
                              registered under it in every case)
  --base MODEL                the model to fine-tune: a registered model or a directory
  --out DIR                   output model directory
  --demonstrations submitted|accepted
                              every submitted demonstration but those a reviewer rejected
                              (default), or only those a reviewer accepted
  --file FILE.jsonl           learn from a TRL conversational SFT file ({"messages": [...]} per
                              line, the last message the answer; metadata.reference read) instead
  --snapshot PROJECT/NAME     learn from a dataset snapshot's sft files; its test split is held out
  --mix FILE:RATIO            mix a TRL SFT file (e.g. palate best-of-n's output) into the training
                              side so that it makes up RATIO of it (0 < RATIO < 1); repeatable.
                              The primary source is used whole once, the file drawn (upsampled
                              when short) to its share
  --name NAME                 registry name (default sft-<project>-<job id>)
  --overwrite                 replace what DIR holds instead of resuming it
${THREADS_FLAG_HELP}
${configFlagHelp(sftRunConfigObject.shape, DEFAULT_SFT_RUN_CONFIG)}`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      demonstrations: { type: "string" },
      file: { type: "string" },
      snapshot: { type: "string" },
      mix: { type: "string", multiple: true },
      name: { type: "string" },
      overwrite: { type: "boolean" },
      threads: { type: "string" },
      ...configFlagOptions(sftRunConfigObject.shape),
    });
    const projectName = values.snapshot === undefined ? required(values.project, "project") : values.project;
    const baseArg = required(values.base, "base");
    const threads = threadsFlag(values.threads);
    const out = resolve(required(values.out, "out"));
    const config = parseConfigFlags(sftRunConfigSchema, configFromFlags(sftRunConfigObject.shape, values));
    const file = values.file !== undefined ? resolve(values.file) : undefined;
    if (file !== undefined && !existsSync(file)) throw new CliError(`--file: no file ${file}`);
    const mix = (values.mix ?? []).map((spec) => {
      let parsed: { file: string; ratio: number };
      try {
        parsed = parseMixSpec(spec);
      } catch (err) {
        throw new CliError(`--mix: ${(err as Error).message}`);
      }
      const path = resolve(parsed.file);
      if (!existsSync(path)) throw new CliError(`--mix: no file ${path}`);
      return { file: path, ratio: parsed.ratio };
    });

    const db = openDb(databasePath());
    try {
      const snapshot = values.snapshot !== undefined ? resolveSnapshotRef(db, values.snapshot, projectName, dataDir()) : null;
      const project = snapshot?.project ?? getProjectByName(db, projectName!);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const base = resolveBase(db, baseArg);
      const params = sftJobParamsSchema.safeParse({
        projectId: project.id,
        ...("id" in base ? { baseModelId: base.id } : { baseDir: base.dir }),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(values.demonstrations !== undefined ? { demonstrations: values.demonstrations } : {}),
        ...(file !== undefined ? { file } : {}),
        ...(snapshot ? snapshot.param : {}),
        mix,
        outDir: out,
        config,
      });
      if (!params.success) {
        const issue = params.error.issues[0];
        const field = String(issue.path[0]);
        throw new CliError(`--${FLAG_OF[field] ?? field}: ${issue.message}`);
      }
      const issues = checkSftParams(db, params.data);
      if (issues.length > 0) {
        const field = issues[0].field.replace(/^params\./, "");
        throw new CliError(`--${FLAG_OF[field] ?? field}: ${issues[0].message}`);
      }

      const source = file ?? (snapshot ? `snapshot ${snapshot.manifest.name}` : `the ${params.data.demonstrations} demonstrations of "${project.name}"`);
      const done = await runForegroundJob(db, { kind: SFT_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id }, (job) =>
        console.log(
          `Job ${job.id}: SFT of ${baseArg} on ${source}${mix.length > 0 ? ` mixed with ${mix.map((m) => `${m.file} (${m.ratio})`).join(", ")}` : ""} into ${out}.`,
        ),
      );
      const result = done.result as { modelName?: string; steps?: number; metrics?: Record<string, number> } | null;
      const metrics = result?.metrics ?? {};
      const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(4) : "n/a");
      console.log(
        `Job ${done.id} succeeded: ${result?.modelName} registered · ${result?.steps} steps · loss ${fmt(metrics.loss)} · ` +
          `held-out loss ${fmt(metrics.eval_loss)}, exact-answer accuracy ${fmt(metrics.eval_accuracy)}.`,
      );
      console.log(JSON.stringify({ job: done.id, model: result?.modelName, outDir: out, steps: result?.steps, ...metrics }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
