// The `margin` column of the pair formats (trl, trl-conversational, openrlhf): a pairwise
// answer's strength (lib/labeling/pairwise.ts) as the reward difference the pair asks for.
//
// TRL's RewardTrainer reads an optional `margin` column and trains on −log σ(r_chosen −
// r_rejected − margin) (huggingface/trl#719); OpenRLHF's reward trainer reads the same key with
// `--margin_loss`. Values: 2 for "much better", 1 for "better" (ties and "both bad" give no pair,
// as in ranking mode). Both trainers take the column from every row or from none (TRL's collator
// looks at the first row), so an export writes `margin` on every pair row as soon as any ranking
// of the project has a strength, and 0 — no required gap, the plain Bradley–Terry loss — for the
// pairs of rankings without one (ranking-mode, reviewed or aggregated rankings). A project that
// never had a pairwise answer exports exactly as before, with no margin column.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";

/**
 * Whether any ranking of the project carries a strength. One pass over the rankings table that
 * looks up the task of a ranking with a strength only (`+t.project_id` keeps SQLite from starting
 * at the project's tasks instead: an index probe and a row read per ranking, 7 times slower on a
 * project of 200k rankings without a strength, the common case, where this pass takes ~7 ms).
 */
export function projectHasStrengths(db: Db, projectId: number): boolean {
  return (
    db.get<{ one: number }>(sql`
      SELECT 1 AS one FROM rankings r JOIN tasks t ON t.id = r.task_id
      WHERE r.strength IS NOT NULL AND +t.project_id = ${projectId} LIMIT 1`) !== undefined
  );
}

/** The margin of a ranking's pairs: its strength, 0 without one. */
export function marginOf(strength: number | null | undefined): number {
  return strength ?? 0;
}

/** Adds `margin` to each pair row of a ranking (the rows are fresh objects of the writers, set in place). */
export function* withMargin<T extends object>(rows: Iterable<T>, strength: number | null | undefined): Generator<T & { margin: number }> {
  const margin = marginOf(strength);
  for (const row of rows) {
    (row as T & { margin: number }).margin = margin;
    yield row as T & { margin: number };
  }
}
