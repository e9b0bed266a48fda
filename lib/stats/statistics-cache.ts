// A small file cache of computed statistics: one JSON file per (project, statistic name) under
// `<data folder>/stats/`, holding any JSON value with when it was computed and what data it saw.
// Writes go to a temp file renamed over the old one, so a reader sees the old entry or the new
// one, never half of one. Pure file I/O: what a statistic is and when to refresh it live in
// project-statistics.ts and served-statistic.ts.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { databasePath } from "../../db/client";

export interface CachedStatistic<T = unknown> {
  projectId: number;
  /** The statistic's name (`stats`, `agreement`, `leaderboard`, …). */
  name: string;
  value: T;
  /** When `value` was computed (ms since the epoch). */
  computedAt: number;
  /** When the data was last found unchanged since the value was computed (a check moves this, not computedAt). */
  checkedAt: number;
  /**
   * The project's change stamp (change-stamp.ts: its data version) the value was computed from:
   * equal to the current one means the project's data is unchanged since.
   */
  stamp: string;
}

/** Where cached statistics live: `$PALATE_DATA_DIR/stats`, else `stats/` beside the database. */
export function statisticsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(/*turbopackIgnore: true*/ env.PALATE_DATA_DIR ?? dirname(databasePath())), "stats");
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

function entryPath(dir: string, projectId: number, name: string): string {
  if (!Number.isSafeInteger(projectId) || projectId < 0) throw new Error(`bad project id ${projectId}`);
  if (!NAME.test(name)) throw new Error(`bad statistic name "${name}"`);
  return join(dir, `project-${projectId}`, `${name}.json`);
}

/** The cached entry, or undefined when there is none (or it cannot be read: it is then recomputed). */
export function readStatistic<T>(dir: string, projectId: number, name: string): CachedStatistic<T> | undefined {
  const path = entryPath(dir, projectId, name);
  let version: string;
  try {
    // Every write is a rename onto the path: a new inode, so (inode, size, mtime) names one version.
    const st = statSync(path);
    version = `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
  const memo = parsed.get(path);
  if (memo && memo.version === version) return memo.entry as CachedStatistic<T> | undefined;
  let entry: CachedStatistic<T> | undefined;
  try {
    const read = JSON.parse(readFileSync(path, "utf8")) as CachedStatistic<T>;
    // A file copied from another project's folder never answers for this one.
    entry = read.projectId === projectId && read.name === name ? read : undefined;
  } catch {
    return undefined;
  }
  parsed.delete(path);
  parsed.set(path, { version, entry });
  if (parsed.size > MEMO_ENTRIES) parsed.delete(parsed.keys().next().value!);
  return entry;
}

/**
 * The entries this process parsed last, by path (a large project's review candidates are
 * megabytes of JSON: parsed once per version, not on every view). Callers treat them as read-only.
 */
const parsed = new Map<string, { version: string; entry: CachedStatistic | undefined }>();
const MEMO_ENTRIES = 64;

let writes = 0;

/** Writes the entry atomically (temp file in the same folder, then rename). */
export function writeStatistic(dir: string, entry: CachedStatistic): void {
  const path = entryPath(dir, entry.projectId, entry.name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${++writes}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600 });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Drops every cached statistic of a project (e.g. when it is deleted). */
export function clearProjectStatistics(dir: string, projectId: number): void {
  rmSync(join(dir, `project-${projectId}`), { recursive: true, force: true });
}
