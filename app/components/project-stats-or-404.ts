import { notFound } from "next/navigation";
import { parseId } from "@/lib/http";
import type { ProjectStats } from "@/lib/labeling/project-stats";
import type { Project } from "@/lib/projects";
import type { ServedStatistic } from "@/lib/stats/served-statistic";
import { servedProjectStats } from "./served-statistics";

/**
 * The project a `[id]` path segment names with its statistics as served (computed for a small
 * project, else from the cache: `served.value` is undefined while a large project's first
 * computation runs), or the 404 page.
 */
export function projectStatsOr404(rawId: string): { project: Project; served: ServedStatistic<ProjectStats> } {
  const id = parseId(rawId);
  const found = id === undefined ? undefined : servedProjectStats(id);
  if (!found) notFound();
  return found;
}
