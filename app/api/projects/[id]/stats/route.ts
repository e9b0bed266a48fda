// GET /api/projects/[id]/stats: progress, per-annotator counts and agreement (admin, researcher).
// A small project's figures are computed for the request; a large one's come from the cache of
// statistics (lib/stats/served-statistic.ts) that a `project-stats` job keeps current. Beside the figures: `computedAt` and `checkedAt` (ms since the epoch), `freshness`
// ("current", "refreshing", "stale") and `refreshJobId`. While a large project's figures are
// computed for the first time: 202 {status: "computing", refreshJobId} with Retry-After, unless
// ?wait=SECONDS (at most 60) lets the request wait for them (computed here when no worker takes
// the job). `demonstrations` (lib/demonstrations/demonstration-stats.ts): counts by state and
// annotator, answer lengths and prompts covered, served the same way (null while a large project's
// are first computed).
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { z } from "zod";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { computingResponse, servedForRoute, waitQuery, withProjectRow } from "@/app/components/served-statistics";
import { demonstrationStatsStatistic, projectStatsStatistic } from "@/lib/stats/project-statistics";

export const dynamic = "force-dynamic";

const querySchema = z.object(waitQuery);

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const query = parseQuery(request.url, querySchema);
  if (query instanceof Response) return query;
  if (id === undefined) return notFound("no such project");
  const served = await servedForRoute(id, projectStatsStatistic, query.wait);
  // The project's row as it is now (name, settings), whatever the figures' age.
  const found = served && withProjectRow(id, served);
  if (!found) return notFound("no such project");
  if (found.served.value === undefined) return computingResponse(found.served);
  const { value, computedAt, checkedAt, freshness, jobId } = found.served;
  // Computed from the same data version as the figures above when both are current (one refresh job computes both).
  const demonstrations = (await servedForRoute(id, demonstrationStatsStatistic, query.wait))?.value ?? null;
  return Response.json({ ...value, demonstrations, computedAt, checkedAt, freshness, refreshJobId: jobId });
});
