// Reading a project's rankings for export, in batches by id: memory holds one batch, never the table.
//
// Keyset pagination on the ranking id: each batch is "the next `batchSize` rankings of the
// project after the last id seen", walked along the rankings' primary key, so every batch costs
// the same whatever its position (an export is linear in the project). The project filter is
// written `+tasks.project_id` so SQLite cannot start from the tasks_project index: that plan reads
// every task of the project and sorts them for each batch, which made a 200k-ranking export
// quadratic (76 s). The completions, flags and answers of a batch come from one query each, by
// the batch's task ids (a JSON array) or its range of ranking ids. Plain SQL through drizzle's
// `db.values` returns rows as arrays of what SQLite holds (no per-row mapping, the cheapest shape
// better-sqlite3 has): the JSON and boolean columns are decoded here as drizzle's column types do.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { AnswerValue, CompletionAnswer, Flag, Message } from "../../db/schema";

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
  /** A pairwise answer's strength (lib/labeling/pairwise.ts), null in ranking mode; absent on rankings made by a selection. */
  strength?: number | null;
  flags: { completionId: number; flag: Flag }[];
  /** Answers to the project's per-completion questions. */
  answers: CompletionAnswer[];
  comment: string | null;
  secondsSpent: number | null;
  /** "reviewed" and "aggregated": written by a ranking selection (lib/quality/counted-export.ts), not stored as rankings. */
  source: "annotator" | "imported" | "reviewed" | "aggregated";
  createdAt: number;
}

export interface RankingQuery {
  /** Include rankings marked "none acceptable" (left out by default). */
  includeNoneAcceptable?: boolean;
  /** Rankings per query; default 1000. */
  batchSize?: number;
  /** Read each ranking's flags and answers (default true); the pair formats write neither, and skip the two queries. */
  flagsAndAnswers?: boolean;
}

/** A ranking's columns in the order the batch query selects them (rows come as arrays, the cheapest shape better-sqlite3 returns). */
type RankingRow = [
  id: number,
  taskId: number,
  promptId: number,
  userId: number,
  messages: string,
  groups: string,
  noneAcceptable: number,
  comment: string | null,
  secondsSpent: number | null,
  source: "annotator" | "imported",
  createdAt: number,
  strength: number | null,
];

/** The project's rankings in id order, read `batchSize` at a time. */
export function* projectRankings(db: Db, projectId: number, query: RankingQuery = {}): Generator<ExportedRanking> {
  const batchSize = query.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize: expected a positive whole number, got ${batchSize}`);
  const noneAcceptable = query.includeNoneAcceptable ? sql`` : sql` AND r.none_acceptable = 0`;
  let after = 0;
  for (;;) {
    const rows = db.values<RankingRow>(sql`
      SELECT r.id, r.task_id, t.prompt_id, r.user_id, p.messages, r.groups, r.none_acceptable, r.comment, r.seconds_spent, r.source, r.created_at, r.strength
      FROM rankings r
      JOIN tasks t ON t.id = r.task_id
      JOIN prompts p ON p.id = t.prompt_id
      WHERE r.id > ${after} AND +t.project_id = ${projectId}${noneAcceptable}
      ORDER BY r.id
      LIMIT ${batchSize}`);
    if (rows.length === 0) return;
    const first = after;
    const last = rows[rows.length - 1][0];
    after = last;

    const completions = completionsOf(db, rows);
    const inBatch = new Set<number>(rows.map((r) => r[0]));
    const flags = new Map<number, ExportedRanking["flags"]>();
    const answers = new Map<number, CompletionAnswer[]>();
    if (query.flagsAndAnswers ?? true) {
      for (const [rankingId, completionId, flag] of db.values<[number, number, Flag]>(sql`
        SELECT ranking_id, completion_id, flag FROM ranking_flags
        WHERE ranking_id > ${first} AND ranking_id <= ${last}
        ORDER BY ranking_id, completion_id, flag`)) {
        if (inBatch.has(rankingId)) push(flags, rankingId, { completionId, flag });
      }
      // In the order they were written (completion, then question), as lib/labeling/questions-store.ts answersOf reads them.
      for (const a of db.all<{ rankingId: number; completionId: number; questionKey: string; value: string }>(sql`
        SELECT ranking_id AS rankingId, completion_id AS completionId, question_key AS questionKey, value FROM ranking_answers
        WHERE ranking_id > ${first} AND ranking_id <= ${last}
        ORDER BY ranking_id, rowid`)) {
        if (inBatch.has(a.rankingId))
          push(answers, a.rankingId, { completionId: a.completionId, questionKey: a.questionKey, value: JSON.parse(a.value) as AnswerValue });
      }
    }

    for (const [id, taskId, promptId, userId, messages, groups, noneAcceptable, comment, secondsSpent, source, createdAt, strength] of rows) {
      yield {
        id,
        taskId,
        promptId,
        userId,
        messages: JSON.parse(messages) as Message[],
        completions: completions.get(taskId) ?? [],
        groups: JSON.parse(groups) as number[][],
        noneAcceptable: noneAcceptable === 1,
        strength,
        flags: flags.get(id) ?? [],
        answers: answers.get(id) ?? [],
        comment,
        secondsSpent,
        source,
        createdAt,
      };
    }
    if (rows.length < batchSize) return;
  }
}

/** The completions of the batch's tasks in display order, by task id. */
function completionsOf(db: Db, rows: readonly RankingRow[]): Map<number, ExportedRanking["completions"]> {
  const taskIds = [...new Set(rows.map((r) => r[1]))];
  const byTask = new Map<number, ExportedRanking["completions"]>();
  for (const [taskId, id, text, model] of db.values<[number, number, string, string | null]>(sql`
    SELECT task_id, id, text, model FROM completions
    WHERE task_id IN (SELECT value FROM json_each(${JSON.stringify(taskIds)}))
    ORDER BY task_id, position`)) {
    push(byTask, taskId, { id, text, model });
  }
  return byTask;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
