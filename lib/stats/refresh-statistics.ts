// Recomputing a project's cached statistics (what the `project-stats` job runs, and what a view
// runs when nothing is cached yet): the change stamp first (a change made while computing then
// shows as a new stamp at the next view), the project's fingerprint, and each statistic whose
// entry saw another fingerprint is computed again; one that saw the same data only has its
// stamp and check time moved.
import type { Db } from "../../db/client";
import { changeStamp, projectFingerprint } from "./change-stamp";
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
  const stamp = changeStamp(db, projectId);
  if (stamp === undefined) return outcome;
  const fingerprint = projectFingerprint(db, projectId);
  outcome.found = true;
  statistics.forEach((statistic, index) => {
    options.beforeEach?.(statistic, index);
    const old = readStatistic(options.dir, projectId, statistic.name);
    if (old && old.fingerprint === fingerprint) {
      writeStatistic(options.dir, { ...old, stamp, checkedAt: now() });
      outcome.unchanged.push(statistic.name);
      return;
    }
    // Read in one transaction, so that every figure of the value comes from the same data.
    const value = db.transaction(() => statistic.compute(db, projectId), { behavior: "deferred" });
    if (value === undefined) return;
    const t = now();
    const entry: CachedStatistic = { projectId, name: statistic.name, value, computedAt: t, checkedAt: t, fingerprint, stamp };
    writeStatistic(options.dir, entry);
    outcome.computed.push(statistic.name);
  });
  return outcome;
}
