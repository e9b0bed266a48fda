// GET /api/projects/[id]/stats: progress, per-annotator counts and agreement (admin, researcher).
// A small project's figures are computed for the request; a large one's come from the cache of
// statistics (lib/stats/served-statistic.ts) that a `project-stats` job keeps current (computed
// here once when nothing is cached yet). Beside the figures: `computedAt` and `checkedAt` (ms since
// the epoch), `freshness` ("current", "refreshing", "stale") and `refreshJobId`.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { notFound, parseId, route } from "@/lib/http";
import { servedProjectStats, statisticReady } from "@/app/components/served-statistics";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";

export const dynamic = "force-dynamic";

export const GET = route(async (_request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  if (id !== undefined) await statisticReady(id, projectStatsStatistic);
  const found = id === undefined ? undefined : servedProjectStats(id, { computeWhenMissing: true });
  if (!found?.served.value) return notFound("no such project");
  const { value, computedAt, checkedAt, freshness, jobId } = found.served;
  return Response.json({ ...value, computedAt, checkedAt, freshness, refreshJobId: jobId });
});
