// One task under review: the conversation, the completions (canonical letters A, B, … in stored
// order), every ranking side by side in the letters its annotator saw (with the legend to the
// canonical ones), the decisions so far, and the reviewer's form: the final ranking (starting
// from the Borda aggregate of the rankings, or the current final one) or a send-back.
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { REVIEWER } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getTaskDetail } from "@/lib/labeling/browse";
import { completionSnippet, lettersFor, orderInLetters } from "@/lib/labeling/letters";
import { answersOf } from "@/lib/labeling/questions-store";
import { bordaRanking } from "@/lib/quality/aggregate";
import { reviewSignals } from "@/lib/quality/review-rule";
import { reviewedRankingOf, reviewHistory, reviewTaskContext } from "@/lib/quality/review-store";
import { CompletionText } from "@/app/research/tasks/[id]/completion-text";
import { RankingTable } from "@/app/research/tasks/[id]/ranking-table";
import { ReviewForm } from "./review-form";

export const dynamic = "force-dynamic";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

export default async function ReviewTaskPage({ params }: { params: Promise<{ projectId: string; taskId: string }> }) {
  const raw = await params;
  await requirePageRole(REVIEWER, `/review/${raw.projectId}/${raw.taskId}`);
  const projectId = parseId(raw.projectId);
  const taskId = parseId(raw.taskId);
  const db = getDb();
  const context = projectId === undefined || taskId === undefined ? undefined : reviewTaskContext(db, projectId, taskId);
  const task = context && taskId !== undefined ? getTaskDetail(db, taskId) : undefined;
  if (!context || !task) notFound();
  const { project, required } = context;
  const canonical = lettersFor(task.completions.map((c) => c.id));
  const signals = reviewSignals(
    task.rankings.map((r) => ({ groups: r.groups, noneAcceptable: r.noneAcceptable, flags: r.flags.length })),
    project.reviewAgreementThreshold,
  );
  const reviewed = reviewedRankingOf(db, task.id);
  const history = reviewHistory(db, task.id);
  const start = reviewed?.groups ?? (task.rankings.length > 0 ? bordaRanking(task.rankings.map((r) => r.groups)) : task.completions.map((c) => [c.id]));
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/review" className="text-indigo-700 underline">
          Review
        </Link>{" "}
        /{" "}
        <Link href={`/review/${project.id}`} className="text-indigo-700 underline">
          {project.name}
        </Link>{" "}
        / task #{task.id}
      </p>
      <section className="flex flex-col gap-2" aria-label="Conversation">
        <h1 className="text-xl font-semibold">Review task #{task.id}</h1>
        <p className="text-sm text-slate-600" data-testid="review-signals">
          {signals.rankings} of {required} rankings · agreement {signals.agreement === null ? "—" : signals.agreement.toFixed(2)} (threshold{" "}
          {project.reviewAgreementThreshold}) · {signals.flagged} flagged · {signals.noneAcceptable} none acceptable
        </p>
        {task.messages.map((m, i) => (
          <div key={i} className="rounded border border-slate-200 bg-white p-3">
            <p className="text-xs font-medium uppercase text-slate-500">{m.role}</p>
            <CompletionText text={m.content} />
          </div>
        ))}
      </section>
      <section className="flex flex-col gap-2" aria-label="Completions">
        <h2 className="text-lg font-medium">Completions</h2>
        <p className="text-xs text-slate-500">
          Letters here are canonical (stored order); each ranking below is in the letters its annotator saw, with the legend.
        </p>
        <div className="grid gap-3 md:grid-cols-2">
          {task.completions.map((c) => (
            <div key={c.id} className="rounded border border-slate-200 bg-white p-3" data-testid={`completion-${canonical.get(c.id)}`}>
              <p className="text-xs font-semibold text-slate-800">{canonical.get(c.id)}</p>
              <CompletionText text={c.text} />
            </div>
          ))}
        </div>
      </section>
      <section className="flex flex-col gap-2" aria-label="Rankings">
        <h2 className="text-lg font-medium">Rankings ({task.rankings.length})</h2>
        <RankingTable
          rankings={task.rankings}
          completions={task.completions}
          letters="annotator"
          answers={answersOf(
            db,
            task.rankings.map((r) => r.id),
          )}
          questions={project.qualityQuestions}
        />
      </section>
      {history.length > 0 && (
        <section className="flex flex-col gap-1 text-sm" aria-label="Decisions" data-testid="review-history">
          <h2 className="text-lg font-medium">Decisions</h2>
          <ol className="list-decimal pl-5">
            {history.map((h) => (
              <li key={h.id}>
                {h.action === "final" ? (
                  <>
                    final ranking <span className="font-mono">{orderInLetters(h.groups ?? [], canonical)}</span>
                    {h.noneAcceptable && " · none acceptable"}
                  </>
                ) : (
                  <>
                    sent back for {h.addedRankings} more ranking{h.addedRankings === 1 ? "" : "s"}
                  </>
                )}{" "}
                by {h.reviewerEmail}, {when(h.createdAt)} UTC{h.comment && ` · “${h.comment}”`}
              </li>
            ))}
          </ol>
        </section>
      )}
      <ReviewForm
        projectId={project.id}
        taskId={task.id}
        completions={task.completions.map((c) => ({ id: c.id, letter: canonical.get(c.id)!, snippet: completionSnippet(c.text) }))}
        start={start}
        startNoneAcceptable={reviewed?.noneAcceptable ?? false}
        startsFrom={reviewed ? "the current final ranking" : task.rankings.length > 0 ? "the Borda aggregate of the rankings" : "the stored order"}
      />
    </div>
  );
}
