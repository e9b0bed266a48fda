// SQLITE_BUSY on the job side: another process (a backup, a long import, a CLI job, the web
// server) held the write lock for longer than the connection's busy_timeout. That is an
// interruption, not a fault of the job: the runner waits and resumes the job from its
// checkpoint, and the job's own bookkeeping writes (progress, heartbeat, events) retry briefly
// instead of failing the job.
import { isSqliteBusy } from "../../db/client";

/** better-sqlite3's SqliteError codes for a lock that was not released in time (the same test as the web's 503). */
export const isBusyError = isSqliteBusy;

/** The error's SQLite code, for messages (`SQLITE_BUSY`, `SQLITE_BUSY_SNAPSHOT`, …). */
export function busyCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "SQLITE_BUSY";
}

/** How long to wait before resume number `n` (1, 2, …): doubling from `baseMs`, capped, with ±20% jitter. */
export function busyBackoffMs(n: number, baseMs = 500, capMs = 15_000): number {
  const plain = Math.min(capMs, baseMs * 2 ** (n - 1));
  return Math.round(plain * (0.8 + 0.4 * Math.random()));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs a synchronous write, retrying it up to `tries` times in all when the database is busy
 * (each try already waits busy_timeout inside SQLite). Rethrows the last busy error, and any
 * other error at once.
 */
export function retryOnBusy<T>(write: () => T, tries = 3, pauseMs = 100): T {
  for (let i = 1; ; i++) {
    try {
      return write();
    } catch (err) {
      if (!isBusyError(err) || i >= tries) throw err;
      sleepSync(pauseMs * i);
    }
  }
}

/** Like retryOnBusy, but a write still busy after its tries is dropped (for advisory writes: progress, heartbeats). */
export function bestEffort(write: () => void, tries = 2): boolean {
  try {
    retryOnBusy(write, tries);
    return true;
  } catch (err) {
    if (isBusyError(err)) return false;
    throw err;
  }
}
