// A fingerprint of a whole database: every table's row count and a SHA-256 of its rows (in
// primary-key order), read through a read-only connection so a test can compare a database file
// before and after a request to the running app without touching it. Two snapshots are equal
// exactly when no table gained, lost or changed a row (sqlite_sequence included, so even a write
// that was rolled back after taking an id would show if the rollback were partial).
import { createHash } from "node:crypto";
import Database from "better-sqlite3";

export interface TableSnapshot {
  rows: number;
  sha256: string;
}

/** Table name → its snapshot, tables in name order. */
export type DbSnapshot = Record<string, TableSnapshot>;

/** Snapshots every table of an open connection (one read transaction, so the tables agree with each other). */
export function snapshotConnection(sqlite: Database.Database): DbSnapshot {
  const read = sqlite.transaction(() => {
    const tables = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string | null }[];
    const out: DbSnapshot = {};
    for (const { name, sql } of tables) {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const withoutRowid = /WITHOUT\s+ROWID/i.test(sql ?? "");
      // rowid order is the insertion/primary-key order; a WITHOUT ROWID table is read in its key order.
      const order = withoutRowid ? "" : " ORDER BY rowid";
      const hash = createHash("sha256");
      let rows = 0;
      for (const row of sqlite.prepare(`SELECT * FROM ${quoted}${order}`).raw().iterate()) {
        hash.update(
          JSON.stringify(row as unknown[], (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : Buffer.isBuffer(v) ? `blob:${v.toString("base64")}` : v)),
        );
        hash.update("\n");
        rows++;
      }
      out[name] = { rows, sha256: hash.digest("hex") };
    }
    return out;
  });
  return read.deferred();
}

/** Snapshots the database file at `path` through its own read-only connection (safe while the app runs on it). */
export function snapshotDb(path: string): DbSnapshot {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma("busy_timeout = 5000");
    return snapshotConnection(sqlite);
  } finally {
    sqlite.close();
  }
}

/** The tables whose rows differ between two snapshots (added and removed tables included), as readable lines. */
export function snapshotDiff(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: string[] = [];
  for (const name of names) {
    const a = before[name];
    const b = after[name];
    if (!a) out.push(`${name}: new table (${b.rows} rows)`);
    else if (!b) out.push(`${name}: table dropped (had ${a.rows} rows)`);
    else if (a.sha256 !== b.sha256) out.push(`${name}: ${a.rows} → ${b.rows} rows${a.rows === b.rows ? " (rows changed)" : ""}`);
  }
  return out;
}
