import { existsSync, statSync } from "node:fs";
import { databasePath, openDb } from "../../db/client";
import { importFile, MAX_REPORTED_ERRORS } from "../../lib/datasets/import";
import { ALL_IMPORT_FORMATS, isPromptFormat } from "../../lib/datasets/prompt-formats";
import { importPromptFile } from "../../lib/datasets/prompt-import";
import { SFT_FORMAT } from "../../lib/datasets/sft-format";
import { importSftFile } from "../../lib/datasets/sft-import";
import type { ImportFormat } from "../../lib/datasets/record";
import { CliError, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "import",
  summary:
    "Import prompts, completions and rankings (palate, trl, oasst, rankings, hh or openrlhf JSONL), or prompts with reference answers (gsm8k, qa), into a project",
  usage: `Usage: palate import --project NAME --format palate|trl|oasst|rankings|hh|openrlhf|gsm8k|qa|sft FILE

Imports a JSONL file into the project NAME of $PALATE_DB (default ./data/palate.db); the
project is created with default settings when it does not exist. All or nothing: when any
line is invalid, nothing is imported and every bad line is reported (the first ${MAX_REPORTED_ERRORS}
with their reason, then a count), and the command exits 1. Blank lines are ignored. The file is
staged in batches of short transactions and switched in by one transaction at the end, so a
running app stays responsive and never sees half an import.

Formats:
  palate  {"prompt": "..."} or {"messages": [{"role", "content"}, ...]}, plus
          "completions": ["...", ...] (at least 2; each a string or {text, model?, metadata?}),
          optional "id" and "metadata"
  trl     TRL preference rows {prompt, chosen, rejected}: strings, or conversational
          message lists (the prompt may be implicit in chosen/rejected). Each row becomes a
          task with two completions and an imported ranking chosen > rejected.
  oasst   Open-Assistant message trees (one tree per line). Each prompter message with two
          or more ranked assistant replies becomes a task with an imported ranking from the
          replies' "rank"; unranked and deleted replies are left out.
  rankings  what palate export --format rankings writes: one annotator's ranking per line,
          {prompt (string or messages), completions: [{id, text, model?}], groups (the ids,
          best first, ties sharing a group), annotator (a name)}, optional none_acceptable,
          comment, seconds_spent, created_at, flags. Lines with the same prompt and the same
          completion texts (in any order) are one task ranked by several annotators; one
          annotator ranking a task twice is an error naming both lines.
  hh      Anthropic HH-RLHF {chosen, rejected}, each a whole "\\n\\nHuman: … \\n\\nAssistant: …"
          transcript: what both share before their final Assistant turn is the prompt, the
          final Assistant turns the two completions, ranked chosen > rejected.
  openrlhf  OpenRLHF reward-dataset rows: chosen/rejected (or reject) as whole conversations,
          or with a prompt (or input) key; strings or message lists; an optional numeric margin
          (kept in the prompt's metadata). Read like trl rows.

Prompts with a reference answer and no completions (prompts without tasks: a generation job
samples completions for them, GRPO reads them with their references; metadata.reference):
  gsm8k   GSM8K rows {question, answer}: the reference is the final answer after "####", its
          commas removed; the whole worked answer is kept as metadata.solution. Optional "id".
  qa      {"prompt": "..."} or {"messages": [...]}, plus "answer" (the reference: a string or a
          number), optional "id" and "metadata".
  A line with the same prompt and reference as an earlier line, or as a prompt of the project,
  is skipped as a duplicate; the same prompt with another reference is an error.

Demonstrations (a project created by this import is in demonstration mode):
  sft     TRL's conversational SFT rows {"messages": [...]}: the last message is the assistant's
          answer, the ones before it the prompt; optional "id" and "metadata". Each line becomes
          a prompt, a task without completions and a submitted demonstration (review pending)
          by imported@palate.local. palate export --format sft writes this format.

Rankings that name no annotator belong to the disabled account imported@palate.local. Each
annotator a rankings file names is an imported identity of its own, imported+<slug>@palate.local
with the annotator's name (created on first import, reused by name after): disabled, no
password, refused at sign-in; their rankings count like anyone's.

  --project NAME   the project to import into (created when missing)
  --format FORMAT  palate, trl, oasst, rankings, hh, openrlhf, gsm8k, qa or sft`,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { project: { type: "string" }, format: { type: "string" } }, true);
    const project = required(values.project, "project");
    const format = required(values.format, "format");
    const formats = [...ALL_IMPORT_FORMATS, SFT_FORMAT];
    if (!formats.includes(format)) throw new CliError(`--format: expected one of ${formats.join(", ")}, got "${format}"`);
    if (positionals.length !== 1)
      throw new CliError(positionals.length === 0 ? "FILE is required (see palate import --help)" : `expected one FILE, got ${positionals.length}`);
    const file = positionals[0];
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file`);

    const db = openDb(databasePath());
    try {
      const sftReport = format === SFT_FORMAT ? importSftFile(db, file, { projectName: project }) : undefined;
      const promptReport = isPromptFormat(format) ? importPromptFile(db, file, format, { projectName: project }) : undefined;
      const result = sftReport ?? promptReport ?? importFile(db, file, format as ImportFormat, { projectName: project });
      if (result.invalidLines > 0) {
        for (const e of result.errors) console.error(`${file}:${e.line}: ${e.message}`);
        const more = result.invalidLines - result.errors.length;
        if (more > 0) console.error(`… and ${more} more invalid lines`);
        throw new CliError(
          `${result.invalidLines} invalid line${result.invalidLines === 1 ? "" : "s"} in ${file} (first: line ${result.errors[0].line}: ${result.errors[0].message}); nothing imported`,
        );
      }
      if (sftReport) console.log(`Imported ${sftReport.imported.demonstrations} demonstrations (each a prompt with a task) into "${project}".`);
      else if (promptReport)
        console.log(
          `Imported ${promptReport.imported.prompts} prompts with reference answers into "${project}" (${promptReport.duplicates} duplicate lines skipped).`,
        );
      else console.log(`Imported ${result.imported.tasks} tasks and ${result.imported.rankings} rankings into "${project}".`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
