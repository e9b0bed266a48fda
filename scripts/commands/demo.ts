import type { ChildProcess } from "node:child_process";
import { dirname } from "node:path";
import { openDb, databasePath } from "../../db/client";
import { generateDemoTasks } from "../../lib/demo/generate-demo-tasks";
import { DEMO_PASSWORD, demoTasks, seedDemo } from "../../lib/demo/seed";
import { DEFAULT_MODEL_PATH, ensureDefaultModel } from "../../lib/models/registry";
import { parseFlags, type Command } from "../cli";
import { buildIfNeeded, DEFAULT_HOST, serveUntilStopped, startApp, startWorker } from "../server";

export const command: Command = {
  name: "demo",
  summary: "Migrate, seed the demo project and accounts (when empty), and serve the app",
  usage: `Usage: palate demo [--port N] [--host H] [--no-serve]

Opens the database at $PALATE_DB (default ./data/palate.db), applies migrations, registers
the embedded default model (${DEFAULT_MODEL_PATH}), and — when the database has no users —
seeds the demo accounts and a demo project whose completions (K = 4 per prompt) are sampled
from the default model by a generation job. Then builds the app when its sources changed and
serves it, with a job worker, on $PORT (default 3000), reachable from this machine only.

  --port N     port to serve on (default $PORT or 3000)
  --host H     interface to listen on (default ${DEFAULT_HOST}; 0.0.0.0 opens the demo, whose
               accounts share a known password, to the network)
  --no-serve   only migrate and seed`,
  async run(argv) {
    const { values } = parseFlags(argv, { port: { type: "string" }, host: { type: "string" }, "no-serve": { type: "boolean" } });
    const dbPath = databasePath();
    const db = openDb(dbPath);
    const model = ensureDefaultModel(db);
    const result = await seedDemo(db, model ? [] : demoTasks());
    if (result.seeded && result.project) {
      if (model) {
        const started = Date.now();
        const tasks = await generateDemoTasks(db, result.project, model, process.env.PALATE_DATA_DIR ?? dirname(dbPath));
        console.log(
          `Seeded ${dbPath}: project "${result.project.name}" with ${tasks} tasks sampled from ${model.name} in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        );
      } else {
        console.log(`Seeded ${dbPath}: project "${result.project.name}" with ${result.tasks} fixed tasks (${DEFAULT_MODEL_PATH} is missing).`);
      }
    } else {
      console.log(`Using ${dbPath} (already seeded).`);
    }
    db.$client.close();
    console.log(`Demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const line of accountLines(result.accounts)) console.log(line);
    if (values["no-serve"]) return 0;
    buildIfNeeded();
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const worker = startWorker({ dbPath, pipeStdout: true });
    let app;
    try {
      [app] = await Promise.all([startApp({ dbPath, port, host: values.host ?? DEFAULT_HOST }), workerReady(worker)]);
    } catch (err) {
      worker.kill("SIGTERM");
      throw err;
    }
    // Said again once the app listens: the build's output has pushed the first list off screen.
    const url = app.url;
    console.log("");
    console.log(`Palate is running at ${url} (listening on ${values.host ?? DEFAULT_HOST}; Ctrl+C stops it).`);
    console.log(`Sign in at ${url}/login with a demo account, password "${DEMO_PASSWORD}":`);
    for (const line of accountLines(result.accounts)) console.log(line);
    await serveUntilStopped(app, worker);
    return 0;
  },
};

function accountLines(accounts: readonly { email: string; role: string }[]): string[] {
  return accounts.map((a) => `  ${a.email.padEnd(28)} ${a.role}`);
}

/**
 * Passes the worker's output through and resolves once it says it is ready (or exits, or after
 * 60 s), so that the closing message comes after the worker's "ready" line, not before it.
 */
function workerReady(worker: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    let seen = "";
    let ready = false;
    const finish = () => {
      ready = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(finish, 60_000);
    timer.unref();
    worker.stdout?.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (ready) return;
      seen = (seen + chunk.toString("utf8")).slice(-4096);
      if (/\bready \(pid \d+/.test(seen)) finish();
    });
    worker.once("exit", finish);
  });
}
