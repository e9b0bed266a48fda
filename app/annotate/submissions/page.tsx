// The annotator's own work, newest first (never anyone else's): each ranking in the letters they
// saw (their shuffled display order), with the completions they flagged named by letter and
// snippet, a link to change it while the task is open, and the tasks they skipped with reasons.
import Link from "next/link";
import { getDb } from "@/db/client";
import { ANNOTATOR } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listSkips, listSubmissions } from "@/lib/labeling/queue";
import { SkipList } from "./skip-list";
import { SubmissionCard } from "./submission-card";

export const dynamic = "force-dynamic";

export default async function SubmissionsPage() {
  const user = await requirePageRole(ANNOTATOR, "/annotate/submissions");
  const db = getDb();
  const submissions = listSubmissions(db, user.id);
  const skips = listSkips(db, user.id);
  return (
    <div className="mx-auto max-w-4xl">
      <Link href="/annotate" className="text-xs font-medium text-indigo-700 hover:underline">
        ← My queue
      </Link>
      <h1 className="mb-1 text-2xl font-semibold">My submissions</h1>
      <p className="mb-6 text-sm text-slate-600">
        {submissions.length === 0
          ? "You have not ranked anything yet."
          : `${submissions.length} ranking${submissions.length === 1 ? "" : "s"}, newest first. Letters are the ones you saw when ranking.`}
      </p>
      <ul className="flex flex-col gap-4" data-testid="submissions">
        {submissions.map((s) => (
          <SubmissionCard key={s.rankingId} submission={s} />
        ))}
      </ul>
      <SkipList skips={skips} />
    </div>
  );
}
