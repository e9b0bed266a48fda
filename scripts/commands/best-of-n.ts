import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databasePath, openDb, type Connection } from "../../db/client";
import { BEST_OF_N_JOB_KIND, bestOfNJobParamsSchema } from "../../lib/best-of-n/job-params";
import { checkBestOfNParams } from "../../lib/best-of-n/param-checks";
import { demonstrationTarget } from "../../lib/best-of-n/project";
import type { BestOfNJobResult } from "../../lib/best-of-n/run-best-of-n";
import { ensureDefaultModel, getModelByName } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { parseRewardSpec, RewardSpecError } from "../../lib/rewards/spec";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";
import { runForegroundJob } from "../foreground-job";

const isModelDir = (dir: string) => existsSync(join(dir, "config.json")) && statSync(dir).isDirectory();

/** The policy: a registered policy ({policyModelId}), or a model directory ({policyDir}). */
function policyOf(db: Connection, value: string): { policyModelId: number } | { policyDir: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--policy: ${row.name} is an endpoint; best-of-n samples from a Palate model directory`);
    if (row.kind === "reward") throw new CliError(`--policy: ${row.name} is a reward model, which does not generate text`);
    return { policyModelId: row.id };
  }
  if (isModelDir(resolve(value))) return { policyDir: resolve(value) };
  throw new CliError(`--policy: "${value}" is neither a registered model nor a model directory`);
}

/** --by: a registered reward model ({rewardModelId}) or a reward-model directory ({rewardDir}), else a rule spec ({rules}). */
function scorerOf(db: Connection, value: string): { rewardModelId: number } | { rewardDir: string } | { rules: string } {
  const row = getModelByName(db, value);
  if (row) {
    if (row.kind !== "reward" || row.source !== "palate")
      throw new CliError(`--by: ${row.name} is not a reward model (give a reward model or reward functions such as accuracy,format)`);
    return { rewardModelId: row.id };
  }
  if (isModelDir(resolve(value))) return { rewardDir: resolve(value) };
  try {
    parseRewardSpec(value);
  } catch (err) {
    if (err instanceof RewardSpecError) throw new CliError(`--by: "${value}" is not a reward model, and not reward functions: ${err.message}`);
    throw err;
  }
  return { rules: value };
}

/** The flag a parameter comes from, for naming it in errors. */
const FLAG_OF: Record<string, string> = {
  projectId: "project",
  policyModelId: "policy",
  policyDir: "policy",
  rewardModelId: "by",
  rewardDir: "by",
  rules: "by",
  maxPrompts: "max-prompts",
  topP: "top-p",
  topK: "top-k",
  maxTokens: "max-tokens",
  asDemonstrations: "as-demonstrations",
  intoProjectId: "into",
};

export const command: Command = {
  name: "best-of-n",
  summary:
    "Rejection sampling: N answers per prompt from a policy, the best by a reward model or rules kept as an SFT file and optionally as demonstrations (a job, run here)",
  usage: `Usage: palate best-of-n --project NAME --policy MODEL --n 8 --by RM|RULES --out FILE.jsonl
                       [--threshold X] [--as-demonstrations [--into PROJECT]] [options]

For each distinct prompt of the project (only those with a reference answer when the rules read
one, as accuracy does) samples N answers from MODEL, scores each — by a reward model (registered
name or directory, as palate score) or by rule reward functions (lib/rewards' spec, e.g.
accuracy,format=0.5, given each prompt's reference answer) — and keeps the best when it scores at
least --threshold. The kept answers are written as a TRL conversational SFT file (one
{"messages": [...], "metadata": {"score", "by", "n", "sample", "policy", "prompt_id", "reference"}}
per line), which palate sft trains on (--file) or mixes in (--mix FILE:RATIO). It runs as a job
in this process: the jobs page shows it with its figures (per batch: mean_best_score, mean_score,
pass_rate with a threshold; kept so far), the file is written in the job's directory and copied to
--out, and Ctrl-C cancels it. The last line printed is JSON: job, prompts, kept, mean_best_score,
mean_score, pass_rate, out.

  --project NAME          the project whose prompts to answer
  --policy MODEL          the model to sample from: a registered policy or a directory
  --n N                   answers sampled per prompt (default 8)
  --by RM|RULES           a reward model, or reward functions with weights (accuracy,format)
  --threshold X           keep a prompt's best answer only when it scores at least X (default:
                          keep every prompt's best; with accuracy, 1 keeps right answers only)
  --out FILE.jsonl        where to write the kept answers
  --as-demonstrations     also insert the kept answers as submitted demonstrations (review
                          pending) by the imported "best-of-n" annotator, in one transaction
  --into PROJECT          the demonstration project to insert them into (created when missing;
                          default: --project itself when it collects demonstrations)
  --max-prompts N         answer only the first N prompts
  --temperature T         sampling temperature (default 1)
  --top-p P               nucleus sampling (default 1)
  --top-k K               top-k sampling, 0 = off (default 0)
  --max-tokens N          most new tokens per answer (default 64)
  --seed S                sampling seed (default 0)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      policy: { type: "string" },
      n: { type: "string" },
      by: { type: "string" },
      threshold: { type: "string" },
      out: { type: "string" },
      "as-demonstrations": { type: "boolean" },
      into: { type: "string" },
      "max-prompts": { type: "string" },
      temperature: { type: "string" },
      "top-p": { type: "string" },
      "top-k": { type: "string" },
      "max-tokens": { type: "string" },
      seed: { type: "string" },
    });
    const projectName = required(values.project, "project");
    const policyArg = required(values.policy, "policy");
    const byArg = required(values.by, "by");
    const out = resolve(required(values.out, "out"));
    const int = (flag: string, fallback: number, min: number) => {
      const v = numberFlag(values[flag as keyof typeof values] as string | undefined, flag, fallback);
      if (!Number.isInteger(v) || v < min) throw new CliError(`--${flag}: expected an integer of at least ${min}, got ${v}`);
      return v;
    };
    const n = int("n", 8, 1);
    const maxTokens = int("max-tokens", 64, 1);
    const topK = int("top-k", 0, 0);
    const seed = int("seed", 0, 0);
    const maxPrompts = values["max-prompts"] !== undefined ? int("max-prompts", 0, 1) : undefined;
    const temperature = numberFlag(values.temperature, "temperature", 1);
    if (temperature < 0) throw new CliError(`--temperature: expected a number of at least 0, got ${temperature}`);
    const topP = numberFlag(values["top-p"], "top-p", 1);
    if (!(topP > 0 && topP <= 1)) throw new CliError(`--top-p: expected a number in (0, 1], got ${topP}`);
    const threshold = values.threshold !== undefined ? numberFlag(values.threshold, "threshold", 0) : null;
    if (values.into !== undefined && !values["as-demonstrations"]) throw new CliError("--into: only with --as-demonstrations");

    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      ensureDefaultModel(db);
      const policy = policyOf(db, policyArg);
      const by = scorerOf(db, byArg);
      // --into names a demonstration project, created when missing (as an import creates one), before the job runs.
      const target = values["as-demonstrations"] ? demonstrationTarget(db, project, values.into) : null;
      if (target && "error" in target) throw new CliError(`--as-demonstrations: ${target.error}`);
      const params = bestOfNJobParamsSchema.safeParse({
        projectId: project.id,
        ...policy,
        ...by,
        policyLabel: policyArg,
        n,
        ...(threshold !== null ? { threshold } : {}),
        ...(maxPrompts !== undefined ? { maxPrompts } : {}),
        temperature,
        topP,
        topK,
        maxTokens,
        seed,
        asDemonstrations: values["as-demonstrations"] === true,
        ...(target && target.id !== project.id ? { intoProjectId: target.id } : {}),
      });
      if (!params.success) {
        const issue = params.error.issues[0];
        const field = String(issue.path[0]);
        throw new CliError(`--${FLAG_OF[field] ?? field}: ${issue.message}`);
      }
      const issues = checkBestOfNParams(db, params.data);
      if (issues.length > 0) {
        const field = issues[0].field.replace(/^params\./, "");
        throw new CliError(`--${FLAG_OF[field] ?? field}: ${issues[0].message}`);
      }

      const done = await runForegroundJob(
        db,
        { kind: BEST_OF_N_JOB_KIND, params: params.data as unknown as Record<string, unknown>, projectId: project.id },
        (job) =>
          console.log(
            `Job ${job.id}: best of ${n} for the prompts of "${project.name}" from ${policyArg}, scored by ${byArg}${threshold !== null ? `, kept at ≥ ${threshold}` : ""}.`,
          ),
      );
      const result = done.result as BestOfNJobResult;
      // The job writes into its own directory (the app serves it from there); --out gets a copy.
      mkdirSync(dirname(out), { recursive: true });
      copyFileSync(result.file, out);
      const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
      console.log(
        `${result.prompts} prompts, ${result.kept} kept (written to ${out}) · mean best score ${fmt(result.mean_best_score)} · mean score ${fmt(result.mean_score)}` +
          (result.pass_rate !== null ? ` · pass rate ${fmt(result.pass_rate)}` : "") +
          (result.demonstrations !== undefined && target && !("error" in target)
            ? ` · ${result.demonstrations} demonstrations inserted into "${target.name}" for review`
            : "") +
          ".",
      );
      console.log(
        JSON.stringify({
          job: done.id,
          prompts: result.prompts,
          kept: result.kept,
          mean_best_score: result.mean_best_score,
          mean_score: result.mean_score,
          pass_rate: result.pass_rate,
          out,
          ...(result.demonstrations !== undefined ? { demonstrations: result.demonstrations, into: result.into } : {}),
        }),
      );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
