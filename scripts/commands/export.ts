import { once } from "node:events";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Writable } from "node:stream";
import { databasePath, openDb } from "../../db/client";
import { emptyExportMessage, exportRankingCounts } from "../../lib/datasets/empty-export";
import { EXPORT_FORMATS, exportJson, jsonlChunks, type ExportFormat, type ExportOptions } from "../../lib/datasets/export";
import { SFT_FORMAT } from "../../lib/datasets/sft-format";
import { emptySftMessage, sftCounts, sftJson } from "../../lib/datasets/sft-writer";
import { PAIR_MODES, type PairMode } from "../../lib/labeling/pairs";
import { tempPathFor } from "../../lib/ml/io/atomic-write";
import { getProjectByName } from "../../lib/projects";
import { rankingSelectionSchema } from "../../lib/quality/counted-rankings";
import { CliError, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "export",
  summary: "Export a project's rankings as a preference dataset (trl, trl-conversational, rankings, hh, openrlhf)",
  usage: `Usage: palate export --project NAME --format trl|trl-conversational|rankings|hh|openrlhf
                     [--pairs all|best-vs-rest|adjacent] [--include-none-acceptable]
                     [--rankings every|reviewed|aggregated] [--aggregate borda|kemeny]
                     [--include-paused] [--out FILE]
       palate export --project NAME --format sft [--only-accepted] [--out FILE]

Writes the rankings of project NAME in $PALATE_DB as JSONL, to stdout or to FILE (written to
a temp file and renamed, so FILE is never half-written). When there is nothing to write (no
rankings yet, all marked "none acceptable", or rankings that give no pair) it writes nothing,
says "no rankings to export" with the filters and why, and exits 1.

Formats:
  trl                 {prompt, chosen, rejected} strings, one row per pair. A prompt that is a
                      single user message is its text; a longer conversation is a transcript
                      "User: …\\n\\nAssistant: …\\n\\nUser: …\\n\\nAssistant:".
  trl-conversational  the same pairs with prompt = [{role, content}, …] and chosen/rejected =
                      [{role: "assistant", content}], as TRL documents.
  rankings            one line per ranking: prompt messages, completions (id, text, model),
                      ranked groups of completion ids, annotator id and name, flags,
                      none_acceptable, comment, seconds spent (palate import --format
                      rankings reads it back).
  hh                  Anthropic HH-RLHF {chosen, rejected}: each pair as two whole
                      "\\n\\nHuman: …\\n\\nAssistant: …" transcripts.
  openrlhf            OpenRLHF reward/DPO rows {chosen, rejected}, each the whole conversation
                      as messages ending with the completion (train with --apply_chat_template
                      --chosen_key chosen --rejected_key rejected, no --prompt_key).
  sft                 the project's demonstrations (not rankings) as TRL's conversational SFT
                      rows {"messages": [...prompt, {"role": "assistant", "content": answer}]},
                      one per submitted demonstration, those a reviewer rejected left out
                      (--only-accepted: only those a reviewer accepted). palate import
                      --format sft reads it back.
Every trl row carries prompt_id, task_id and ranking_id.

  --pairs MODE                 every format but rankings: all (every pair the order implies, default),
                               best-vs-rest (the top group against each lower one) or
                               adjacent (neighbouring groups); tied completions give no pair
  --include-none-acceptable    also export rankings marked "none acceptable"
  --rankings every|reviewed|aggregated
                               which rankings count: every annotator's (default), a task's
                               reviewed ranking where a reviewer set one (the others' elsewhere),
                               or one ranking per task aggregated by --aggregate
  --aggregate borda|kemeny     how --rankings aggregated combines a task's rankings (default borda)
  --include-paused             also export the rankings of annotators paused by their gold
                               accuracy (left out by default)
  --only-accepted              sft only: only demonstrations a reviewer accepted
  --out FILE                   write to FILE instead of stdout`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      format: { type: "string" },
      pairs: { type: "string" },
      "include-none-acceptable": { type: "boolean" },
      rankings: { type: "string" },
      aggregate: { type: "string" },
      "include-paused": { type: "boolean" },
      "only-accepted": { type: "boolean" },
      out: { type: "string" },
    });
    const projectName = required(values.project, "project");
    const format = required(values.format, "format");
    if (format === SFT_FORMAT) return exportSft(projectName, values);
    if (values["only-accepted"]) throw new CliError("--only-accepted applies to --format sft only");
    if (!(EXPORT_FORMATS as readonly string[]).includes(format))
      throw new CliError(`--format: expected one of ${[...EXPORT_FORMATS, SFT_FORMAT].join(", ")}, got "${format}"`);
    const pairs = values.pairs ?? "all";
    if (!(PAIR_MODES as readonly string[]).includes(pairs)) throw new CliError(`--pairs: expected one of ${PAIR_MODES.join(", ")}, got "${pairs}"`);
    if (format === "rankings" && values.pairs !== undefined) throw new CliError("--pairs applies to the pair formats only (rankings keeps the whole order)");
    const selection = rankingSelectionSchema.safeParse({
      ...(values.rankings !== undefined ? { rankings: values.rankings } : {}),
      ...(values.aggregate !== undefined ? { aggregate: values.aggregate } : {}),
      includePaused: values["include-paused"] ?? false,
    });
    if (!selection.success) {
      const issue = selection.error.issues[0];
      throw new CliError(`--${String(issue.path[0])}: ${issue.message}, got "${values[String(issue.path[0]) as "rankings" | "aggregate"]}"`);
    }

    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      const stats = { equalPairsSkipped: 0 };
      const options: ExportOptions = {
        format: format as ExportFormat,
        pairs: pairs as PairMode,
        includeNoneAcceptable: values["include-none-acceptable"] ?? false,
        ...selection.data,
      };
      const rest = exportJson(db, project.id, options, stats);
      // Nothing to write is an error, not an empty file (or an empty stdout that looks like success).
      const first = rest.next();
      if (first.done) throw new CliError(emptyExportMessage(project.name, options, exportRankingCounts(db, project.id), "flags"));
      const rows = (function* () {
        yield first.value;
        yield* rest;
      })();
      if (values.out === undefined) {
        try {
          await writeAll(process.stdout, rows);
        } catch (err) {
          // The reader went away (`palate export … | head`): stop quietly, like other filters.
          if ((err as NodeJS.ErrnoException).code !== "EPIPE") throw err;
        }
        return 0;
      }
      const out = resolve(values.out);
      await mkdir(dirname(out), { recursive: true });
      const tmp = tempPathFor(out);
      try {
        const written = await writeFileFrom(tmp, rows);
        await rename(tmp, out);
        const skipped = stats.equalPairsSkipped > 0 ? ` (${stats.equalPairsSkipped} pairs skipped: chosen and rejected texts equal)` : "";
        console.error(`Wrote ${written} rows to ${out}${skipped}.`);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return 0;
    } finally {
      db.$client.close();
    }
  },
};

