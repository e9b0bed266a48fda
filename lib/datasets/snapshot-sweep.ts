// Temp folders of snapshots being written, and the sweep that removes those nobody writes any more.
//
// A snapshot is written under `<project's snapshots>/.tmp-<name>-<writer>-<random>` and renamed
// into place when whole (snapshot.ts). The writer is `job<id>` (the `snapshot` job) or `pid<pid>`
// (a request or the CLI writing in its own process). A writer that ends normally — done, failed or
// cancelled — removes its folder itself; one killed midway (SIGKILL past the cancel's grace period,
// a crash, a power cut) leaves it. The sweep removes a folder whose writer is gone: a job that is
// not running, a process that no longer exists. The `snapshot` job sweeps its project before it
// writes (so its own rerun clears what its killed attempt left), and so does the snapshots route.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectSnapshotsDir } from "./snapshot-store";

/** Who writes a snapshot's temp folder. */
export type SnapshotWriter = { job: number } | { pid: number };

const TEMP_PATTERN = /^\.tmp-(.+)-(job|pid)(\d+)-([0-9a-f]{8})$/;

/** The temp folder name for snapshot `name` written by `writer` (`random`: 8 hex digits). */
export function snapshotTempName(name: string, writer: SnapshotWriter, random: string): string {
  return `.tmp-${name}-${"job" in writer ? `job${writer.job}` : `pid${writer.pid}`}-${random}`;
}

/** The snapshot name and writer a temp folder name carries, or undefined for any other name. */
export function parseSnapshotTempName(folder: string): { name: string; writer: SnapshotWriter } | undefined {
  const m = TEMP_PATTERN.exec(folder);
  if (!m) return undefined;
  const id = Number(m[3]);
  return { name: m[1], writer: m[2] === "job" ? { job: id } : { pid: id } };
}

/** True while a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a temp folder's writer may still be writing it: a job that is running (`jobStatus` reads
 * its row), a process that exists. `except`: a job whose folders are stale whatever its status
 * (the job itself, rerun after its killed attempt).
 */
export function snapshotWriterLive(writer: SnapshotWriter, jobStatus: (id: number) => string | undefined, except?: number): boolean {
  if ("job" in writer) return writer.job !== except && jobStatus(writer.job) === "running";
  return processAlive(writer.pid);
}

/** Removes the temp folders of project `projectId`'s snapshots whose writer is not live; returns their names. */
export function sweepSnapshotTemps(dataDir: string, projectId: number, live: (writer: SnapshotWriter) => boolean): string[] {
  const root = projectSnapshotsDir(dataDir, projectId);
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const temp = parseSnapshotTempName(entry.name);
    if (!temp || live(temp.writer)) continue;
    rmSync(join(/*turbopackIgnore: true*/ root, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
