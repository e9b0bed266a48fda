// The tasks the annotator skipped, newest first, each with the reason they gave.
import type { SkipSummary } from "@/lib/labeling/queue";

export function SkipList({ skips }: { skips: SkipSummary[] }) {
  return (
    <section className="mt-8" aria-label="Skipped tasks">
      <h2 className="mb-1 text-lg font-semibold">Skipped</h2>
      <p className="mb-3 text-sm text-slate-600">
        {skips.length === 0
          ? "You have not skipped any task."
          : `${skips.length} task${skips.length === 1 ? "" : "s"} skipped; they are not offered to you again.`}
      </p>
      <ul className="flex flex-col gap-2" data-testid="skips">
        {skips.map((s) => (
          <li key={s.assignmentId} className="rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="skip" data-task-id={s.taskId}>
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500">
              <span>
                {s.projectName} · task {s.taskId}
              </span>
              {s.skippedAt !== null && <span>{new Date(s.skippedAt).toISOString().replace("T", " ").slice(0, 16)} UTC</span>}
            </div>
            <p className="mt-1 text-slate-900">{s.prompt}</p>
            <p className="mt-1 text-xs text-slate-600" data-testid="skip-reason">
              Reason: {s.reason ?? "—"}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
