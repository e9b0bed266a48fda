import { databasePath, openDb } from "../../db/client";
import { ensureDefaultModel } from "../../lib/models/registry";
import { parseFlags, type Command } from "../cli";
import { buildIfNeeded, DEFAULT_HOST, serveUntilStopped, startApp, startWorker } from "../server";

export const command: Command = {
  name: "start",
  summary: "Migrate and serve the app in production mode (no demo data)",
  usage: `Usage: palate start [--port N] [--host H]

Applies migrations to $PALATE_DB, builds the app when its sources changed, and serves it
on $PORT (default 3000).

  --port N     port to serve on (default $PORT or 3000)
  --host H     interface to listen on (default ${DEFAULT_HOST}, this machine only; 0.0.0.0 for
               every interface, or put a reverse proxy in front and set PALATE_TRUST_PROXY=1)`,
  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: "string" }, host: { type: "string" } });
    const dbPath = databasePath();
    const db = openDb(dbPath);
    ensureDefaultModel(db);
    db.$client.close();
    buildIfNeeded();
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const host = values.host ?? DEFAULT_HOST;
    const app = await startApp({ dbPath, port, host });
    console.log(`Palate is running at ${app.url} (listening on ${host})`);
    await serveUntilStopped(app, startWorker({ dbPath }));
    return 0;
  },
};
