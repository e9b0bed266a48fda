// One ranking's answers to the per-completion questions, in the row's letters: "A: Overall
// quality 6 · Problems verbose". Answers to questions the project no longer asks show their key.
import type { CompletionAnswer, QualityQuestion } from "@/lib/labeling/questions";
import { formatAnswer } from "@/lib/labeling/questions";

export function answerLine(answers: readonly CompletionAnswer[], questions: readonly QualityQuestion[], letters: ReadonlyMap<number, string>): string {
  const prompt = new Map(questions.map((q) => [q.key, q.prompt]));
  const byCompletion = new Map<number, CompletionAnswer[]>();
  for (const a of answers) byCompletion.set(a.completionId, [...(byCompletion.get(a.completionId) ?? []), a]);
  return [...byCompletion.entries()]
    .map(([cid, list]) => ({ letter: letters.get(cid) ?? `#${cid}`, list }))
    .sort((a, b) => a.letter.localeCompare(b.letter))
    .map(({ letter, list }) => `${letter}: ${list.map((a) => `${prompt.get(a.questionKey) ?? a.questionKey} ${formatAnswer(a.value)}`).join(" · ")}`)
    .join("; ");
}

export function RankingAnswers({
  answers,
  questions,
  letters,
}: {
  answers: readonly CompletionAnswer[];
  questions: readonly QualityQuestion[];
  letters: ReadonlyMap<number, string>;
}) {
  if (answers.length === 0) return null;
  return (
    <p className="text-xs text-slate-700" data-testid="ranking-answers">
      <span className="font-medium">Quality labels:</span> {answerLine(answers, questions, letters)}
    </p>
  );
}
