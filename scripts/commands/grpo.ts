import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { databasePath, openDb, type Db } from "../../db/client";
import { GRPO_JOB_KIND, grpoJobParamsSchema } from "../../lib/grpo/job-params";
import { DEFAULT_GRPO_CONFIG, grpoConfigObject, grpoConfigSchema } from "../../lib/ml/rl/grpo-config";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { describeRewardFunctions } from "../../lib/rewards/registry";
import { RewardSpecError, parseRewardSpec } from "../../lib/rewards/spec";
import { CliError, parseFlags, required, type Command, threadsFlag, THREADS_FLAG_HELP } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, parseConfigFlags } from "../config-flags";
import { runForegroundJob } from "../foreground-job";

/** A model given as a registered name or as a model directory: {id} or {dir}. */
function resolveModel(db: Db, value: string, flag: string, want: "policy" | "reward"): { id: number } | { dir: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--${flag}: ${row.name} is an endpoint; GRPO needs a Palate model directory`);
    if (want === "reward" && row.kind !== "reward") throw new CliError(`--${flag}: ${row.name} is not a reward model`);
    if (want === "policy" && row.kind === "reward") throw new CliError(`--${flag}: ${row.name} is a reward model, not a policy`);
    return { id: row.id };
  }
  const dir = resolve(value);
  if (existsSync(join(dir, "config.json")) && statSync(dir).isDirectory()) return { dir };
  throw new CliError(`--${flag}: "${value}" is neither a registered model nor a model directory`);
}

export const command: Command = {
  name: "grpo",
  summary: "Improve a policy with GRPO and rule rewards (accuracy, format, length) on a project's prompts (a job, run here)",
  usage: `Usage: palate grpo --project NAME --policy MODEL --rewards SPEC --out DIR [--reward-model RM] [options]

Runs GRPO (DeepSeekMath / DeepSeek-R1's RL step, TRL's GRPOTrainer semantics): for each
training prompt the policy samples --num-generations completions; the reward functions score
each (plus --reward-model-weight × the reward model's score when --reward-model is given); each
completion's advantage is its reward against its group's mean (divided by the group's standard
deviation, see --scale-rewards); the clipped objective with a k3 KL penalty to the frozen
reference (β = --beta; 0 never runs the reference) updates the policy. No value model. Prompts come from the project with their reference answers (metadata.reference,
set by the gsm8k and qa imports); with the accuracy reward only prompts that have one are used.
A seeded share is held out (--validation-fraction; or, when the project's prompts carry
metadata.split, those marked "test" — a dataset's own test side), and the policy and the
reference answer the held-out prompts greedily at each
evaluation (mean reward, each function's mean, exact-answer accuracy, a sample table). The
policy is saved at DIR in the Hugging Face GPT2LMHeadModel layout (usable by generate, serve
and eval-qa) and registered as a policy with its lineage (method grpo). DIR is also the
checkpoint: running the same command again after an interruption resumes from it. Ctrl-C
stops after the current iteration and saves a checkpoint. The last line printed is JSON with
the final metrics.

  --project NAME              the project whose prompts to train on
  --policy MODEL              the policy to start from: a registered model or a directory (e.g. default-sft)
  --rewards SPEC              reward functions and weights, e.g. accuracy,format=0.5 or accuracy,length(budget=64)
  --reward-model RM           also a reward model's score (a registered reward model or a directory)
  --reference MODEL           the frozen KL reference, a registered model (default: the starting policy)
  --out DIR                   output model directory
  --name NAME                 registry name (default grpo-<project>-<job id>)
  --overwrite                 replace what DIR holds instead of resuming it
${THREADS_FLAG_HELP}

Reward functions:
${describeRewardFunctions()
  .map((f) => [`  ${f.name.padEnd(10)}${f.help}`, ...f.params.map((p) => `    ${p.name}: ${p.help} (default ${String(p.default)})`)].join("\n"))
  .join("\n")}

Settings:
${configFlagHelp(grpoConfigObject.shape, DEFAULT_GRPO_CONFIG, 34)}`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      policy: { type: "string" },
      rewards: { type: "string" },
      "reward-model": { type: "string" },
      reference: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      overwrite: { type: "boolean" },
      threads: { type: "string" },
      ...configFlagOptions(grpoConfigObject.shape),
    });
    const projectName = required(values.project, "project");
    const policyArg = required(values.policy, "policy");
    let rewards;
    try {
      rewards = parseRewardSpec(required(values.rewards, "rewards"));
    } catch (err) {
      if (err instanceof RewardSpecError) throw new CliError(`--rewards: ${err.message}`);
      throw err;
    }
    const out = resolve(required(values.out, "out"));
    const threads = threadsFlag(values.threads);
    const config = parseConfigFlags(grpoConfigSchema, configFromFlags(grpoConfigObject.shape, values));

    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const policy = resolveModel(db, policyArg, "policy", "policy");
      const rewardModel = values["reward-model"] !== undefined ? resolveModel(db, values["reward-model"], "reward-model", "reward") : null;
      let referenceModelId: number | undefined;
      if (values.reference !== undefined) {
        const ref = resolveModel(db, values.reference, "reference", "policy");
        if (!("id" in ref)) throw new CliError(`--reference: give a registered model (the default reference is the starting policy)`);
        referenceModelId = ref.id;
      }
      if (values.name !== undefined && getModelByName(db, values.name)) throw new CliError(`--name: a model named "${values.name}" is already registered`);
      const params = grpoJobParamsSchema.safeParse({
        projectId: project.id,
        rewards,
        ...("id" in policy ? { policyModelId: policy.id } : { policyDir: policy.dir }),
        ...(rewardModel ? ("id" in rewardModel ? { rewardModelId: rewardModel.id } : { rewardDir: rewardModel.dir }) : {}),
        ...(referenceModelId !== undefined ? { referenceModelId } : {}),
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(threads !== undefined ? { threads } : {}),
        outDir: out,
        config,
      });
      if (!params.success) throw new CliError(`--${String(params.error.issues[0].path[0])}: ${params.error.issues[0].message}`);

      const done = await runForegroundJob(
        db,
        { kind: GRPO_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id },
        (job) => console.log(`Job ${job.id}: GRPO on "${project.name}" from ${policyArg} with rewards ${values.rewards} into ${out}.`),
      );
      const result = done.result as { modelName?: string; iterations?: number; metrics?: Record<string, number> } | null;
      const metrics = result?.metrics ?? {};
      const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(3) : "n/a");
      console.log(
        `Job ${done.id} succeeded: ${result?.modelName} registered · ${result?.iterations} iterations · reward ${fmt(metrics.reward)}` +
          (typeof metrics.eval_accuracy === "number"
            ? ` · held-out accuracy ${fmt(metrics.eval_accuracy)} (start ${fmt(metrics.eval_accuracy_reference)})`
            : "") +
          ".",
      );
      console.log(JSON.stringify({ job: done.id, model: result?.modelName, outDir: out, iterations: result?.iterations, ...metrics }));
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
