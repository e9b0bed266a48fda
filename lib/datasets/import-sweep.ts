// Clearing what imports left behind: staging tables of an import whose process is gone (a CLI
// import or a request that crashed while reading, a job that was cancelled or failed), and the
// rows of a chunked switch-in that will never be finished (its job ended without finishing it),
// which are deleted again so the import stays all or nothing. Stagings still in use, or whose job
// will resume, are left alone: `isLive` says which.
import type Database from "better-sqlite3";
import { ImportStaging } from "./import-staging";

export interface SweepReport {
  /** Staging names whose tables were dropped. */
  dropped: string[];
  /** Of those, the ones whose partly switched-in rows were deleted. */
  rolledBack: string[];
}

export function sweepImportStaging(sqlite: Database.Database, isLive: (name: string) => boolean, pause?: (heldMs: number) => void): SweepReport {
  const report: SweepReport = { dropped: [], rolledBack: [] };
  for (const name of ImportStaging.namesIn(sqlite)) {
    if (isLive(name)) continue;
    const staging = new ImportStaging(sqlite, name);
    const begun = staging.switchInState();
    if (begun) {
      staging.rollBackSwitchIn(begun, 2000, pause);
      report.rolledBack.push(name);
    } else {
      staging.drop();
    }
    report.dropped.push(name);
  }
  return report;
}

/**
 * Whether a staging name belongs to something that may still use it: `job_<id>` to a job that is
 * queued or running (`jobStatus` reads it), `<pid>_<hex>` (a CLI or in-request import) to a live process.
 */
export function stagingIsLive(name: string, jobStatus: (id: number) => string | undefined): boolean {
  const job = /^job_(\d+)$/.exec(name);
  if (job) {
    const status = jobStatus(Number(job[1]));
    return status === "queued" || status === "running";
  }
  const pid = /^(\d+)_[0-9a-f]+$/.exec(name);
  if (!pid) return true; // not a name imports make: leave it
  try {
    process.kill(Number(pid[1]), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
