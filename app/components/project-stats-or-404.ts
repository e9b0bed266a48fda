import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { parseId } from "@/lib/http";
import { projectStats, type ProjectStats } from "@/lib/labeling/project-stats";

/** The stats of the project a `[id]` path segment names, or the 404 page. */
export function projectStatsOr404(rawId: string): ProjectStats {
  const id = parseId(rawId);
  const stats = id === undefined ? undefined : projectStats(getDb(), id);
  if (!stats) notFound();
  return stats;
}
