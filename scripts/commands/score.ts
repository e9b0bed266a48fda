import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { databasePath, openDb } from "../../db/client";
import { parseImportLine } from "../../lib/datasets/import-formats";
import { fileLines } from "../../lib/datasets/lines";
import type { ChatMessage } from "../../lib/ml/tokenizer";
import { getModelByName, modelDir } from "../../lib/models/registry";
import { getProjectByName } from "../../lib/projects";
import { SCORE_JOB_KIND } from "../../lib/reward/job-params";
import { CliError, numberFlag, parseFlags, type Command } from "../cli";
import { runForegroundJob } from "../foreground-job";

/** A model given as a directory, or as a registered model's name. */
function resolveModelDir(model: string): string {
  const asPath = resolve(model);
  if (existsSync(join(asPath, "config.json")) && statSync(asPath).isDirectory()) return asPath;
  const db = openDb(databasePath());
  try {
    const row = getModelByName(db, model);
    if (!row) throw new CliError(`--model: "${model}" is neither a model directory nor a registered model`);
    if (row.kind !== "reward" || row.source !== "palate") throw new CliError(`--model: ${row.name} is not a reward model`);
    return modelDir(row);
  } finally {
    db.$client.close();
  }
}

interface PairRow {
  line: number;
  prompt: ChatMessage[];
  chosen: string;
  rejected: string;
}

/** The rows of a trl JSONL preference file; every malformed line is named. */
function readPairs(path: string): PairRow[] {
  if (!existsSync(path)) throw new CliError(`--pairs: ${path} does not exist`);
  const rows: PairRow[] = [];
  const errors: string[] = [];
  for (const line of fileLines(path)) {
    const parsed = parseImportLine("trl", line);
    if (parsed === null) continue;
    if ("error" in parsed) {
      errors.push(`line ${line.line}: ${parsed.error}`);
      continue;
    }
    for (const r of parsed.records) rows.push({ line: line.line, prompt: r.messages, chosen: r.completions[0].text, rejected: r.completions[1].text });
  }
  if (errors.length > 0) throw new CliError(`--pairs: ${path}: ${errors.slice(0, 5).join("; ")}${errors.length > 5 ? `; and ${errors.length - 5} more` : ""}`);
  if (rows.length === 0) throw new CliError(`--pairs: ${path} has no rows`);
  return rows;
}

export const command: Command = {
  name: "score",
  summary: "Score completions with a reward model: one, a trl preference file, or a whole project (a job)",
  usage: `Usage: palate score --model RM --prompt TEXT --completion TEXT [--completion TEXT …]
       palate score --model RM --pairs FILE [--batch-size 32]
       palate score --model RM_NAME --project NAME [--rescore]

RM is a reward-model directory (trained with train-rm) or a registered reward model's name.

  --prompt, --completion   print the reward of each completion of the prompt (one per line)
  --pairs FILE             score every row of a trl JSONL preference file (prompt, chosen,
                           rejected; string or conversational form) in batches; the last line
                           is JSON: {"rows", "accuracy" (share of rows where chosen scores
                           higher), "mean_margin" (mean of chosen − rejected), "ties"}
  --project NAME           score every completion of the project not yet scored by RM and
                           store the scores (a "score" job, run here; the app shows them
                           beside completions and lists disagreements); --rescore scores all
  --batch-size N           sequences per batch (default 32)`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: "string" },
      prompt: { type: "string" },
      completion: { type: "string", multiple: true },
      pairs: { type: "string" },
      project: { type: "string" },
      rescore: { type: "boolean" },
      "batch-size": { type: "string" },
    });
    if (values.model === undefined) throw new CliError("--model is required");
    const modes = [values.prompt !== undefined || values.completion !== undefined, values.pairs !== undefined, values.project !== undefined].filter(
      Boolean,
    ).length;
    if (modes !== 1) throw new CliError("give one of --prompt with --completion, --pairs FILE, or --project NAME");
    const batchSize = numberFlag(values["batch-size"], "batch-size", 32);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError(`--batch-size: expected a positive integer, got ${values["batch-size"]}`);

    if (values.project !== undefined) {
      const db = openDb(databasePath());
      try {
        const project = getProjectByName(db, values.project);
        if (!project) throw new CliError(`--project: no project named "${values.project}"`);
        const model = getModelByName(db, values.model);
        if (!model) throw new CliError(`--model: with --project, give a registered reward model's name; "${values.model}" is not registered`);
        if (model.kind !== "reward") throw new CliError(`--model: ${model.name} is not a reward model`);
        const done = await runForegroundJob(
          db,
          { kind: SCORE_JOB_KIND, params: { projectId: project.id, modelId: model.id, rescore: values.rescore === true }, projectId: project.id },
          (job) => console.log(`Job ${job.id}: scoring the completions of "${project.name}" with ${model.name}.`),
        );
        const result = done.result as { scored?: number } | null;
        console.log(`Job ${done.id} succeeded: ${result?.scored ?? 0} completions scored.`);
        return 0;
      } finally {
        db.$client.close();
      }
    }

    const dir = resolveModelDir(values.model);
    const rows = values.pairs !== undefined ? readPairs(values.pairs) : null;
    const { RewardScorer } = await import("../../lib/ml/rl/reward-scorer");
    const scorer = await RewardScorer.load(dir);
    try {
      if (rows === null) {
        if (values.prompt === undefined) throw new CliError("--prompt is required with --completion");
        if (!values.completion || values.completion.length === 0) throw new CliError("--completion is required with --prompt");
        const prompt: ChatMessage[] = [{ role: "user", content: values.prompt }];
        const scores = await scorer.score(
          values.completion.map((completion) => ({ prompt, completion })),
          { batchSize },
        );
        for (const s of scores) console.log(s.toFixed(6));
        return 0;
      }

      const bar = process.stderr.isTTY ? new SingleBar({ format: "score |{bar}| {value}/{total} pairs", hideCursor: true }) : null;
      bar?.start(rows.length, 0);
      let wins = 0;
      let ties = 0;
      let marginSum = 0;
      const chunk = Math.max(1, batchSize * 8);
      for (let start = 0; start < rows.length; start += chunk) {
        const part = rows.slice(start, start + chunk);
        const scores = await scorer.score(
          part.flatMap((r) => [
            { prompt: r.prompt, completion: r.chosen },
            { prompt: r.prompt, completion: r.rejected },
          ]),
          { batchSize },
        );
        part.forEach((_, i) => {
          const margin = scores[2 * i] - scores[2 * i + 1];
          marginSum += margin;
          if (margin > 0) wins++;
          else if (margin === 0) ties++;
        });
        bar?.update(Math.min(rows.length, start + chunk));
      }
      bar?.stop();
      const summary = { rows: rows.length, accuracy: wins / rows.length, mean_margin: marginSum / rows.length, ties };
      console.log(`${rows.length} pairs: chosen scores higher in ${(summary.accuracy * 100).toFixed(1)}%, mean margin ${summary.mean_margin.toFixed(4)}.`);
      console.log(JSON.stringify(summary));
      return 0;
    } finally {
      await scorer.release();
    }
  },
};
