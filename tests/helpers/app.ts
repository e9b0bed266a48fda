// Test harness: a real SQLite file in a temp directory and the real app served over HTTP on a free port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb, type Connection } from "@/db/client";
import { DEMO_PASSWORD, seedDemo } from "@/lib/demo/seed";
import { AppClient } from "@/lib/simulate/client";
import { freePort, startApp, type AppServer } from "@/scripts/server";

export { freePort };

export { DEMO_PASSWORD };

/** A fresh database file in its own temp directory, migrated. */
export function tempDb(): { path: string; dir: string; db: Connection; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "palate-test-"));
  const path = join(dir, "palate.db");
  const db = openDb(path);
  return {
    path,
    dir,
    db,
    cleanup() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  url: string;
  dbPath: string;
  db: Connection;
  server: AppServer;
  stop(): Promise<void>;
}

/**
 * Starts the built app (`npm test` builds it first) on a temp database seeded with the demo
 * accounts and project, plus whatever `seed` adds.
 */
export async function startTestApp(seed?: (db: Connection) => void | Promise<void>): Promise<TestApp> {
  const temp = tempDb();
  await seedDemo(temp.db);
  if (seed) await seed(temp.db);
  const server = await startApp({ dbPath: temp.path, port: await freePort(), host: "127.0.0.1", quiet: true });
  return {
    url: server.url,
    dbPath: temp.path,
    db: temp.db,
    server,
    async stop() {
      await server.stop();
      temp.cleanup();
    },
  };
}

/** An HTTP client with a cookie jar, signed in through next-auth's credentials flow (lib/simulate/client.ts). */
export class Client extends AppClient {
  override signIn(email: string, password: string = DEMO_PASSWORD): Promise<this> {
    return super.signIn(email, password);
  }
}