/** palate export --format sft: the project's demonstrations (lib/datasets/sft-writer.ts); the ranking flags do not apply. */
async function exportSft(projectName: string, values: Record<string, string | boolean | undefined>): Promise<number> {
  for (const flag of ["pairs", "include-none-acceptable", "rankings", "aggregate", "include-paused"])
    if (values[flag] !== undefined) throw new CliError(`--${flag} applies to the ranking formats only, not to sft`);
  const db = openDb(databasePath());
  try {
    const project = getProjectByName(db, projectName);
    if (!project) throw new CliError(`--project: no project named "${projectName}"`);
    const options = { onlyAccepted: values["only-accepted"] === true };
    const rest = sftJson(db, project.id, options);
    const first = rest.next();
    if (first.done) throw new CliError(emptySftMessage(project.name, options, sftCounts(db, project.id)));
    const rows = (function* () {
      yield first.value;
      yield* rest;
    })();
    if (typeof values.out !== "string") {
      await writeAll(process.stdout, rows);
      return 0;
    }
    const out = resolve(values.out);
    await mkdir(dirname(out), { recursive: true });
    const tmp = tempPathFor(out);
    try {
      const written = await writeFileFrom(tmp, rows);
      await rename(tmp, out);
      console.error(`Wrote ${written} demonstrations to ${out}.`);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return 0;
  } finally {
    db.$client.close();
  }
}

/** Counts the rows as they pass. */
function counting(rows: Iterable<string>): { rows: Iterable<string>; count: () => number } {
  let n = 0;
  return {
    rows: (function* () {
      for (const row of rows) {
        n++;
        yield row;
      }
    })(),
    count: () => n,
  };
}

/** Writes the rows (JSON texts) as JSONL to a stream in 64 KiB chunks, waiting when the stream asks; resolves to the row count. */
async function writeAll(stream: Writable, rows: Iterable<string>): Promise<number> {
  const counted = counting(rows);
  let failed: Error | null = null;
  const onError = (err: Error) => (failed ??= err);
  stream.on("error", onError);
  for (const chunk of jsonlChunks(counted.rows, { chunkBytes: 65_536 })) {
    if (failed) throw failed;
    if (!stream.write(chunk)) await once(stream, "drain");
  }
  if (failed) throw failed;
  return counted.count();
}

/**
 * Writes the rows (JSON texts) as JSONL to a new file in 1 MiB chunks, one write in flight while
 * the next chunk is built: the write runs on libuv's thread pool, so on a machine with a core to
 * spare the export's wall time is the time to build the rows, not that plus the time to write
 * them (a few hundred MB for a large project). Two buffers in turn, one being written while the
 * other fills. Returns the row count.
 */
async function writeFileFrom(path: string, rows: Iterable<string>): Promise<number> {
  const counted = counting(rows);
  const file = await open(path, "w");
  try {
    let writing: Promise<void> = Promise.resolve();
    for (const chunk of jsonlChunks(counted.rows, { reuseBuffers: 2 })) {
      await writing;
      writing = writeWhole(file, chunk);
      // Awaited at the next chunk or at the end; this keeps a failed write from counting as unhandled meanwhile.
      writing.catch(() => {});
    }
    await writing;
  } finally {
    await file.close();
  }
  return counted.count();
}

async function writeWhole(file: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.length;) offset += (await file.write(chunk, offset, chunk.length - offset)).bytesWritten;
}
