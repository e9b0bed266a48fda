// Opens the SQLite database (WAL, foreign keys on) and applies the committed migrations.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

/** A database or a transaction on it: what lib/ functions take, so they compose inside transactions. */
export type Db = BaseSQLiteDatabase<"sync", Database.RunResult, typeof schema>;
/** An open database with its better-sqlite3 connection. */
export type Connection = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The database file: `PALATE_DB`, default `./data/palate.db`. */
export function databasePath(): string {
  return resolve(/*turbopackIgnore: true*/ process.env.PALATE_DB ?? "./data/palate.db");
}

function migrationsFolder(): string {
  // Beside this file when run from source (CLI, tests); the project root when bundled by Next.
  const here = import.meta.url.startsWith("file:") ? dirname(fileURLToPath(import.meta.url)) : null;
  const candidates = [here && join(/*turbopackIgnore: true*/ here, "migrations"), join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations")].filter(
    (d): d is string => d !== null,
  );
  const found = candidates.find((dir) => existsSync(join(dir, "meta", "_journal.json")));
  if (!found) throw new Error(`db/migrations not found (looked in ${candidates.join(", ")})`);
  return found;
}

/** Opens (creating when missing) the database at `path` and brings its schema up to date. */
export function openDb(path: string = databasePath()): Connection {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema }) as Connection;
  migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}

const globalForDb = globalThis as unknown as { palateDb?: { path: string; db: Connection } };

/** The process-wide database of `PALATE_DB` (one connection per process). */
export function getDb(): Connection {
  const path = databasePath();
  if (globalForDb.palateDb?.path !== path) globalForDb.palateDb = { path, db: openDb(path) };
  return globalForDb.palateDb.db;
}
