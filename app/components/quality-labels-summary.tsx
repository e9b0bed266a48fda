// The project's per-completion answers per model (quality section of the admin and research
// project pages): how good each model's completions were judged, apart from the rankings.
import { getDb } from "@/db/client";
import { summarizeAnswers } from "@/lib/labeling/question-summary";
import { getQualityQuestions, projectAnswers } from "@/lib/labeling/questions-store";
import { QuestionSummaryTable } from "./question-summary-table";

const NO_MODEL = "(no model)";

export function QualityLabelsSummary({ projectId }: { projectId: number }) {
  const db = getDb();
  const questions = getQualityQuestions(db, projectId) ?? [];
  if (questions.length === 0) return null;
  const answers = projectAnswers(db, projectId);
  const byModel = summarizeAnswers(
    questions,
    answers.map((a) => ({ ...a, group: a.model ?? NO_MODEL })),
  );
  const rows = [...byModel.keys()].sort().map((model) => ({ key: model, label: model, summaries: byModel.get(model) }));
  return (
    <div className="flex flex-col gap-1" data-testid="quality-labels-summary">
      <QuestionSummaryTable questions={questions} rows={rows} groupHeader="Model" testId="quality-labels-by-model" caption="Quality labels by model" />
      <p className="text-xs text-slate-500">
        The annotators&apos; answers to the project&apos;s per-completion questions ({answers.length} answers), current ranking versions only: a rating&apos;s
        mean ± standard deviation (n ratings), a tag&apos;s count out of the completions judged. “How good”, apart from the ranking&apos;s “which is better”.
      </p>
    </div>
  );
}
