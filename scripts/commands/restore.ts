import { resolve } from "node:path";
import { databasePath } from "../../db/client";
import { BackupError, restoreDatabase } from "../../lib/backup";
import { CliError, parseFlags, type Command } from "../cli";

export const command: Command = {
  name: "restore",
  summary: "Replace the database with a backup (only while no server or worker has it open)",
  usage: `Usage: palate restore FILE

Replaces $PALATE_DB (default ./data/palate.db) with FILE, a backup made by \`palate backup\`.
Refuses when FILE is not a Palate database (no migrations table, a migration newer than this
version, or a failed SQLite quick check), and while any other process has the database open:
stop the server (\`palate start\`, \`palate demo\`), the worker and any CLI job first — a running
process would keep writing to the replaced file. The replacement is atomic (a temporary file
renamed over the database), and the database it replaces is kept beside it as
<database>.before-restore-<time>. The next start applies any newer migrations to the restored file.`,
  async run(argv) {
    const { positionals } = parseFlags(argv, {}, true);
    if (positionals.length !== 1)
      throw new CliError(positionals.length === 0 ? "FILE is required (see palate restore --help)" : `expected one FILE, got ${positionals.length}`);
    const file = resolve(positionals[0]);
    const target = databasePath();
    if (file === target) throw new CliError(`${file} is the database itself`);
    try {
      const { previous } = await restoreDatabase(file, target);
      console.log(`Restored ${target} from ${file}.${previous ? ` The replaced database is kept as ${previous}.` : ""}`);
      return 0;
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(err.message);
      throw err;
    }
  },
};
