import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { databasePath, openDb, type Db } from "../../db/client";
import { DPO_JOB_KIND, dpoJobParamsSchema } from "../../lib/dpo/job-params";
import { DEFAULT_DPO_CONFIG, dpoConfigObject, dpoConfigSchema } from "../../lib/ml/rl/dpo-config";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { resolveSnapshotRef } from "../../lib/datasets/snapshot-ref";
import { dataDir } from "../../lib/datasets/snapshot-store";
import { CliError, parseFlags, required, type Command, threadsFlag, THREADS_FLAG_HELP } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";
import { runForegroundJob } from "../foreground-job";

/** A policy given as a registered name or as a model directory: {id} or {dir}. */
function resolvePolicy(db: Db, value: string, flag: string): { id: number } | { dir: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--${flag}: ${row.name} is an endpoint; DPO needs a Palate model directory`);
    if (row.kind === "reward") throw new CliError(`--${flag}: ${row.name} is a reward model, not a policy`);
    return { id: row.id };
  }
  const dir = resolve(value);
  if (existsSync(join(dir, "config.json")) && statSync(dir).isDirectory()) return { dir };
  throw new CliError(`--${flag}: "${value}" is neither a registered model nor a model directory`);
}

export const command: Command = {
  name: "dpo",
  summary: "Improve a policy directly on a project's preference pairs with DPO or IPO (a job, run here)",
  usage: `Usage: palate dpo --project NAME --policy MODEL --out DIR [--beta B] [--loss-type sigmoid|ipo] [options]

Runs DPO (Rafailov et al. 2023, TRL's DPOTrainer semantics and metric names): every pair the
project's rankings imply (as the reward model's training set builds them) is a (prompt, chosen,
rejected) pair; the frozen reference's log-probabilities of each completion are computed once,
then the policy learns −log σ(β·h), h = (log π_c − log π_ref,c) − (log π_r − log π_ref,r) over
summed completion log-probabilities (--loss-type ipo: (h − 1/(2β))² over per-token averages).
Pairs of held-out prompts are evaluated under TRL's eval_ names. No reward model, no sampling.
The policy is saved at DIR in the Hugging Face GPT2LMHeadModel layout (usable by generate,
serve and eval-qa) and registered as a policy with its lineage. DIR is also the checkpoint:
running the same command again after an interruption resumes from it. Ctrl-C stops after the
current step and saves a checkpoint. The last line printed is JSON with the final metrics.

  --project NAME              the project whose rankings to learn from
  --snapshot PROJECT/NAME     learn from a dataset snapshot (palate snapshot) instead of the live
                              rankings: PROJECT/NAME, a NAME of --project, or a snapshot folder;
                              its test split is held out and the lineage records its hash
  --trl FILE                  learn from a trl preference file (JSONL: prompt, chosen, rejected)
                              instead of the project's rankings (the policy is still registered
                              under --project)
  --policy MODEL              the policy to start from: a registered model or a directory (e.g. default-sft)
  --reference MODEL           the frozen reference, a registered model (default: the starting policy)
  --out DIR                   output model directory
  --name NAME                 registry name (default dpo-<project>-<job id>)
  --rounds all|latest         learn from every round's rankings (default) or the latest round's only
  --rankings every|reviewed|aggregated
                              which rankings count: every annotator's (default), a task's reviewed
                              ranking where it has one, or one ranking per task aggregated by
                              --aggregate borda|kemeny (default borda)
  --include-paused            also learn from annotators paused by their gold accuracy
  --overwrite                 replace what DIR holds instead of resuming it
${THREADS_FLAG_HELP}
${configFlagHelp(dpoConfigObject.shape, DEFAULT_DPO_CONFIG)}`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      snapshot: { type: "string" },
      trl: { type: "string" },
      policy: { type: "string" },
      reference: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      rounds: { type: "string" },
      rankings: { type: "string" },
      aggregate: { type: "string" },
      "include-paused": { type: "boolean" },
      overwrite: { type: "boolean" },
      threads: { type: "string" },
      ...configFlagOptions(dpoConfigObject.shape),
    });
    const projectName = values.snapshot === undefined ? required(values.project, "project") : values.project;
    const policyArg = required(values.policy, "policy");
    const out = resolve(required(values.out, "out"));
    const threads = threadsFlag(values.threads);
    const config = parseConfigFlags(dpoConfigSchema, configFromFlags(dpoConfigObject.shape, values));
    const trlFile = values.trl !== undefined ? resolve(values.trl) : undefined;
    if (trlFile !== undefined && !existsSync(trlFile)) throw new CliError(`--trl: no file ${trlFile}`);

    const db = openDb(databasePath());
    try {
      const snapshot = values.snapshot !== undefined ? resolveSnapshotRef(db, values.snapshot, projectName, dataDir()) : null;
      const project = snapshot?.project ?? getProjectByName(db, projectName!);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const policy = resolvePolicy(db, policyArg, "policy");
      let referenceModelId: number | undefined;
      if (values.reference !== undefined) {
        const ref = resolvePolicy(db, values.reference, "reference");
        if (!("id" in ref)) throw new CliError(`--reference: give a registered model (the default reference is the starting policy)`);
        referenceModelId = ref.id;
      }
      if (values.name !== undefined && getModelByName(db, values.name)) throw new CliError(`--name: a model named "${values.name}" is already registered`);
      const params = dpoJobParamsSchema.safeParse({
        projectId: project.id,
        ...("id" in policy ? { policyModelId: policy.id } : { policyDir: policy.dir }),
        ...(referenceModelId !== undefined ? { referenceModelId } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(threads !== undefined ? { threads } : {}),
        ...(values.rounds !== undefined ? { rounds: values.rounds } : {}),
        ...(values.rankings !== undefined ? { rankings: values.rankings } : {}),
        ...(values.aggregate !== undefined ? { aggregate: values.aggregate } : {}),
        ...(values["include-paused"] ? { includePaused: true } : {}),
        ...(trlFile !== undefined ? { trlFile } : {}),
        outDir: out,
        config,
        ...(snapshot ? snapshot.param : {}),
      });
      if (!params.success) {
        const issue = params.error.issues[0];
        const field = String(issue.path[0]);
        const flag = { snapshot: "snapshot", trlFile: "trl", policyModelId: "policy", includePaused: "include-paused" }[field] ?? field;
        throw new CliError(`--${flag}: ${issue.message}`);
      }

      const source = trlFile ?? (snapshot ? `snapshot ${snapshot.manifest.name}` : `"${project.name}"`);
      const done = await runForegroundJob(db, { kind: DPO_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id }, (job) =>
        console.log(`Job ${job.id}: DPO (${config.lossType}, β ${config.beta}) on ${source} from ${policyArg} into ${out}.`),
      );
      const result = done.result as { modelName?: string; steps?: number; metrics?: Record<string, number> } | null;
      const metrics = result?.metrics ?? {};
      const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : "n/a");
      console.log(
        `Job ${done.id} succeeded: ${result?.modelName} registered · ${result?.steps} steps · loss ${fmt(metrics.loss)} · ` +
          `held-out reward accuracy ${fmt(metrics["eval_rewards/accuracies"])}, margin ${fmt(metrics["eval_rewards/margins"])}.`,
      );
      console.log(JSON.stringify({ job: done.id, model: result?.modelName, outDir: out, steps: result?.steps, ...metrics }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
