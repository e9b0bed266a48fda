import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { databasePath, openDb, type Connection } from "../../db/client";
import { bestOfNPrompts, demonstrationTarget, insertKeptDemonstrations, keptSftLines } from "../../lib/best-of-n/project";
import type { BestOfNScorer } from "../../lib/best-of-n/sample-and-score";
import { bestOfNCounts } from "../../lib/best-of-n/select";
import { REFERENCE_REWARDS } from "../../lib/grpo/prompts";
import { ensureDefaultModel, getModelByName, modelDir } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { parseRewardSpec, RewardSpecError } from "../../lib/rewards/spec";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

const isModelDir = (dir: string) => existsSync(join(dir, "config.json")) && statSync(dir).isDirectory();

/** The policy: a registered policy's directory, or a model directory. */
function policyDir(db: Connection, value: string): string {
  const row = getModelByName(db, value);
  if (row) {
    if (row.source !== "palate") throw new CliError(`--policy: ${row.name} is an endpoint; best-of-n samples from a Palate model directory`);
    if (row.kind === "reward") throw new CliError(`--policy: ${row.name} is a reward model, which does not generate text`);
    return modelDir(row);
  }
  if (isModelDir(resolve(value))) return resolve(value);
  throw new CliError(`--policy: "${value}" is neither a registered model nor a model directory`);
}

/** --by: a registered reward model or a reward-model directory, else a rule spec. */
function scorerOf(db: Connection, value: string): BestOfNScorer {
  const row = getModelByName(db, value);
  if (row) {
    if (row.kind !== "reward" || row.source !== "palate")
      throw new CliError(`--by: ${row.name} is not a reward model (give a reward model or reward functions such as accuracy,format)`);
    return { kind: "reward-model", dir: modelDir(row), label: row.name };
  }
  if (isModelDir(resolve(value))) return { kind: "reward-model", dir: resolve(value), label: resolve(value) };
  try {
    parseRewardSpec(value);
  } catch (err) {
    if (err instanceof RewardSpecError) throw new CliError(`--by: "${value}" is not a reward model, and not reward functions: ${err.message}`);
    throw err;
  }
  return { kind: "rules", spec: value };
}

export const command: Command = {
  name: "best-of-n",
  summary: "Rejection sampling: N answers per prompt from a policy, the best by a reward model or rules kept as an SFT file (and demonstrations)",
  usage: `Usage: palate best-of-n --project NAME --policy MODEL --n 8 --by RM|RULES --out FILE.jsonl
                       [--threshold X] [--as-demonstrations [--into PROJECT]] [options]

For each distinct prompt of the project (only those with a reference answer when the rules read
one, as accuracy does) samples N answers from MODEL, scores each — by a reward model (registered
name or directory, as palate score) or by rule reward functions (lib/rewards' spec, e.g.
accuracy,format=0.5, given each prompt's reference answer) — and keeps the best when it scores at
least --threshold. The kept answers are written as a TRL conversational SFT file (one
{"messages": [...], "metadata": {"score", "by", "n", "sample", "policy", "prompt_id", "reference"}}
per line), which palate sft trains on (--file) or mixes in (--mix FILE:RATIO). The last line
printed is JSON: prompts, kept, mean_best_score, mean_score, pass_rate.

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
      const policy = policyDir(db, policyArg);
      const by = scorerOf(db, byArg);
      const target = values["as-demonstrations"] ? demonstrationTarget(db, project, values.into) : null;
      if (target && "error" in target) throw new CliError(`--as-demonstrations: ${target.error}`);
      const needsReference = by.kind === "rules" && parseRewardSpec(by.spec).some((t) => REFERENCE_REWARDS.includes(t.name));
      const prompts = bestOfNPrompts(db, project.id, { referencesOnly: needsReference, limit: maxPrompts });
      if (prompts.length === 0)
        throw new CliError(
          needsReference
            ? `--by: ${byArg} compares answers with reference answers, and project "${project.name}" has no prompt with one (import prompts with the gsm8k or qa format)`
            : `--project: project "${project.name}" has no prompts`,
        );
      const byLabel = by.kind === "rules" ? by.spec : by.label;
      console.log(
        `Best of ${n} for ${prompts.length} prompts of "${project.name}" from ${policyArg}, scored by ${byLabel}${threshold !== null ? `, kept at ≥ ${threshold}` : ""}.`,
      );

      const { sampleAndScore } = await import("../../lib/best-of-n/sample-and-score");
      const bar = process.stderr.isTTY ? new SingleBar({ format: "best-of-n |{bar}| {value}/{total} prompts", hideCursor: true }) : null;
      bar?.start(prompts.length, 0);
      let choices;
      try {
        choices = await sampleAndScore({
          policyDir: policy,
          prompts,
          n,
          by,
          threshold,
          sampling: { temperature, topP, topK, maxTokens, seed },
          onProgress: (done) => bar?.update(done),
        });
      } finally {
        bar?.stop();
      }
      const lines = keptSftLines(choices, { by: byLabel, n, policy: policyArg });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, lines.map((l) => l + "\n").join(""));
      const counts = bestOfNCounts(
        choices.map((c) => c.answers),
        threshold,
      );
      const inserted = target && !("error" in target) ? insertKeptDemonstrations(db, choices, project, target) : null;
      const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
      console.log(
        `${counts.prompts} prompts, ${counts.kept} kept (written to ${out}) · mean best score ${fmt(counts.meanBestScore)} · mean score ${fmt(counts.meanScore)}` +
          (counts.passRate !== null ? ` · pass rate ${fmt(counts.passRate)}` : "") +
          (inserted && target && !("error" in target) ? ` · ${inserted.demonstrations} demonstrations inserted into "${target.name}" for review` : "") +
          ".",
      );
      console.log(
        JSON.stringify({
          prompts: counts.prompts,
          kept: counts.kept,
          mean_best_score: counts.meanBestScore,
          mean_score: counts.meanScore,
          pass_rate: counts.passRate,
          out,
          ...(inserted ? { demonstrations: inserted.demonstrations, into: inserted.projectId } : {}),
        }),
      );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
