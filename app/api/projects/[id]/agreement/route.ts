// GET /api/projects/[id]/agreement (admin, researcher): agreement between the project's
// annotators, the report `palate agreement` prints (lib/quality/ranking-agreement.ts): α ordinal
// and interval, mean τ-b, each annotator against the rest, the annotator × annotator matrix,
// with 95% bootstrap intervals over tasks.
//
// Query parameters: bootstrap (resamples, default 1000, 0–10000), seed (default 0), wait (seconds,
// 0–60, default 0: at the default settings a large project's first computation answers 202
// {status: "computing", refreshJobId} with Retry-After; wait lets the request wait for it).
// Answers 400 {error, issues} naming a bad parameter, 401 signed out, 403 annotators, 404 no such project.
import { STAFF } from "@/lib/auth/roles";
import { authorize } from "@/lib/auth/session";
import { getDb } from "@/db/client";
import { notFound, parseId, parseQuery, route } from "@/lib/http";
import { agreementOptionsSchema } from "@/lib/quality/agreement-options";
import { projectAgreement } from "@/lib/quality/project-agreement";
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from "@/lib/quality/ranking-agreement";
import { agreementStatistic } from "@/lib/stats/project-statistics";
import { computingResponse, servedForRoute, waitQuery } from "@/app/components/served-statistics";

export const dynamic = "force-dynamic";

export const GET = route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await authorize(STAFF);
  if (user instanceof Response) return user;
  const id = parseId((await params).id);
  const parsed = parseQuery(request.url, agreementOptionsSchema.extend(waitQuery));
  if (parsed instanceof Response) return parsed;
  const { wait, ...options } = parsed;
  if (id === undefined) return notFound("no such project");
  // The default settings are what the quality page shows: served from the statistics cache for a
  // large project, with when they were computed.
  if (options.bootstrap === DEFAULT_RESAMPLES && options.seed === DEFAULT_SEED) {
    const served = await servedForRoute(id, agreementStatistic, wait);
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
  const report = projectAgreement(getDb(), id, { resamples: options.bootstrap, seed: options.seed });
  return report ? Response.json(report) : notFound("no such project");
});
