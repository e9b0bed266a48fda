import { resolve } from "node:path";
import { databasePath } from "../../db/client";
import { backupDatabase, BackupError } from "../../lib/backup";
import { CliError, parseFlags, required, type Command } from "../cli";

export const command: Command = {
  name: "backup",
  summary: "Write a consistent copy of the database to a file (safe while the app runs)",
  usage: `Usage: palate backup --out FILE

Copies $PALATE_DB (default ./data/palate.db) to FILE with SQLite's online backup API: one
consistent snapshot, taken while the app, the worker and CLI jobs keep running (they are not
blocked). FILE must not exist; it is written under a temporary name and renamed when complete,
then checked (SQLite's quick check and the migrations table). Restore it with \`palate restore FILE\`.
Job artifacts (trained models, checkpoints) live in files beside the database and are not
part of the backup.

  --out FILE   where to write the backup (a new file)`,
  async run(argv) {
    const { values } = parseFlags(argv, { out: { type: "string" } });
    const out = resolve(required(values.out, "out"));
    const source = databasePath();
    try {
      const { bytes } = await backupDatabase(source, out);
      console.log(`Backed up ${source} to ${out} (${(bytes / 1024 / 1024).toFixed(1)} MB).`);
      return 0;
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(err.message);
      throw err;
    }
  },
};
