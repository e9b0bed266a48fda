import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { parseId } from "@/lib/http";
import { getTaskDetail } from "@/lib/labeling/browse";
import { completionSnippet, lettersFor, type LetterScheme } from "@/lib/labeling/letters";
import { summarizeAnswers } from "@/lib/labeling/question-summary";
import { answersOf } from "@/lib/labeling/questions-store";
import { getProject } from "@/lib/projects";
import { taskGold } from "@/lib/quality/gold-store";
import { taskCompletionScores } from "@/lib/reward/scores";
import { CompletionText } from "./completion-text";
import { LettersToggle } from "./letters-toggle";
import { QuestionSummaryTable } from "@/app/components/question-summary-table";
import { RankingTable } from "./ranking-table";
import { GoldMarker } from "./gold-marker";

export const dynamic = "force-dynamic";

export default async function ResearchTaskPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ letters?: string | string[] }>;
}) {
  const { id: rawId } = await params;
  const letters: LetterScheme = (await searchParams).letters === "canonical" ? "canonical" : "annotator";
  const user = await requirePageRole(STAFF, `/research/tasks/${rawId}`);
  const id = parseId(rawId);
  const db = getDb();
  const task = id === undefined ? undefined : getTaskDetail(db, id);
  if (!task) notFound();
  const project = getProject(db, task.projectId);
  const scores = taskCompletionScores(db, task.id);
  // The page's own letters are canonical: completions in stored order (position 0 = A).
  const canonical = lettersFor(task.completions.map((c) => c.id));
  const letter = (completionId: number) => canonical.get(completionId) ?? `#${completionId}`;
  const questions = project?.qualityQuestions ?? [];
  const answers = answersOf(
    db,
    task.rankings.map((r) => r.id),
  );
  const perCompletion = summarizeAnswers(
    questions,
    [...answers].flatMap(([rankingId, list]) => list.map((a) => ({ ...a, rankingId, group: a.completionId }))),
  );
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/research" className="text-indigo-700 underline">
          Research
        </Link>{" "}
        /{" "}
        <Link href={`/research/projects/${task.projectId}`} className="text-indigo-700 underline">
          {project?.name ?? `project ${task.projectId}`}
        </Link>{" "}
        / task #{task.id}
      </p>
      <section className="flex flex-col gap-2" aria-label="Conversation">
        <h1 className="text-xl font-semibold">Task #{task.id}</h1>
        {task.messages.map((m, i) => (
          <div key={i} className="rounded border border-slate-200 bg-white p-3">
            <p className="text-xs font-medium uppercase text-slate-500">{m.role}</p>
            <CompletionText text={m.content} />
          </div>
        ))}
      </section>
      <GoldMarker
        projectId={task.projectId}
        taskId={task.id}
        completions={task.completions.map((c) => ({ id: c.id, letter: letter(c.id), snippet: completionSnippet(c.text) }))}
        gold={taskGold(db, task.id)}
        canEdit={user.role === "admin"}
      />
      <section className="flex flex-col gap-2" aria-label="Completions">
        <h2 className="text-lg font-medium">Completions</h2>
        <p className="text-xs text-slate-500">Letters here are canonical: the stored order. Each annotator saw the completions in their own shuffled order.</p>
        <div className="grid gap-3 md:grid-cols-2">
          {task.completions.map((c) => {
            const t = task.tallies.find((x) => x.completionId === c.id);
            return (
              <div key={c.id} className="rounded border border-slate-200 bg-white p-3" data-testid={`completion-${letter(c.id)}`}>
                <p className="text-xs text-slate-500">
                  <span className="font-semibold text-slate-800">{letter(c.id)}</span>
                  {c.model && <> · {c.model}</>}
                  {t && (
                    <>
                      {" "}
                      · won {t.wins} · lost {t.losses} · tied {t.ties}
                      {t.meanGroup !== null && <> · mean place {(t.meanGroup + 1).toFixed(2)}</>}
                    </>
                  )}
                </p>
                {(scores.get(c.id) ?? []).length > 0 && (
                  <p className="text-xs text-slate-600" data-testid="reward-scores">
                    {"Reward: "}
                    {(scores.get(c.id) ?? []).map((s, i) => (
                      <span key={s.modelId}>
                        {i > 0 && " · "}
                        <Link href={`/research/models/${s.modelId}`} className="underline">
                          {s.modelName}
                        </Link>
                        : <span className="font-mono">{s.score.toFixed(3)}</span>
                      </span>
                    ))}
                  </p>
                )}
                <CompletionText text={c.text} />
              </div>
            );
          })}
        </div>
      </section>
      {task.rankings.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Comparison counts">
          <h2 className="text-lg font-medium">Comparison counts</h2>
          <p className="text-xs text-slate-500">Each cell: how many rankings put the row&apos;s completion above the column&apos;s (canonical letters).</p>
          <table className="w-fit text-center text-sm" data-testid="head-to-head">
            <thead className="text-slate-500">
              <tr>
                <th className="px-2 py-1 text-left">above ↓ / below →</th>
                {task.completions.map((c) => (
                  <th key={c.id} className="px-3">
                    {letter(c.id)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {task.completions.map((row, i) => (
                <tr key={row.id} className="border-t border-slate-100">
                  <th className="px-2 py-1 text-left">{letter(row.id)}</th>
                  {task.completions.map((col, j) => (
                    <td key={col.id} className={`px-3 ${i === j ? "text-slate-300" : ""}`}>
                      {i === j ? "·" : task.headToHead[i][j]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {questions.length > 0 && (
        <section className="flex flex-col gap-2" aria-label="Quality labels">
          <h2 className="text-lg font-medium">Quality labels</h2>
          <p className="text-xs text-slate-500">
            The annotators&apos; answers per completion (canonical letters): a rating&apos;s mean ± sd (n), a tag&apos;s count out of the rankings that judged
            the completion.
          </p>
          <QuestionSummaryTable
            questions={questions}
            rows={task.completions.map((c) => ({ key: c.id, label: `${letter(c.id)}${c.model ? ` · ${c.model}` : ""}`, summaries: perCompletion.get(c.id) }))}
            groupHeader="Completion"
            testId="quality-labels-by-completion"
          />
        </section>
      )}
      <section className="flex flex-col gap-2" aria-label="Rankings">
        <h2 className="text-lg font-medium">
          Rankings ({task.rankings.length}) · {task.comparisons} comparisons
        </h2>
        <LettersToggle taskId={task.id} letters={letters} />
        <RankingTable rankings={task.rankings} completions={task.completions} letters={letters} answers={answers} questions={questions} />
      </section>
    </div>
  );
}
