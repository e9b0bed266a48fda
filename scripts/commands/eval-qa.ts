import { existsSync } from "node:fs";
import { SingleBar } from "cli-progress";
import { evalQa, formatEvalTable } from "../../lib/default-model/eval-qa";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "eval-qa",
  summary: "Ask a model held-out questions in the chat template and score its answers",
  usage: `Usage: palate eval-qa --model DIR [--limit N] [--json]

Asks the questions of the default model's evaluation (capitals of every country;
continents, languages, currencies, definitions, arithmetic: an evenly spaced subset),
each fact once in a training template and once in a held-out template, in the chat
template, answered greedily. An answer is read out of any form ("Lima.", "Lima is the
capital of Peru.", a longer sentence), normalized (accents removed, lower case,
punctuation → spaces): for country facts, the country's echo of the question is taken out,
then the expected answer must appear as whole words and no other capital, continent,
language or currency may; for definitions, the gloss's first words; for arithmetic, the
number the answer states must be the result (lib/default-model/scoring.ts).

Prints a table, then as its LAST line one JSON object: {"model", "trainTemplates":
{category: {correct, total, accuracy}, ..., "overall"}, "heldOutTemplates": {...}}.

  --model DIR   a Palate model directory (required)
  --limit N     at most N facts per category
  --json        also print every answer as a JSON line before the summary`,
  async run(argv) {
    const { values } = parseFlags(argv, { model: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } });
    const model = required(values.model, "model");
    if (!existsSync(model)) throw new CliError(`--model: no such directory: ${model}`);
    const limit = values.limit === undefined ? undefined : numberFlag(values.limit, "limit", 0);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new CliError(`--limit: expected a positive integer, got "${values.limit}"`);
    const bar = new SingleBar({ format: "eval-qa |{bar}| {value}/{total} questions", hideCursor: true, stream: process.stderr });
    let started = false;
    try {
      const result = await evalQa(model, {
        limit,
        onProgress: (done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
      if (started) bar.stop();
      started = false;
      if (values.json) for (const a of result.answers) console.log(JSON.stringify(a));
      console.log(formatEvalTable([result.summary], ["model"]));
      console.log(JSON.stringify(result.summary));
      return 0;
    } finally {
      if (started) bar.stop();
    }
  },
};
