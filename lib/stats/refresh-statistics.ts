// Recomputing a project's cached statistics (what the `project-stats` job runs, and what a view
// runs when nothing is cached yet). The project's change stamp (change-stamp.ts: its data
// version) is what an entry was computed from: a statistic whose entry holds the current stamp
// only has its check time moved; any other is computed again, reading the stamp in the same
// read transaction as the figures, so the stamp it is stored with is exactly the data it saw (a
// write landing meanwhile shows as a newer stamp at the next view).
import type { Db } from "../../db/client";
import { changeStamp, ensureProjectVersion, isUnversioned } from "./change-stamp";
import type { ProjectStatistic } from "./project-statistics";
import { readStatistic, writeStatistic, type CachedStatistic } from "./statistics-cache";

export interface RefreshOutcome {
  /** Names of the statistics computed again. */
  computed: string[];
  /** Names of those whose data had not changed (only checked). */
  unchanged: string[];
  /** False when the project does not exist (nothing written). */
  found: boolean;
}

/** Brings the cached `statistics` of a project up to date. `beforeEach` runs before each one (progress, cancellation). */
export function refreshStatistics(
  db: Db,
  projectId: number,
  statistics: readonly ProjectStatistic[],
  options: { dir: string; now?: () => number; beforeEach?: (statistic: ProjectStatistic, index: number) => void },
): RefreshOutcome {
  const now = options.now ?? Date.now;
  const outcome: RefreshOutcome = { computed: [], unchanged: [], found: false };
  let current = changeStamp(db, projectId);
  if (current === undefined) return outcome;
  if (isUnversioned(current)) {
    ensureProjectVersion(db, projectId);
    current = changeStamp(db, projectId);
    if (current === undefined) return outcome;
  }
  outcome.found = true;
  statistics.forEach((statistic, index) => {
    options.beforeEach?.(statistic, index);
    const old = readStatistic(options.dir, projectId, statistic.name);
    const stamp = changeStamp(db, projectId);
    if (stamp === undefined) return;
    if (old && old.stamp === stamp) {
      writeStatistic(options.dir, { ...old, checkedAt: now() });
      outcome.unchanged.push(statistic.name);
      return;
    }
    // Read in one transaction, so that every figure of the value and its stamp come from the same data.
    const read = db.transaction((tx) => ({ stamp: changeStamp(tx, projectId), value: statistic.compute(tx, projectId) }), { behavior: "deferred" });
    if (read.value === undefined || read.stamp === undefined) return;
    const t = now();
    const entry: CachedStatistic = { projectId, name: statistic.name, value: read.value, computedAt: t, checkedAt: t, stamp: read.stamp };
    writeStatistic(options.dir, entry);
    outcome.computed.push(statistic.name);
  });
  return outcome;
}
