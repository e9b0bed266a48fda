// A job's status as a coloured badge: queued, running, succeeded, failed, cancelled.
import type { JobStatus } from "@/db/schema";

const STYLE: Record<JobStatus, string> = {
  queued: "bg-slate-100 text-slate-700",
  running: "bg-sky-100 text-sky-800",
  succeeded: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-amber-100 text-amber-800",
};

export function JobStatusBadge({ status, cancelling = false }: { status: JobStatus; cancelling?: boolean }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${STYLE[status]}`} data-testid="job-status">
      {status}
      {cancelling && status === "running" ? " (cancelling)" : ""}
    </span>
  );
}

/** A job's progress (0–1) as a bar with its percentage. */
export function JobProgressBar({ progress, status }: { progress: number; status: JobStatus }) {
  const pct = Math.round(Math.min(1, Math.max(0, progress)) * 1000) / 10;
  const colour = status === "failed" ? "bg-red-500" : status === "cancelled" ? "bg-amber-400" : status === "succeeded" ? "bg-emerald-500" : "bg-sky-500";
  return (
    <div className="min-w-48" data-testid="job-progress">
      <div
        className="flex h-2 overflow-hidden rounded bg-slate-200"
        role="progressbar"
        aria-label="Job progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className={`${colour} transition-[width]`} style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600">{pct}%</p>
    </div>
  );
}

/** A time in UTC, the same on the server and in the browser. */
export function formatTime(ms: number | null): string {
  return ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
