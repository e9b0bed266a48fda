// Which rankings count, for exports and reward-model training: one place that both call.
//
// A run chooses (`RankingSelection`):
// - `rankings`:
//   - "every" (default): every annotator's ranking, as before;
//   - "reviewed": a task with a reviewed ranking (lib/quality/review-store.ts: the last review
//     decision, when it is a final ranking) gives that one ranking instead of its annotators';
//     other tasks give every annotator's ranking;
//   - "aggregated": one ranking per task, aggregated from its annotators' rankings by
//     `aggregate`: "borda" (default) or "kemeny" (lib/quality/aggregate.ts documents both). It
//     says "none acceptable" when more than half of those rankings did.
// - `includePaused` (default false): rankings of annotators paused by their gold accuracy
//   (lib/quality/gold-store.ts) are left out first, in every mode, unless this is set.
// "None acceptable" rankings are then left out unless the run includes them: an aggregated or
// reviewed ranking that says none acceptable is left out the same way (its inputs are not).
//
// A reviewed ranking is written as a ranking with source "reviewed", the review's id as its id,
// the reviewer as its annotator, no flags or answers, the review's comment; an aggregated one has
// source "aggregated", the smallest id of the rankings it aggregates, annotator 0, no flags,
// answers or comment.
import { z } from "zod";
import type { Db } from "../../db/client";
import { AGGREGATION_METHODS, aggregateRankings, type AggregationMethod } from "./aggregate";
import { pausedAnnotatorIds } from "./gold-store";
import { reviewedRankings, type TaskReview } from "./review-store";

export const RANKING_CHOICES = ["every", "reviewed", "aggregated"] as const;
export type RankingChoice = (typeof RANKING_CHOICES)[number];
export { AGGREGATION_METHODS, type AggregationMethod };

export const rankingSelectionSchema = z.object({
  rankings: z.enum(RANKING_CHOICES).default("every"),
  aggregate: z.enum(AGGREGATION_METHODS).default("borda"),
  includePaused: z.boolean().default(false),
});
export type RankingSelection = z.infer<typeof rankingSelectionSchema>;
export type RankingSelectionInput = z.input<typeof rankingSelectionSchema>;

/** What a selection works on: a ranking of one task, with whatever else the caller carries. */
export interface SelectableRanking {
  id: number;
  taskId: number;
  userId: number;
  groups: number[][];
  noneAcceptable: boolean;
}

/** Builds the caller's ranking for a reviewed or aggregated one, from a ranking of the same task. */
export type RankingMaker<R> = (
  base: R,
  made: { id: number; userId: number; groups: number[][]; noneAcceptable: boolean; source: "reviewed" | "aggregated"; comment: string | null },
) => R;

/** What a selection needs from the database, read once per run. */
export interface SelectionContext {
  selection: RankingSelection;
  /** Annotators whose rankings are left out (paused, unless included). */
  excluded: ReadonlySet<number>;
  /** Reviewed rankings by task ("reviewed" only). */
  reviewed: ReadonlyMap<number, TaskReview>;
}

export function selectionContext(
  db: Db,
  project: { id: number; goldAccuracyThreshold: number; goldMinAnswers: number },
  input: RankingSelectionInput = {},
): SelectionContext {
  const selection = rankingSelectionSchema.parse(input);
  return {
    selection,
    excluded: new Set(selection.includePaused ? [] : pausedAnnotatorIds(db, project)),
    reviewed: selection.rankings === "reviewed" ? reviewedRankings(db, project.id) : new Map(),
  };
}

/** True when the selection leaves every ranking as it is (the export can skip this layer). */
export function selectsEverything(context: SelectionContext): boolean {
  return context.selection.rankings === "every" && context.excluded.size === 0;
}

/**
 * One task's rankings under the selection (all of the task's rankings, paused annotators' too;
 * "none acceptable" ones included, so the result can say it): the rankings that count, before
 * the run's none-acceptable filter.
 */
export function selectTaskRankings<R extends SelectableRanking>(context: SelectionContext, taskRankings: readonly R[], make: RankingMaker<R>): R[] {
  const kept = taskRankings.filter((r) => !context.excluded.has(r.userId));
  const { selection } = context;
  if (selection.rankings === "reviewed") {
    const review = context.reviewed.get(taskRankings[0]?.taskId ?? -1);
    if (review && taskRankings.length > 0)
      return [
        make(taskRankings[0], {
          id: review.id,
          userId: review.reviewerId,
          groups: review.groups ?? [],
          noneAcceptable: review.noneAcceptable,
          source: "reviewed",
          comment: review.comment,
        }),
      ];
    return kept;
  }
  if (selection.rankings === "aggregated") {
    if (kept.length === 0) return [];
    if (kept.length === 1) return kept;
    const groups = aggregateRankings(
      selection.aggregate,
      kept.map((r) => r.groups),
    );
    const none = kept.filter((r) => r.noneAcceptable).length * 2 > kept.length;
    return [make(kept[0], { id: Math.min(...kept.map((r) => r.id)), userId: 0, groups, noneAcceptable: none, source: "aggregated", comment: null })];
  }
  return kept;
}

/**
 * The selection over a stream of a project's rankings in any order (an export reads them by id,
 * so a task's rankings may be far apart): a reviewed task's ranking is written where its first
 * ranking comes; an aggregated one once the last of the task's rankings has come (`perTask`
 * counts them: the rankings the stream will bring per task), so only tasks partly read are held.
 * The stream must bring "none acceptable" rankings too; `includeNoneAcceptable` filters after.
 */
export function* selectRankings<R extends SelectableRanking>(
  context: SelectionContext,
  source: Iterable<R>,
  perTask: ReadonlyMap<number, number>,
  includeNoneAcceptable: boolean,
  make: RankingMaker<R>,
): Generator<R> {
  const keep = (r: R) => includeNoneAcceptable || !r.noneAcceptable;
  const { rankings } = context.selection;
  if (rankings === "every") {
    for (const r of source) if (!context.excluded.has(r.userId) && keep(r)) yield r;
    return;
  }
  if (rankings === "reviewed") {
    const written = new Set<number>();
    for (const r of source) {
      if (context.reviewed.has(r.taskId)) {
        if (written.has(r.taskId)) continue;
        written.add(r.taskId);
        for (const out of selectTaskRankings(context, [r], make)) if (keep(out)) yield out;
      } else if (!context.excluded.has(r.userId) && keep(r)) yield r;
    }
    return;
  }
  const pending = new Map<number, R[]>();
  for (const r of source) {
    const list = pending.get(r.taskId) ?? [];
    list.push(r);
    if (list.length < (perTask.get(r.taskId) ?? 1)) {
      pending.set(r.taskId, list);
      continue;
    }
    pending.delete(r.taskId);
    for (const out of selectTaskRankings(context, list, make)) if (keep(out)) yield out;
  }
  // A count that changed while reading (a ranking submitted meanwhile) leaves a task here: write it too.
  for (const list of pending.values()) for (const out of selectTaskRankings(context, list, make)) if (keep(out)) yield out;
}
