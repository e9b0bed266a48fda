// After a bulk write into a project (every import: lib/datasets/import.ts), its cached
// statistics are queued for a refresh at once, so the first view after it finds them computed or being computed rather than
// starting the computation itself. Only for a project large enough that some statistic is
// served from the cache (served-statistic.ts): a small one is computed on each view anyway.
import type { Db } from "../../db/client";
import { PROJECT_STATISTICS, type ProjectStatistic } from "./project-statistics";
import { hasMoreTasksThan, requestRefresh, serveOptionsFromEnv } from "./served-statistic";

/**
 * Queues the project's statistics refresh when the project is past the smallest inline threshold
 * (PALATE_STATS_INLINE_MAX_TASKS when set, as for the views); the job's id, or null when none was
 * needed (or the database was too busy: the next view queues it).
 */
export function refreshAfterBulkWrite(
  db: Db,
  projectId: number,
  env: NodeJS.ProcessEnv = process.env,
  statistics: readonly ProjectStatistic[] = PROJECT_STATISTICS,
): number | null {
  const threshold = serveOptionsFromEnv(env).inlineMaxTasks ?? Math.min(...statistics.map((s) => s.inlineMaxTasks));
  return hasMoreTasksThan(db, projectId, threshold) ? requestRefresh(db, projectId) : null;
}
