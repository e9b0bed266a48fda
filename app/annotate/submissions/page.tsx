// The annotator's own submissions, newest first (never anyone else's).
import Link from "next/link";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listSubmissions } from "@/lib/labeling/queue";

export const dynamic = "force-dynamic";

function rankLabel(groups: unknown[][], g: number): string {
  return `${g + 1}${groups[g].length > 1 ? "=" : ""}`;
}

export default async function SubmissionsPage() {
  const user = await requirePageRole(ANNOTATOR, "/annotate/submissions");
  const submissions = listSubmissions(getDb(), user.id);
  return (
    <div className="mx-auto max-w-4xl">
      <Link href="/annotate" className="text-xs font-medium text-indigo-700 hover:underline">
        ← My queue
      </Link>
      <h1 className="mb-1 text-2xl font-semibold">My submissions</h1>
      <p className="mb-6 text-sm text-slate-600">
        {submissions.length === 0 ? "You have not ranked anything yet." : `${submissions.length} ranking${submissions.length === 1 ? "" : "s"}, newest first.`}
      </p>
      <ul className="flex flex-col gap-4" data-testid="submissions">
        {submissions.map((s) => (
          <li key={s.rankingId} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="submission" data-ranking-id={s.rankingId} data-task-id={s.taskId}>
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500">
              <span>
                {s.projectName} · task {s.taskId}
              </span>
              <time dateTime={new Date(s.createdAt).toISOString()}>{new Date(s.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC</time>
            </div>
            <p className="mt-1 font-medium text-slate-900">{s.prompt}</p>
            <ol className="mt-3 flex flex-col gap-1 text-sm">
              {s.groups.flatMap((group, g) =>
                group.map((c) => (
                  <li key={c.completionId} className="flex gap-2">
                    <span className="w-8 shrink-0 text-right font-semibold tabular-nums text-indigo-700">{rankLabel(s.groups, g)}</span>
                    <span className="min-w-0 break-words text-slate-700">{c.preview}</span>
                  </li>
                )),
              )}
            </ol>
            <div className="mt-3 flex flex-wrap gap-2 text-xs">
              {s.noneAcceptable && <span className="rounded-full bg-rose-100 px-2 py-0.5 font-medium text-rose-800">none acceptable</span>}
              {s.flags > 0 && <span className="rounded-full bg-amber-100 px-2 py-0.5 font-medium text-amber-900">{s.flags} flag{s.flags === 1 ? "" : "s"}</span>}
              {s.secondsSpent !== null && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-600">{Math.round(s.secondsSpent)} s</span>}
              {s.comment && <span className="rounded-full bg-slate-100 px-2 py-0.5 text-slate-600">“{s.comment}”</span>}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
