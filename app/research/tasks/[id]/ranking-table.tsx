// A task's rankings, each in the letters the researcher chose: as its annotator saw the
// completions (their assignment's shuffle; the default, so a flag names what the annotator
// flagged) or the page's canonical letters (stored order, as on the completion cards). Every
// row says which letters it uses; edited rankings list their earlier versions (the audit trail);
// answers to the project's per-completion questions follow each ranking, in the same letters.
import { Fragment } from "react";
import type { Flag } from "@/db/schema";
import type { TaskRankingView } from "@/lib/labeling/browse";
import type { CompletionAnswer, QualityQuestion } from "@/lib/labeling/questions";
import type { RankingRevision } from "@/lib/labeling/ranking-edit";
import { completionSnippet, letterAt, lettersFor, orderInLetters, type LetterScheme } from "@/lib/labeling/letters";
import { DataTable } from "@/app/components/data-table";
import { answerLine, RankingAnswers } from "./ranking-answers";

interface Props {
  rankings: TaskRankingView[];
  /** The task's completions in stored order (the canonical letters). */
  completions: { id: number; text: string }[];
  letters: LetterScheme;
  /** Each ranking's answers to the per-completion questions, by ranking id. */
  answers: ReadonlyMap<number, CompletionAnswer[]>;
  questions: readonly QualityQuestion[];
}

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

function flagList(flags: { completionId: number; flag: Flag }[], letters: Map<number, string>, texts: Map<number, string>): string {
  if (flags.length === 0) return "—";
  return flags
    .map((f) => `${letters.get(f.completionId) ?? `#${f.completionId}`} “${texts.get(f.completionId) ?? ""}”: ${f.flag.replace("_", " ")}`)
    .join("; ");
}

/** The row's letters and the note that says whose they are. */
function lettersOf(r: TaskRankingView, scheme: LetterScheme, canonical: number[]): { letters: Map<number, string>; note: string; legend: string | null } {
  if (scheme === "annotator" && r.seenLetters === "annotator") {
    const page = lettersFor(canonical);
    const legend = r.seenOrder.map((id, i) => `${letterAt(i)}=${page.get(id)}`).join(" ");
    return {
      letters: lettersFor(r.seenOrder),
      note: `letters as ${r.annotatorEmail} saw them`,
      legend,
    };
  }
  const note = r.seenLetters === "canonical" ? "canonical letters (imported: no display order)" : "canonical letters (the cards above)";
  return { letters: lettersFor(canonical), note, legend: null };
}

export function RankingTable({ rankings, completions, letters: scheme, answers, questions }: Props) {
  const canonical = completions.map((c) => c.id);
  const texts = new Map(completions.map((c) => [c.id, completionSnippet(c.text)]));
  return (
    <DataTable
      testId="rankings-table"
      headers={["Annotator", "Letters", "Order (best first)", "None acceptable", "Flags", "Comment", "Seconds", "Submitted (UTC)"]}
      isEmpty={rankings.length === 0}
      empty="No rankings yet."
    >
      {rankings.map((r) => {
        const { letters, note, legend } = lettersOf(r, scheme, canonical);
        return (
          <Fragment key={r.id}>
            <tr className="border-t border-slate-100 align-top" data-testid="ranking-row" data-annotator={r.annotatorEmail} data-ranking-id={r.id}>
              <td className="py-1 pr-3">
                {r.annotatorEmail}
                {r.source === "imported" && <span className="ml-1 text-slate-400">(imported)</span>}
                {r.version > 1 && (
                  <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-900" data-testid="ranking-version">
                    v{r.version}, edited
                  </span>
                )}
              </td>
              <td className="pr-3 text-xs text-slate-600" data-testid="ranking-letters">
                {note}
                {legend && (
                  <span className="block font-mono" title="their letter = the letter on the cards above">
                    {legend}
                  </span>
                )}
              </td>
              <td className="pr-3 font-mono" data-testid="ranking-order">
                {orderInLetters(r.groups, letters)}
              </td>
              <td className="pr-3">{r.noneAcceptable ? "yes" : "no"}</td>
              <td className="pr-3" data-testid="ranking-flags">
                {flagList(r.flags, letters, texts)}
              </td>
              <td className="max-w-xs whitespace-pre-wrap pr-3">{r.comment ?? "—"}</td>
              <td className="pr-3">{r.secondsSpent === null ? "—" : r.secondsSpent.toFixed(0)}</td>
              <td className="pr-3 text-slate-500">
                {when(r.createdAt)}
                {r.updatedAt !== null && <span className="block">edited {when(r.updatedAt)}</span>}
              </td>
            </tr>
            {(answers.get(r.id) ?? []).length > 0 && (
              <tr className="align-top" data-ranking-id={r.id}>
                <td colSpan={8} className="pb-2 pl-4">
                  <RankingAnswers answers={answers.get(r.id) ?? []} questions={questions} letters={letters} />
                </td>
              </tr>
            )}
            {r.revisions.length > 0 && (
              <tr className="align-top">
                <td colSpan={8} className="pb-2 pl-4">
                  <Revisions revisions={r.revisions} letters={letters} texts={texts} questions={questions} />
                </td>
              </tr>
            )}
          </Fragment>
        );
      })}
    </DataTable>
  );
}

/** The audit trail of an edited ranking: each earlier version in the row's letters. */
function Revisions({
  revisions,
  letters,
  texts,
  questions,
}: {
  revisions: RankingRevision[];
  letters: Map<number, string>;
  texts: Map<number, string>;
  questions: readonly QualityQuestion[];
}) {
  return (
    <details open className="text-xs text-slate-700" data-testid="ranking-revisions">
      <summary className="cursor-pointer text-indigo-700">Earlier versions ({revisions.length}), same letters</summary>
      <ol className="mt-1 flex flex-col gap-1">
        {revisions.map((v) => (
          <li key={v.version} data-testid="ranking-revision" data-version={v.version}>
            <span className="font-semibold">v{v.version}</span> <span className="font-mono">{orderInLetters(v.groups, letters)}</span>
            {v.noneAcceptable && " · none acceptable"}
            {v.flags.length > 0 && ` · flags: ${flagList(v.flags, letters, texts)}`}
            {v.answers.length > 0 && <span data-testid="revision-answers">{` · labels: ${answerLine(v.answers, questions, letters)}`}</span>}
            {v.comment && ` · “${v.comment}”`}
            <span className="ml-2 text-slate-500">
              submitted {when(v.submittedAt)}, replaced {when(v.supersededAt)}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
