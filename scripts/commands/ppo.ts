import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { databasePath, openDb, type Db } from "../../db/client";
import { DEFAULT_PPO_CONFIG, ppoConfigObject, ppoConfigSchema } from "../../lib/ml/rl/ppo-config";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { PPO_JOB_KIND, ppoJobParamsSchema } from "../../lib/ppo/job-params";
import { getProjectByName } from "../../lib/projects";
import { resolveSnapshotRef } from "../../lib/datasets/snapshot-ref";
import { dataDir } from "../../lib/datasets/snapshot-store";
import { CliError, numberFlag, parseFlags, required, type Command, threadsFlag, THREADS_FLAG_HELP } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";
import { runForegroundJob } from "../foreground-job";

/** A model given as a registered name or as a model directory: {id} or {dir}. */
function resolveModel(db: Db, value: string, flag: string, want: "policy" | "reward"): { id: number } | { dir: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--${flag}: ${row.name} is an endpoint; PPO needs a Palate model directory`);
    if (want === "reward" && row.kind !== "reward") throw new CliError(`--${flag}: ${row.name} is not a reward model`);
    if (want === "policy" && row.kind === "reward") throw new CliError(`--${flag}: ${row.name} is a reward model, not a policy`);
    return { id: row.id };
  }
  const dir = resolve(value);
  if (existsSync(join(dir, "config.json")) && statSync(dir).isDirectory()) return { dir };
  throw new CliError(`--${flag}: "${value}" is neither a registered model nor a model directory`);
}

/** Job-parameter names whose flag is spelled otherwise. */
const FLAG_OF: Record<string, string> = { ptxFile: "ptx-data", ptxDemonstrations: "ptx-demonstrations" };

function ptxDataFile(value: string): string {
  const file = resolve(value);
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`--ptx-data: "${value}" is not a file`);
  return file;
}

export const command: Command = {
  name: "ppo",
  summary: "Improve a policy against a reward model with PPO on a project's prompts (a job, run here)",
  usage: `Usage: palate ppo --project NAME --policy MODEL --reward RM --out DIR [options]

Runs PPO (InstructGPT's step 4, TRL's PPOTrainer semantics): the policy samples answers to the
project's training prompts, the frozen reward model scores them, a per-token KL penalty keeps
the policy near the frozen reference, and clipped policy and value losses update the policy and
the value model (initialized from the reward model). Held-out prompts (those the reward model
held out, plus a share of prompts it never saw) are answered by the policy and the reference
at each evaluation. The policy is saved at DIR in the Hugging Face GPT2LMHeadModel layout
(usable by generate, serve and eval-qa), the value model in DIR/value, and registered as a
policy with its lineage. DIR is also the checkpoint: running the same command again after an
interruption resumes from it. Ctrl-C stops after the current iteration and saves a
checkpoint. The last line printed is JSON with the final metrics.

  --project NAME              the project whose prompts to train on
  --snapshot PROJECT/NAME     learn from a dataset snapshot's prompts (palate snapshot) instead of the
                              project's: PROJECT/NAME, a NAME of --project, or a snapshot folder; its
                              files are checked against their SHA-256 and the lineage records its hash
  --policy MODEL              the policy to start from: a registered model or a directory (e.g. default-sft)
  --reward RM                 the reward model: a registered model or a directory
  --reference MODEL           the frozen KL reference, a registered model (default: the starting policy)
  --out DIR                   output model directory
  --name NAME                 registry name (default ppo-<project>-<job id>)
  --round N                   the loop's round (default: one more than the starting policy's)
  --overwrite                 replace what DIR holds instead of resuming it
  --ptx-data FILE             PPO-ptx's demonstrations (with --ptx-coef > 0): a TRL conversational SFT
                              file (JSONL of {"messages": [...]}, the last message the answer) instead
                              of the project's demonstrations, e.g. the SFT model's own training data
  --ptx-demonstrations WHICH  with --ptx-coef > 0 and no --ptx-data: the project's "submitted"
                              demonstrations (default; a reviewer's rejects left out) or "accepted" ones
${THREADS_FLAG_HELP}
${configFlagHelp(ppoConfigObject.shape, DEFAULT_PPO_CONFIG)}`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      policy: { type: "string" },
      reward: { type: "string" },
      reference: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      round: { type: "string" },
      overwrite: { type: "boolean" },
      threads: { type: "string" },
      snapshot: { type: "string" },
      "ptx-data": { type: "string" },
      "ptx-demonstrations": { type: "string" },
      ...configFlagOptions(ppoConfigObject.shape),
    });
    const projectName = values.snapshot === undefined ? required(values.project, "project") : values.project;
    const policyArg = required(values.policy, "policy");
    const rewardArg = required(values.reward, "reward");
    const out = resolve(required(values.out, "out"));
    const threads = threadsFlag(values.threads);
    const config = parseConfigFlags(ppoConfigSchema, configFromFlags(ppoConfigObject.shape, values));

    const db = openDb(databasePath());
    try {
      const snapshot = values.snapshot !== undefined ? resolveSnapshotRef(db, values.snapshot, projectName, dataDir()) : null;
      const project = snapshot?.project ?? getProjectByName(db, projectName!);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const policy = resolveModel(db, policyArg, "policy", "policy");
      const reward = resolveModel(db, rewardArg, "reward", "reward");
      let referenceModelId: number | undefined;
      if (values.reference !== undefined) {
        const ref = resolveModel(db, values.reference, "reference", "policy");
        if (!("id" in ref)) throw new CliError(`--reference: give a registered model (the default reference is the starting policy)`);
        referenceModelId = ref.id;
      }
      if (values.name !== undefined && getModelByName(db, values.name)) throw new CliError(`--name: a model named "${values.name}" is already registered`);
      const params = ppoJobParamsSchema.safeParse({
        projectId: project.id,
        ...("id" in policy ? { policyModelId: policy.id } : { policyDir: policy.dir }),
        ...("id" in reward ? { rewardModelId: reward.id } : { rewardDir: reward.dir }),
        ...(referenceModelId !== undefined ? { referenceModelId } : {}),
        ...(values.round !== undefined ? { round: numberFlag(values.round, "round", 1) } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(threads !== undefined ? { threads } : {}),
        outDir: out,
        config,
        ...(snapshot ? snapshot.param : {}),
        ...(values["ptx-data"] !== undefined ? { ptxFile: ptxDataFile(values["ptx-data"]) } : {}),
        ...(values["ptx-demonstrations"] !== undefined ? { ptxDemonstrations: values["ptx-demonstrations"] } : {}),
      });
      if (!params.success) {
        const issue = params.error.issues[0];
        const flag = FLAG_OF[String(issue.path[0])] ?? String(issue.path[0]);
        throw new CliError(`--${flag}: ${issue.message}`);
      }

      const done = await runForegroundJob(db, { kind: PPO_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id }, (job) =>
        console.log(`Job ${job.id}: PPO on "${project.name}" from ${policyArg} against ${rewardArg} into ${out}.`),
      );
      const result = done.result as { modelName?: string; round?: number; iterations?: number; metrics?: Record<string, number> } | null;
      const metrics = result?.metrics ?? {};
      const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : "n/a");
      console.log(
        `Job ${done.id} succeeded: ${result?.modelName} registered (round ${result?.round}) · ${result?.iterations} iterations · ` +
          `score ${fmt(metrics["objective/scores"])} · KL ${fmt(metrics["objective/kl"])}.`,
      );
      console.log(JSON.stringify({ job: done.id, model: result?.modelName, outDir: out, round: result?.round, ...metrics }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
