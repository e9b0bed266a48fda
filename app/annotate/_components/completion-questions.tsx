"use client";
// The project's per-completion questions on one card, compactly: a rating is a row of number
// buttons (the ends' labels beside it), tags are chips; pressing a chosen one again clears it.
// On a focused rating row, a digit key picks that rating (the page's own digit keys, which move
// the card, stay with the card).
import type { AnswerValue, QualityQuestion } from "@/lib/labeling/questions";

export interface CompletionQuestionsProps {
  letter: string;
  questions: readonly QualityQuestion[];
  answers: Readonly<Record<string, AnswerValue>>;
  onAnswer(key: string, value: AnswerValue | null): void;
}

export function CompletionQuestions({ letter, questions, answers, onAnswer }: CompletionQuestionsProps) {
  if (questions.length === 0) return null;
  return (
    <div className="flex flex-col gap-2 border-t border-slate-100 px-3 py-2" data-testid="completion-questions">
      {questions.map((q) => (
        <div
          key={q.key}
          role="group"
          aria-label={`${q.prompt} (completion ${letter})`}
          data-testid={`question-${q.key}`}
          className="flex flex-wrap items-center gap-x-2 gap-y-1"
        >
          <span className="text-xs font-medium text-slate-700">
            {q.prompt}
            {q.required && (
              <span className="text-rose-600" title="required">
                {" "}
                *
              </span>
            )}
          </span>
          {q.kind === "rating" ? (
            <RatingRow question={q} value={answers[q.key]} onAnswer={(v) => onAnswer(q.key, v)} />
          ) : (
            <TagChips question={q} value={answers[q.key]} onAnswer={(v) => onAnswer(q.key, v)} />
          )}
        </div>
      ))}
    </div>
  );
}

type Rating = Extract<QualityQuestion, { kind: "rating" }>;
type Tags = Extract<QualityQuestion, { kind: "tags" }>;

function RatingRow({ question: q, value, onAnswer }: { question: Rating; value: AnswerValue | undefined; onAnswer(v: number | null): void }) {
  const values = Array.from({ length: q.max - q.min + 1 }, (_, i) => q.min + i);
  return (
    <span
      className="flex flex-wrap items-center gap-1"
      onKeyDown={(e) => {
        const n = Number(e.key);
        if (e.key.length !== 1 || !Number.isInteger(n) || e.ctrlKey || e.metaKey || e.altKey) return;
        // Not the page's "move the card to place n": its listener sits on the document, beside React's own.
        e.stopPropagation();
        e.nativeEvent.stopImmediatePropagation();
        e.preventDefault();
        if (n >= q.min && n <= q.max) onAnswer(n);
      }}
    >
      {q.minLabel && <span className="text-xs text-slate-400">{q.minLabel}</span>}
      {values.map((n) => (
        <button
          key={n}
          type="button"
          aria-pressed={value === n}
          aria-label={`${n}${n === q.min && q.minLabel ? ` (${q.minLabel})` : ""}${n === q.max && q.maxLabel ? ` (${q.maxLabel})` : ""}`}
          data-testid={`rate-${q.key}-${n}`}
          onClick={() => onAnswer(value === n ? null : n)}
          className={`h-7 w-7 rounded-md border text-xs font-semibold tabular-nums ${
            value === n ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-200 text-slate-600 hover:bg-slate-50"
          }`}
        >
          {n}
        </button>
      ))}
      {q.maxLabel && <span className="text-xs text-slate-400">{q.maxLabel}</span>}
    </span>
  );
}

function TagChips({ question: q, value, onAnswer }: { question: Tags; value: AnswerValue | undefined; onAnswer(v: string[] | null): void }) {
  const chosen = Array.isArray(value) ? value : [];
  return (
    <span className="flex flex-wrap gap-1">
      {q.tags.map((t) => {
        const on = chosen.includes(t);
        return (
          <button
            key={t}
            type="button"
            aria-pressed={on}
            data-testid={`tag-${q.key}-${t}`}
            onClick={() => {
              const next = on ? chosen.filter((c) => c !== t) : q.tags.filter((x) => x === t || chosen.includes(x));
              onAnswer(next.length > 0 ? next : null);
            }}
            className={`rounded-full border px-2 py-0.5 text-xs font-medium ${on ? "border-teal-600 bg-teal-600 text-white" : "border-slate-200 text-slate-600 hover:bg-slate-50"}`}
          >
            {t}
          </button>
        );
      })}
    </span>
  );
}
