// Summaries of the answers to the per-completion questions, pure: for each group (a completion,
// a model, …) and question, a rating's mean, spread and distribution, or how often each tag was
// chosen out of the completions judged. The caller says what a group is.
import type { AnswerValue, QualityQuestion } from "../../db/schema";

export interface RatingSummary {
  kind: "rating";
  /** Ratings given. */
  n: number;
  mean: number | null;
  /** Sample standard deviation (null under two ratings). */
  sd: number | null;
  /** How many ratings of each value, from the question's min to its max (values outside left out). */
  distribution: number[];
}

export interface TagsSummary {
  kind: "tags";
  /** Completions judged in this group (distinct ranking × completion with any answer). */
  judged: number;
  /** How many of them got each tag, in the question's tag order. */
  counts: { tag: string; n: number }[];
}

export type QuestionSummary = RatingSummary | TagsSummary;

export interface AnswerRow<K> {
  group: K;
  rankingId: number;
  completionId: number;
  questionKey: string;
  value: AnswerValue;
}

/** Per group (in first-seen order), per question (in the questions' order): the summary. Answers to questions no longer asked are left out. */
export function summarizeAnswers<K>(questions: readonly QualityQuestion[], rows: readonly AnswerRow<K>[]): Map<K, Map<string, QuestionSummary>> {
  const byGroup = new Map<K, AnswerRow<K>[]>();
  for (const r of rows) byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r]);
  const out = new Map<K, Map<string, QuestionSummary>>();
  for (const [group, list] of byGroup) {
    const judged = new Set(list.map((r) => `${r.rankingId}:${r.completionId}`)).size;
    const summaries = new Map<string, QuestionSummary>();
    for (const q of questions) {
      const values = list.filter((r) => r.questionKey === q.key).map((r) => r.value);
      summaries.set(q.key, q.kind === "rating" ? ratingSummary(q, values) : tagsSummary(q, values, judged));
    }
    out.set(group, summaries);
  }
  return out;
}

function ratingSummary(q: Extract<QualityQuestion, { kind: "rating" }>, values: readonly AnswerValue[]): RatingSummary {
  const ratings = values.filter((v): v is number => typeof v === "number");
  const n = ratings.length;
  const mean = n === 0 ? null : ratings.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 || mean === null ? null : Math.sqrt(ratings.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const distribution = Array.from({ length: q.max - q.min + 1 }, (_, i) => ratings.filter((r) => r === q.min + i).length);
  return { kind: "rating", n, mean, sd, distribution };
}

function tagsSummary(q: Extract<QualityQuestion, { kind: "tags" }>, values: readonly AnswerValue[], judged: number): TagsSummary {
  const chosen = values.filter((v): v is string[] => Array.isArray(v));
  return { kind: "tags", judged, counts: q.tags.map((tag) => ({ tag, n: chosen.filter((c) => c.includes(tag)).length })) };
}

/** "5.67 ± 0.58 (n = 3)", "4 (n = 1)", "—". */
export function formatRating(s: RatingSummary): string {
  if (s.mean === null) return "—";
  return `${s.mean.toFixed(2)}${s.sd === null ? "" : ` ± ${s.sd.toFixed(2)}`} (n = ${s.n})`;
}

/** "verbose 2/5 · wrong 1/5", or "—" when nothing was judged. */
export function formatTags(s: TagsSummary): string {
  if (s.judged === 0) return "—";
  return s.counts.map((c) => `${c.tag} ${c.n}/${s.judged}`).join(" · ");
}
