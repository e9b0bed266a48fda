// The rankings an export writes, under the run's selection (counted-rankings.ts): the export
// source as it is when the selection changes nothing (every ranking, nobody paused), else the
// source with "none acceptable" ones too, through selectRankings. A reviewed or aggregated
// ranking carries its task's prompt and completions, no flags, answers or time spent.
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rankings, tasks } from "../../db/schema";
import { projectRankings, type ExportedRanking } from "../datasets/export-source";
import { getProject } from "../projects";
import { selectionContext, selectRankings, selectsEverything, type RankingMaker, type RankingSelectionInput } from "./counted-rankings";

/** How many rankings each task of the project has (the aggregated selection waits for all of them). */
export function rankingCountsByTask(db: Db, projectId: number): Map<number, number> {
  return new Map(
    db
      .select({ taskId: rankings.taskId, n: sql<number>`count(*)` })
      .from(rankings)
      .innerJoin(tasks, eq(tasks.id, rankings.taskId))
      .where(eq(tasks.projectId, projectId))
      .groupBy(rankings.taskId)
      .all()
      .map((r) => [r.taskId, Number(r.n)]),
  );
}

const makeExported: RankingMaker<ExportedRanking> = (base, made) => ({
  ...base,
  id: made.id,
  userId: made.userId,
  groups: made.groups,
  noneAcceptable: made.noneAcceptable,
  // A reviewer's or an aggregate's order has no strength of its own (its pairs export with margin 0).
  strength: null,
  // "reviewed" or "aggregated": the rankings row names where the ranking came from.
  source: made.source as ExportedRanking["source"],
  flags: [],
  answers: [],
  comment: made.comment,
  secondsSpent: null,
});

/**
 * The project's rankings to export, in ranking id order (reviewed and aggregated ones where their
 * task's rankings come). Without `flagsAndAnswers` (the pair formats write neither) they carry none.
 */
export function countedExportRankings(
  db: Db,
  projectId: number,
  includeNoneAcceptable: boolean,
  selection: RankingSelectionInput,
  flagsAndAnswers = true,
): Iterable<ExportedRanking> {
  const project = getProject(db, projectId);
  if (!project) return [];
  const context = selectionContext(db, project, selection);
  if (selectsEverything(context)) return projectRankings(db, projectId, { includeNoneAcceptable, flagsAndAnswers });
  const counts = context.selection.rankings === "aggregated" ? rankingCountsByTask(db, projectId) : new Map<number, number>();
  return selectRankings(context, projectRankings(db, projectId, { includeNoneAcceptable: true, flagsAndAnswers }), counts, includeNoneAcceptable, makeExported);
}
