// One of the annotator's rankings: the order in their letters, what they flagged, and a link to
// change it while the task is open (or why it is final).
import Link from "next/link";
import type { SubmissionSummary } from "@/lib/labeling/queue";
import { orderInLetters } from "@/lib/labeling/letters";

const when = (ms: number) => `${new Date(ms).toISOString().replace("T", " ").slice(0, 16)} UTC`;

function rankLabel(groups: unknown[][], g: number): string {
  return `${g + 1}${groups[g].length > 1 ? "=" : ""}`;
}

export function SubmissionCard({ submission: s }: { submission: SubmissionSummary }) {
  const letters = new Map(s.groups.flat().map((c) => [c.completionId, c.letter]));
  const ids = s.groups.map((g) => g.map((c) => c.completionId));
  return (
    <li
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="submission"
      data-ranking-id={s.rankingId}
      data-task-id={s.taskId}
      data-editable={s.editable}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500">
        <span>
          {s.projectName} · task {s.taskId}
          {s.version > 1 && <> · version {s.version}</>}
        </span>
        <time dateTime={new Date(s.createdAt).toISOString()}>
          {when(s.createdAt)}
          {s.updatedAt !== null && <>, edited {when(s.updatedAt)}</>}
        </time>
      </div>
      <p className="mt-1 font-medium text-slate-900">{s.prompt}</p>
      <p className="mt-2 font-mono text-sm text-indigo-800" data-testid="submission-order">
        {orderInLetters(ids, letters)}
      </p>
      <ol className="mt-2 flex flex-col gap-1 text-sm">
        {s.groups.flatMap((group, g) =>
          group.map((c) => (
            <li key={c.completionId} className="flex gap-2">
              <span className="w-8 shrink-0 text-right font-semibold tabular-nums text-indigo-700">{rankLabel(s.groups, g)}</span>
              <span className="w-6 shrink-0 font-mono text-slate-500">{c.letter}</span>
              <span className="min-w-0 break-words text-slate-700">{c.preview}</span>
            </li>
          )),
        )}
      </ol>
      {s.flags.length > 0 && (
        <ul className="mt-3 flex flex-col gap-1 text-xs" data-testid="submission-flags">
          {s.flags.map((f) => (
            <li key={`${f.completionId}:${f.flag}`} className="text-amber-900" data-testid="submission-flag">
              <span className="rounded-full bg-amber-100 px-2 py-0.5 font-medium">{f.flag.replace("_", " ")}</span> {f.letter} “{f.snippet}”
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex flex-wrap items-center gap-2 text-xs">
        {s.noneAcceptable && <span className="rounded-full bg-rose-100 px-2 py-0.5 font-medium text-rose-800">none acceptable</span>}
        {s.secondsSpent !== null && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-600">{Math.round(s.secondsSpent)} s</span>}
        {s.comment && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-600">“{s.comment}”</span>}
        {s.editable ? (
          <Link href={`/annotate/${s.projectId}?task=${s.taskId}`} className="ml-auto font-medium text-indigo-700 underline" data-testid="edit-ranking">
            Edit ranking
          </Link>
        ) : (
          <span className="ml-auto text-slate-500" data-testid="ranking-final" title={s.reason}>
            Final: {s.reason}
          </span>
        )}
      </div>
    </li>
  );
}
