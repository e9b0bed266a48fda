// A submitted ranking shown as it stands (it can no longer be edited): the conversation, the
// order in the letters the annotator saw, and each completion with its rank, flags and answers
// to the project's per-completion questions.
import { Markdown } from "@/app/components/markdown";
import type { Flag, Message } from "@/db/schema";
import { lettersFor, orderInLetters } from "@/lib/labeling/letters";
import { formatAnswer, type CompletionAnswer, type QualityQuestion } from "@/lib/labeling/questions";
import { FLAG_LABELS } from "./completion-card";
import { Conversation } from "./conversation";

export interface ReadOnlyRankingProps {
  task: { messages: Message[]; completions: { id: number; text: string }[] };
  ranking: {
    groups: number[][];
    noneAcceptable: boolean;
    flags: { completionId: number; flag: string }[];
    answers?: CompletionAnswer[];
    comment: string | null;
  };
  questions?: readonly QualityQuestion[];
}

export function ReadOnlyRanking({ task, ranking, questions = [] }: ReadOnlyRankingProps) {
  const prompt = new Map(questions.map((q) => [q.key, q.prompt]));
  const letters = lettersFor(task.completions.map((c) => c.id));
  const text = new Map(task.completions.map((c) => [c.id, c.text]));
  return (
    <div data-testid="readonly-ranking">
      <Conversation messages={task.messages} />
      <p className="mt-6 mb-3 text-sm text-slate-500">
        Your order <span className="text-slate-400">(letters as you saw them)</span>:{" "}
        <span className="font-mono font-medium text-slate-800" data-testid="order-summary">
          {orderInLetters(ranking.groups, letters)}
        </span>
        {ranking.noneAcceptable && <span className="ml-2 rounded-full bg-rose-100 px-2 py-0.5 text-xs font-medium text-rose-800">none acceptable</span>}
      </p>
      <ol className="flex flex-col gap-3">
        {ranking.groups.flatMap((group, g) =>
          group.map((id) => (
            <li key={id} className="rounded-xl border border-slate-200 bg-white shadow-sm" data-letter={letters.get(id)}>
              <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-2 text-sm">
                <span className="font-bold tabular-nums">
                  {g + 1}
                  {group.length > 1 ? "=" : ""}
                </span>
                <span className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs font-semibold text-slate-600">{letters.get(id)}</span>
                {ranking.flags
                  .filter((f) => f.completionId === id)
                  .map((f) => (
                    <span key={f.flag} className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-medium text-rose-800">
                      {FLAG_LABELS[f.flag as Flag] ?? f.flag}
                    </span>
                  ))}
                {(ranking.answers ?? [])
                  .filter((a) => a.completionId === id)
                  .map((a) => (
                    <span key={a.questionKey} className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-900" data-testid="answer-chip">
                      {prompt.get(a.questionKey) ?? a.questionKey}: {formatAnswer(a.value)}
                    </span>
                  ))}
              </div>
              <div className="px-4 py-3">
                <Markdown>{text.get(id) ?? ""}</Markdown>
              </div>
            </li>
          )),
        )}
      </ol>
      {ranking.comment && <p className="mt-3 text-sm text-slate-600">Your comment: “{ranking.comment}”</p>}
    </div>
  );
}
