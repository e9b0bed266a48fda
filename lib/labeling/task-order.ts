// Task order (a project setting, `projects.task_order`): which eligible task an annotator gets
// first. The assignment rule (assignment-rule.ts) sorts eligible tasks by a per-task priority
// (lower first; tasks without one after every task with one), then by load, then by id; this file
// says what the priority is and gives the SQL that computes it.
//
// - `even` (the default, as before): no priority — the least-loaded task, oldest first, so tasks
//   fill up evenly.
// - `uncertain`: the smallest score gap among the task's completions under the project's latest
//   reward model (the newest model of kind "reward" whose project is this one): the scores in
//   completion_scores sorted, the least difference between neighbours. A task whose completions
//   the model barely tells apart goes first; tasks with fewer than two scored completions after.
// - `disagreement`: the pairwise agreement of the task's rankings so far (lib/labeling/stats.ts
//   `agreementReport`, one task: over every pair of its rankings and every pair of completions,
//   the share of completion pairs both give the same relation), lowest first; tasks with fewer
//   than two rankings after. Computed in SQL from the comparisons the rankings imply: for a
//   completion pair that n_x rankings order one way, n_y the other and the rest tie, the agreeing
//   ranking pairs are C(n_x,2) + C(n_y,2) + C(n − n_x − n_y,2) out of C(n,2) (rankings that rank
//   every completion, as the ranking page's do).
//
// Cost: `disagreement` is computed in SQL for the tasks the request could hand out that have two
// rankings or more (the `eligible` CTE the store builds), so it follows the open work, not the
// project. `uncertain` needs every score of the model (reading 80,000 scores takes ~70 ms on this
// machine), so the gaps are computed once and kept per database, project and model until a score
// is added, a scoring job starts, or 30 s pass (a re-scoring job updates rows in place), and the
// store sorts the eligible tasks by them.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { TaskOrder } from "../../db/schema";

/** The project's latest reward model (highest id), whose scores `uncertain` reads; null when it has none. */
export function latestRewardModelId(db: Db, projectId: number): number | null {
  return db.get<{ id: number }>(sql`SELECT id FROM models WHERE kind = 'reward' AND project_id = ${projectId} ORDER BY id DESC LIMIT 1`)?.id ?? null;
}

const GAPS_TTL_MS = 30_000;
const gapCache = new Map<string, { stamp: string; at: number; gaps: Map<number, number> }>();

/**
 * Each task's smallest score gap under the project's latest reward model (tasks with two scored
 * completions or more), or null when the project has no reward model. Cached as said above.
 */
export function uncertaintyGaps(db: Db, projectId: number, now: number = Date.now()): Map<number, number> | null {
  const model = latestRewardModelId(db, projectId);
  if (model === null) return null;
  const file = db.get<{ file: string }>(sql`SELECT file FROM pragma_database_list WHERE name = 'main'`)?.file ?? "";
  const key = `${file}\u0000${projectId}\u0000${model}`;
  const marks = db.get<{ score: number | null; job: number | null }>(
    sql`SELECT (SELECT max(id) FROM completion_scores) AS score, (SELECT max(id) FROM jobs WHERE kind = 'score') AS job`,
  );
  const stamp = `${marks?.score ?? 0}:${marks?.job ?? 0}`;
  const cached = gapCache.get(key);
  // An in-memory database (no file) is never shared: its cache could outlive it, so it is not kept.
  if (file && cached && cached.stamp === stamp && now - cached.at < GAPS_TTL_MS) return cached.gaps;
  const gaps = new Map<number, number>();
  for (const r of db.all<{ id: number; gap: number }>(sql`
    SELECT id, min(gap) AS gap FROM (
      SELECT c.task_id AS id, s.score - lag(s.score) OVER (PARTITION BY c.task_id ORDER BY s.score) AS gap
      FROM completion_scores s JOIN completions c ON c.id = s.completion_id
      WHERE s.model_id = ${model}
    ) WHERE gap IS NOT NULL GROUP BY id`))
    gaps.set(r.id, r.gap);
  if (file) gapCache.set(key, { stamp, at: now, gaps });
  return gaps;
}

/**
 * SQL selecting (id, priority) for the tasks of a CTE named `eligible` (columns id, n: the task's
 * rankings) that have a disagreement priority; null for any other order (`uncertain` sorts by
 * uncertaintyGaps instead).
 */
export function taskPrioritySql(order: TaskOrder): SQL | null {
  if (order === "disagreement") {
    return sql`
      SELECT id, (agreed + (k * (k - 1) / 2 - pairs) * (n * (n - 1) / 2.0)) / ((k * (k - 1) / 2) * (n * (n - 1) / 2.0)) AS priority FROM (
        SELECT p.id AS id, p.n AS n, count(*) AS pairs,
          sum(p.x * (p.x - 1) / 2 + p.y * (p.y - 1) / 2 + (p.n - p.x - p.y) * (p.n - p.x - p.y - 1) / 2) AS agreed,
          (SELECT count(*) FROM completions c WHERE c.task_id = p.id) AS k
        FROM (
          SELECT e.id AS id, e.n AS n, min(cmp.chosen_id, cmp.rejected_id) AS lo, max(cmp.chosen_id, cmp.rejected_id) AS hi,
            sum(cmp.chosen_id < cmp.rejected_id) AS x, sum(cmp.chosen_id > cmp.rejected_id) AS y
          FROM eligible e
          JOIN rankings r ON r.task_id = e.id
          JOIN comparisons cmp ON cmp.ranking_id = r.id
          WHERE e.n >= 2
          GROUP BY e.id, lo, hi
        ) p GROUP BY p.id
      ) WHERE k >= 2`;
  }
  return null;
}
