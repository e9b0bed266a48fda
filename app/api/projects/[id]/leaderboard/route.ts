// GET /api/projects/[id]/leaderboard: the models behind the project's completions as Bradley–Terry
// ratings on the Elo scale with 95% bootstrap intervals (admin, researcher). Query (optional):
// bootstrap (resamples, 0–1000, default 200), seed (default 0), wait (seconds, 0–60, default 0: a
// large project's first computation answers 202 {status: "computing"} with Retry-After at the
// default settings unless the request waits); a bad value answers 400 naming it.
import { z } from "zod";
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { DEFAULT_RESAMPLES } from "@/lib/quality/leaderboard";
import { leaderboardSettingsSchema, projectLeaderboard } from "@/lib/quality/project-leaderboard";
import { leaderboardStatistic } from "@/lib/stats/project-statistics";
import { computingResponse, servedForRoute, waitQuery } from "@/app/components/served-statistics";

export const dynamic = "force-dynamic";

/** Fewer resamples than the CLI allows: the web server refits every model once per resample. */
const querySchema = leaderboardSettingsSchema.extend({ bootstrap: z.coerce.number().int().min(0).max(1000).default(DEFAULT_RESAMPLES), ...waitQuery });

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const parsed = parseQuery(request.url, querySchema);
  if (parsed instanceof Response) return parsed;
  const { wait, ...settings } = parsed;
  if (id === undefined) return notFound("no such project");
  // The default settings are what the leaderboard page shows: served from the statistics cache for
  // a large project, with when they were computed.
  if (settings.bootstrap === DEFAULT_RESAMPLES && settings.seed === 0) {
    const served = await servedForRoute(id, leaderboardStatistic, wait);
    if (!served) return notFound("no such project");
    if (served.value === undefined) return computingResponse(served);
    return Response.json({
      ...served.value,
      computedAt: served.computedAt,
      checkedAt: served.checkedAt,
      freshness: served.freshness,
      refreshJobId: served.jobId,
    });
  }
  const board = projectLeaderboard(getDb(), id, settings);
  return board ? Response.json(board) : notFound("no such project");
});
