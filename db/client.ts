// Opens the SQLite database (WAL, foreign keys on) and applies the committed migrations.
// The file is created owner-only (0600, and its folder 0700 when this creates it): it holds
// password hashes and endpoint keys. SQLite gives the -wal and -shm files the same mode.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
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

/** How long a connection waits for another process's write lock by default (CLI, worker, jobs). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** The web server's wait: short, so a held lock answers 503 (lib/http.ts `route`) instead of stalling every request. */
export const WEB_BUSY_TIMEOUT_MS = 1500;

/**
 * The busy_timeout for this process: `PALATE_BUSY_TIMEOUT_MS` when set (a whole number of ms),
 * else WEB_BUSY_TIMEOUT_MS inside the Next server (NEXT_RUNTIME is set there), else the default.
 */
export function busyTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.PALATE_BUSY_TIMEOUT_MS?.trim();
  if (raw && /^[0-9]{1,7}$/.test(raw)) return Number(raw);
  // Spelled out so Next's build inlines it in the server bundle.
  const inNextServer = env === process.env ? process.env.NEXT_RUNTIME : env.NEXT_RUNTIME;
  return inNextServer ? WEB_BUSY_TIMEOUT_MS : DEFAULT_BUSY_TIMEOUT_MS;
}

/** True for better-sqlite3's errors of a lock not released in time (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED…), also when wrapped as a cause. */
export function isSqliteBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))) return true;
  }
  return false;
}

/** Creates the database file owner-only when missing (its folder 0700 when created here); tightens an existing file of ours that others can read. */
function prepareFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) {
    closeSync(openSync(path, "a", 0o600));
    return;
  }
  const stat = statSync(path);
  if ((stat.mode & 0o077) !== 0 && typeof process.getuid === "function" && stat.uid === process.getuid()) chmodSync(path, stat.mode & 0o700);
}

export interface OpenDbOptions {
  /** How long to wait for another process's lock (ms); default busyTimeoutMs(). */
  busyTimeoutMs?: number;
}

/** Opens (creating when missing) the database at `path` and brings its schema up to date. */
export function openDb(path: string = databasePath(), options: OpenDbOptions = {}): Connection {
  if (path !== ":memory:" && !path.startsWith("file:")) prepareFile(path);
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? busyTimeoutMs()))}`);
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
