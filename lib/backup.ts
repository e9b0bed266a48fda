// Backing up and restoring the database file.
//
// A backup uses SQLite's online backup API (better-sqlite3's `db.backup()`): it copies the pages
// inside one read transaction, so it is a consistent snapshot even while the app and the worker
// write (in WAL mode a reader blocks no writer). It is written beside its destination under a
// temporary name and renamed when complete, so a half-written backup never has the final name.
//
// A restore replaces the database file only when no other process has it open (a server or a
// worker would keep writing through its own WAL into the replaced file), only from a file that
// is a Palate database (it has drizzle's migrations table, no migration this code does not
// know, and passes SQLite's quick check), atomically (temp file + rename), and keeps a copy of
// the database it replaced.
import { existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export class BackupError extends Error {}

const MIGRATIONS_TABLE = "__drizzle_migrations";

/** How many migrations this code ships (db/migrations/meta/_journal.json). */
export function knownMigrations(): number {
  const journal = join(dirname(fileURLToPath(import.meta.url)), "..", "db", "migrations", "meta", "_journal.json");
  return (JSON.parse(readFileSync(journal, "utf8")) as { entries: unknown[] }).entries.length;
}

function tempBeside(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${what}-${process.pid}-${Date.now()}`);
}

/** Copies everything remaining in one step: a step is one read transaction, so the copy is one snapshot even while others write. */
async function copyDatabase(source: Database.Database, out: string): Promise<{ pages: number }> {
  const tmp = tempBeside(out, "partial");
  try {
    const { totalPages } = await source.backup(tmp, { progress: () => 0x7fffffff });
    renameSync(tmp, out);
    return { pages: totalPages };
  } finally {
    rmSync(tmp, { force: true });
  }
}

export interface BackupResult {
  out: string;
  pages: number;
  bytes: number;
}

/** Writes a consistent copy of the database at `source` to `out` (which must not exist). Safe while the app runs. */
export async function backupDatabase(source: string, out: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new BackupError(`${source}: no such database`);
  if (existsSync(out)) throw new BackupError(`${out} already exists; choose a new file`);
  if (!existsSync(dirname(out))) throw new BackupError(`${dirname(out)}: no such folder`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const { pages } = await copyDatabase(db, out);
    inspectPalateDatabase(out);
    return { out, pages, bytes: statSync(out).size };
  } finally {
    db.close();
  }
}

/** Checks that `path` is a readable, intact Palate database; returns how many migrations it has. */
export function inspectPalateDatabase(path: string): { migrations: number } {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BackupError(`${path}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${path}: cannot be opened as a SQLite database (${(err as Error).message})`);
  }
  try {
    let hasTable: boolean;
    try {
      hasTable = db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(MIGRATIONS_TABLE) !== undefined;
    } catch (err) {
      throw new BackupError(`${path}: not a SQLite database (${(err as Error).message})`);
    }
    if (!hasTable) throw new BackupError(`${path}: not a Palate database (no ${MIGRATIONS_TABLE} table)`);
    const migrations = db.prepare(`select count(*) from ${MIGRATIONS_TABLE}`).pluck().get() as number;
    if (migrations === 0) throw new BackupError(`${path}: not a Palate database (no migration applied)`);
    const known = knownMigrations();
    if (migrations > known) throw new BackupError(`${path}: made by a newer Palate (${migrations} migrations; this one knows ${known})`);
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new BackupError(`${path}: damaged (quick_check: ${String(check)})`);
    return { migrations };
  } finally {
    db.close();
  }
}

/**
 * Opens `path` so that no other process can have it open: exclusive locking mode, no busy wait.
 * Throws when another connection (a server, a worker, a CLI) holds it.
 */
function openExclusively(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 0");
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return db;
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith("SQLITE_BUSY"))
      throw new BackupError(`${path} is in use by another process (a running server, worker or CLI job): stop it, then restore`);
    throw err;
  }
}

export interface RestoreResult {
  /** Where the database that was replaced was kept (absent when there was none). */
  previous?: string;
  migrations: number;
}

/** Replaces the database at `target` with the Palate database `file`, keeping a copy of the one it replaces. */
export async function restoreDatabase(file: string, target: string, now: Date = new Date()): Promise<RestoreResult> {
  const { migrations } = inspectPalateDatabase(file);
  if (!existsSync(dirname(target))) throw new BackupError(`${dirname(target)}: no such folder`);
  let previous: string | undefined;
  const current = existsSync(target) ? openExclusively(target) : null;
  try {
    // The incoming file, copied beside the target (the same file system, so the rename is atomic).
    const incoming = tempBeside(target, "restore");
    const source = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await copyDatabase(source, incoming);
    } finally {
      source.close();
    }
    try {
      if (current) {
        previous = `${target}.before-restore-${now.toISOString().replace(/[:.]/g, "-")}`;
        await copyDatabase(current, previous);
        // Everything in the WAL is in the main file now and the WAL is empty, so no stale WAL
        // frame can be read back against the restored file.
        current.pragma("wal_checkpoint(TRUNCATE)");
        current.close();
      }
      renameSync(incoming, target);
      for (const suffix of ["-wal", "-shm"]) rmSync(target + suffix, { force: true });
    } finally {
      rmSync(incoming, { force: true });
    }
  } finally {
    if (current?.open) current.close();
  }
  return { previous, migrations };
}
