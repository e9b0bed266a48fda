import { openDb, databasePath } from "../../db/client";
import { DEMO_PASSWORD, seedDemo } from "../../lib/demo/seed";
import { parseFlags, type Command } from "../cli";
import { buildIfNeeded, serveUntilStopped, startApp, startWorker } from "../server";

export const command: Command = {
  name: "demo",
  summary: "Migrate, seed the demo project and accounts (when empty), and serve the app",
  usage: `Usage: palate demo [--port N] [--no-serve]

Opens the database at $PALATE_DB (default ./data/palate.db), applies migrations, seeds the
demo accounts and a demo project when the database has no users, builds the app when its
sources changed, and serves it on $PORT (default 3000).

  --port N     port to serve on (default $PORT or 3000)
  --no-serve   only migrate and seed`,
  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: "string" }, "no-serve": { type: "boolean" } });
    const dbPath = databasePath();
    const db = openDb(dbPath);
    const result = await seedDemo(db);
    db.$client.close();
    console.log(result.seeded ? `Seeded ${dbPath}: project "${result.project}" with ${result.tasks} tasks.` : `Using ${dbPath} (already seeded).`);
    console.log(`Demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const a of result.accounts) console.log(`  ${a.email.padEnd(28)} ${a.role}`);
    if (values["no-serve"]) return 0;
    buildIfNeeded();
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const app = await startApp({ dbPath, port });
    console.log(`Palate is running at http://localhost:${port} — sign in at http://localhost:${port}/login`);
    await serveUntilStopped(app, startWorker({ dbPath }));
    return 0;
  },
};
