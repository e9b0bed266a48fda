import { SingleBar } from "cli-progress";
import { databasePath, openDb } from "../../db/client";
import { DEFAULT_LICENSE } from "../../lib/datasets/dataset-card";
import { EXPORT_FORMATS } from "../../lib/datasets/export";
import {
  createSnapshot,
  EmptySnapshotError,
  snapshotFiltersSchema,
  snapshotRequestSchema,
  SnapshotExistsError,
  type SnapshotProgress,
} from "../../lib/datasets/snapshot";
import { progressMessage } from "../../lib/datasets/snapshot-job";
import { DEFAULT_TEST_SHARE } from "../../lib/datasets/snapshot-split";
import type { SnapshotManifest } from "../../lib/datasets/snapshot-manifest";
import { dataDir } from "../../lib/datasets/snapshot-store";
import { getProjectByName } from "../../lib/projects";
import { CliError, numberFlag, parseFlags, required, type Command } from "../cli";
import { configFlagHelp, configFlagOptions, configFromFlags, flagName } from "../config-flags";

const filterShape = snapshotFiltersSchema.shape;

export const command: Command = {
  name: "snapshot",
  summary: "Freeze a project's export (every format) as an immutable, hashed dataset release with a dataset card",
  usage: `Usage: palate snapshot --project NAME --name NAME [--test-share X] [--license ID] [filters]

Writes every export format (${EXPORT_FORMATS.join(", ")}) of project NAME's rankings, split
train/test by prompt, into <data dir>/snapshots/<project id>/<name>/ (the data dir is
$PALATE_DATA_DIR, else the folder of $PALATE_DB): <format>/train.jsonl and <format>/test.jsonl,
with the project's demonstrations as TRL conversational SFT rows (sft/: accepted by review;
sft-unreviewed/: submitted, not reviewed yet; rejected ones and drafts are left out),
snapshot.json (each file's rows, bytes and SHA-256, the filters, the content hash) and README.md
(a Hugging Face dataset card). The files are read-only and the folder appears whole or not at
all. A snapshot is never overwritten: a name already taken by other data fails (the same data
under that name is reported as existing). Progress goes to stderr: a bar on a terminal, else a
line per format written. The last line printed is JSON.

  --project NAME              the project
  --name NAME                 the snapshot's name: letters, digits, '.', '_', '-' (e.g. v1)
  --test-share X              share of prompts in the test split (default ${DEFAULT_TEST_SHARE}); a
                              prompt's side is fixed by the SHA-256 of its text
  --license ID                the card's license, a Hub id such as cc-by-4.0 (default ${DEFAULT_LICENSE})
Filters (the export's options, recorded in snapshot.json and the card):
${configFlagHelp(filterShape, snapshotFiltersSchema.parse({}))}`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      project: { type: "string" },
      name: { type: "string" },
      "test-share": { type: "string" },
      license: { type: "string" },
      ...configFlagOptions(filterShape),
    });
    const projectName = required(values.project, "project");
    const request = snapshotRequestSchema.safeParse({
      name: required(values.name, "name"),
      ...(values["test-share"] !== undefined ? { testShare: numberFlag(values["test-share"], "test-share", DEFAULT_TEST_SHARE) } : {}),
      ...(values.license !== undefined ? { license: values.license } : {}),
      ...configFromFlags(filterShape, values),
    });
    if (!request.success) {
      const issue = request.error.issues[0];
      throw new CliError(`--${flagName(String(issue.path[0] ?? ""))}: ${issue.message}`);
    }

    const db = openDb(databasePath());
    try {
      const project = getProjectByName(db, projectName);
      if (!project) throw new CliError(`--project: no project named "${projectName}"`);
      let result;
      const progress = progressPrinter();
      try {
        result = createSnapshot(db, project, request.data, dataDir(), new Date(), { onProgress: progress.update });
      } catch (err) {
        if (err instanceof SnapshotExistsError) throw new CliError(`--${err.message}`);
        if (err instanceof EmptySnapshotError) throw new CliError(err.message);
        throw err;
      } finally {
        progress.stop();
      }
      const { manifest, dir, status } = result;
      console.error(
        status === "created"
          ? `Snapshot ${manifest.name} of "${project.name}": ${manifest.files.length} files, ${manifest.stats.rankings} rankings, ${manifest.stats.pairs} pairs${demonstrationsNote(manifest)}, in ${dir}.`
          : `Snapshot ${manifest.name} of "${project.name}" already exists with the same data (${dir}).`,
      );
      console.log(
        JSON.stringify({
          status,
          snapshot: manifest.name,
          project: manifest.project.name,
          hash: manifest.hash,
          dir,
          files: manifest.files.map((f) => ({ path: f.path, rows: f.rows, sha256: f.sha256 })),
          rankings: manifest.stats.rankings,
          pairs: manifest.stats.pairs,
          ...(manifest.stats.demonstrations ? { demonstrations: manifest.stats.demonstrations } : {}),
        }),
      );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};

/**
 * Progress on stderr while the snapshot is written (synchronously, in this process): a bar redrawn
 * as rows go by on a terminal, else one line per format done (logs, pipes).
 */
/** ", 12 accepted and 3 unreviewed demonstrations" when the snapshot holds some. */
function demonstrationsNote(manifest: SnapshotManifest): string {
  const d = manifest.stats.demonstrations;
  return d ? `, ${d.accepted} accepted and ${d.unreviewed} unreviewed demonstrations` : "";
}

function progressPrinter(): { update(p: SnapshotProgress): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: "{bar} {percentage}% | {message}", hideCursor: true, stream: process.stderr, synchronousUpdate: true });
    let started = false;
    return {
      update(p) {
        if (!started) bar.start(100, 0, { message: "" });
        started = true;
        bar.update(Math.round(p.fraction * 100), { message: progressMessage(p) });
      },
      stop: () => started && bar.stop(),
    };
  }
  let done = 0;
  return {
    update(p) {
      if (p.formatsDone === done) return;
      done = p.formatsDone;
      process.stderr.write(`${p.format}: ${p.rows.toLocaleString("en")} rows written (${done} of ${p.formats} formats, ${p.filesWritten} files)\n`);
    },
    stop() {},
  };
}
