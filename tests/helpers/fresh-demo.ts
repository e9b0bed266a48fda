// A fresh demo for browser tests: `palate demo --no-serve` (the user's path: migrate, seed the
// accounts and the demo project, sample its completions from the embedded default model) on an
// empty database in a temp directory, then the built app served on it.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Connection } from "@/db/client";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { getProjectByName } from "@/lib/projects";
import { freePort, projectRoot, startApp, type AppServer } from "@/scripts/server";

export interface FreshDemo {
  url: string;
  dbPath: string;
  db: Connection;
  projectId: number;
  /** What `palate demo --no-serve` printed. */
  seedOutput: string;
  stop(): Promise<void>;
}

/** Runs `palate demo --no-serve` on a new database; rejects with its output when it fails. */
function seedWithCli(dbPath: string, dataDir: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), "demo", "--no-serve"], {
      cwd: projectRoot,
      env: { ...process.env, PALATE_DB: dbPath, PALATE_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("error", fail);
    child.once("close", (status) => (status === 0 ? done(out) : fail(new Error(`palate demo --no-serve exited ${status}:\n${out}`))));
  });
}

/** A fresh demo database and the app serving it on a free port. */
export async function startFreshDemo(): Promise<FreshDemo> {
  const dir = mkdtempSync(join(tmpdir(), "palate-demo-"));
  const dbPath = join(dir, "palate.db");
  let server: AppServer | undefined;
  let db: Connection | undefined;
  try {
    const seedOutput = await seedWithCli(dbPath, dir);
    db = openDb(dbPath);
    const project = getProjectByName(db, DEMO_PROJECT);
    if (!project) throw new Error(`the demo did not create "${DEMO_PROJECT}":\n${seedOutput}`);
    server = await startApp({ dbPath, port: await freePort(), host: "127.0.0.1", quiet: true });
    const [app, conn] = [server, db];
    return {
      url: app.url,
      dbPath,
      db: conn,
      projectId: project.id,
      seedOutput,
      async stop() {
        await app.stop();
        conn.$client.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.stop();
    db?.$client.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
