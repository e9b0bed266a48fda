// Answers to the per-completion questions, summarized: one row per group (a model, a completion),
// one column per question — a rating's mean ± sd (n), or how often each tag was chosen.
import type { ReactNode } from "react";
import type { QualityQuestion } from "@/lib/labeling/questions";
import { formatRating, formatTags, type QuestionSummary } from "@/lib/labeling/question-summary";
import { DataTable } from "./data-table";

export interface SummaryRow {
  key: string | number;
  label: ReactNode;
  summaries: ReadonlyMap<string, QuestionSummary> | undefined;
}

export function QuestionSummaryTable({
  questions,
  rows,
  groupHeader,
  testId,
  caption,
}: {
  questions: readonly QualityQuestion[];
  rows: SummaryRow[];
  groupHeader: string;
  testId: string;
  caption?: ReactNode;
}) {
  return (
    <DataTable
      testId={testId}
      caption={caption}
      headers={[groupHeader, ...questions.map((q) => `${q.prompt}${q.kind === "rating" ? ` (${q.min}–${q.max})` : ""}`)]}
      isEmpty={rows.length === 0}
      empty="No answers yet."
    >
      {rows.map((row) => (
        <tr key={row.key} className="border-t border-slate-100" data-testid="summary-row" data-group={row.key}>
          <td className="py-1 pr-3">{row.label}</td>
          {questions.map((q) => {
            const s = row.summaries?.get(q.key);
            return (
              <td key={q.key} className="pr-3 tabular-nums" data-question={q.key}>
                {!s ? "—" : s.kind === "rating" ? formatRating(s) : formatTags(s)}
              </td>
            );
          })}
        </tr>
      ))}
    </DataTable>
  );
}
