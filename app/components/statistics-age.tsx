// When a page's statistics were computed: "computed 12 s ago", "refreshing" while a job brings
// them up to date, or "computing" while the first computation of a large project runs.
import Link from "next/link";
import type { ServedStatistic } from "@/lib/stats/served-statistic";

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** `linkJob`: link the refresh job to its page (/research/jobs, staff only); a reviewer sees its number. */
export function StatisticsAge({ served, linkJob = true }: { served: Omit<ServedStatistic<unknown>, "value">; linkJob?: boolean }) {
  const job =
    served.jobId === null ? null : !linkJob ? (
      <>job {served.jobId}</>
    ) : (
      <Link href={`/research/jobs/${served.jobId}`} className="text-indigo-700 underline">
        job {served.jobId}
      </Link>
    );
  return (
    <p className="text-xs text-slate-500" data-testid="statistics-age" data-freshness={served.freshness}>
      {served.computedAt === null ? (
        <>Computing the statistics of this project for the first time{job && <> ({job})</>}: reload in a moment.</>
      ) : (
        <>
          Statistics computed <time dateTime={new Date(served.computedAt).toISOString()}>{ago(served.servedAt - served.computedAt)}</time>
          {served.freshness === "refreshing" && <> · newer rankings came in, refreshing{job && <> ({job})</>}</>}
          {served.freshness === "stale" && <> · newer rankings came in, a refresh follows shortly</>}
          {served.freshness === "current" && served.checkedAt !== null && served.checkedAt - served.computedAt > 1000 && <> · still current</>}
        </>
      )}
    </p>
  );
}
