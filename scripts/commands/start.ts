import { databasePath, openDb } from "../../db/client";
import { ensureDefaultModel } from "../../lib/models/registry";
import { parseFlags, type Command } from "../cli";
import { buildIfNeeded, serveUntilStopped, startApp, startWorker } from "../server";

export const command: Command = {
  name: "start",
  summary: "Migrate and serve the app in production mode (no demo data)",
  usage: `Usage: palate start [--port N]

Applies migrations to $PALATE_DB, builds the app when its sources changed, and serves it
on $PORT (default 3000).`,
  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: "string" } });
    const dbPath = databasePath();
    const db = openDb(dbPath);
    ensureDefaultModel(db);
    db.$client.close();
    buildIfNeeded();
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const app = await startApp({ dbPath, port });
    console.log(`Palate is running at http://localhost:${port}`);
    await serveUntilStopped(app, startWorker({ dbPath }));
    return 0;
  },
};
