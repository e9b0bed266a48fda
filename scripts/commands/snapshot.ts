import { databasePath, openDb } from "../../db/client";
import { DEFAULT_LICENSE } from "../../lib/datasets/dataset-card";
import { EXPORT_FORMATS } from "../../lib/datasets/export";
import { createSnapshot, EmptySnapshotError, snapshotFiltersSchema, snapshotRequestSchema, SnapshotExistsError } from "../../lib/datasets/snapshot";
import { DEFAULT_TEST_SHARE } from "../../lib/datasets/snapshot-split";
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
snapshot.json (each file's rows, bytes and SHA-256, the filters, the content hash) and README.md
(a Hugging Face dataset card). The files are read-only and the folder appears whole or not at
all. A snapshot is never overwritten: a name already taken by other data fails (the same data
under that name is reported as existing). The last line printed is JSON.

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
      try {
        result = createSnapshot(db, project, request.data, dataDir());
      } catch (err) {
        if (err instanceof SnapshotExistsError) throw new CliError(`--${err.message}`);
        if (err instanceof EmptySnapshotError) throw new CliError(err.message);
        throw err;
      }
      const { manifest, dir, status } = result;
      console.error(
        status === "created"
          ? `Snapshot ${manifest.name} of "${project.name}": ${manifest.files.length} files, ${manifest.stats.rankings} rankings, ${manifest.stats.pairs} pairs, in ${dir}.`
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
        }),
      );
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
