// Reading a project's rankings for export, in batches by id: memory holds one batch, never the table.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, prompts, rankingFlags, rankings, tasks, type CompletionAnswer, type Flag, type Message } from "../../db/schema";
import { answersOf } from "../labeling/questions-store";

/** A ranking with everything an export row needs. */
export interface ExportedRanking {
  id: number;
  taskId: number;
  promptId: number;
  userId: number;
  messages: Message[];
  /** The task's completions in display order. */
  completions: { id: number; text: string; model: string | null }[];
  /** Completion ids, best group first. */
  groups: number[][];
  noneAcceptable: boolean;
  flags: { completionId: number; flag: Flag }[];
  /** Answers to the project's per-completion questions. */
  answers: CompletionAnswer[];
  comment: string | null;
  secondsSpent: number | null;
  source: "annotator" | "imported";
  createdAt: number;
}

export interface RankingQuery {
  /** Include rankings marked "none acceptable" (left out by default). */
  includeNoneAcceptable?: boolean;
  /** Rankings per query; default 500. */
  batchSize?: number;
}

/** The project's rankings in id order, read `batchSize` at a time. */
export function* projectRankings(db: Db, projectId: number, query: RankingQuery = {}): Generator<ExportedRanking> {
  const batchSize = query.batchSize ?? 500;
  let after = 0;
  for (;;) {
    const rows = db
      .select({
        id: rankings.id,
        taskId: rankings.taskId,
        promptId: tasks.promptId,
        userId: rankings.userId,
        messages: prompts.messages,
        groups: rankings.groups,
        noneAcceptable: rankings.noneAcceptable,
        comment: rankings.comment,
        secondsSpent: rankings.secondsSpent,
        source: rankings.source,
        createdAt: rankings.createdAt,
      })
      .from(rankings)
      .innerJoin(tasks, eq(tasks.id, rankings.taskId))
      .innerJoin(prompts, eq(prompts.id, tasks.promptId))
      .where(and(eq(tasks.projectId, projectId), gt(rankings.id, after), query.includeNoneAcceptable ? undefined : eq(rankings.noneAcceptable, false)))
      .orderBy(asc(rankings.id))
      .limit(batchSize)
      .all();
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;

    const taskIds = [...new Set(rows.map((r) => r.taskId))];
    const byTask = new Map<number, ExportedRanking["completions"]>();
    const completionRows = db
      .select({ id: completions.id, taskId: completions.taskId, text: completions.text, model: completions.model })
      .from(completions)
      .where(inArray(completions.taskId, taskIds))
      .orderBy(asc(completions.taskId), asc(completions.position))
      .all();
    for (const c of completionRows) {
      const list = byTask.get(c.taskId) ?? [];
      list.push({ id: c.id, text: c.text, model: c.model });
      byTask.set(c.taskId, list);
    }

    const byRanking = new Map<number, ExportedRanking["flags"]>();
    const flagRows = db
      .select()
      .from(rankingFlags)
      .where(
        inArray(
          rankingFlags.rankingId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(rankingFlags.rankingId), asc(rankingFlags.completionId), asc(rankingFlags.flag))
      .all();
    for (const f of flagRows) {
      const list = byRanking.get(f.rankingId) ?? [];
      list.push({ completionId: f.completionId, flag: f.flag });
      byRanking.set(f.rankingId, list);
    }

    const answers = answersOf(
      db,
      rows.map((r) => r.id),
    );
    for (const r of rows) yield { ...r, completions: byTask.get(r.taskId) ?? [], flags: byRanking.get(r.id) ?? [], answers: answers.get(r.id) ?? [] };
    if (rows.length < batchSize) return;
  }
}
