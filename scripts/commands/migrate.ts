import { databasePath, openDb } from "../../db/client";
import { parseFlags, type Command } from "../cli";

export const command: Command = {
  name: "migrate",
  summary: "Create or upgrade the database schema ($PALATE_DB)",
  usage: `Usage: palate migrate

Applies the committed migrations (db/migrations) to $PALATE_DB (default ./data/palate.db).`,
  async run(argv) {
    parseFlags(argv, {});
    const path = databasePath();
    openDb(path).$client.close();
    console.log(`Database ${path} is up to date.`);
    return 0;
  },
};
