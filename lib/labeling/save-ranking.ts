// Writes a ranking with its flags and implied comparisons. Callers wrap it in a transaction
// together with whatever else must change at the same time (e.g. closing the assignment).
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { comparisons, rankingFlags, rankings, type Flag } from "../../db/schema";
import { rankingPairs } from "./pairs";

export interface RankingInput {
  taskId: number;
  userId: number;
  assignmentId?: number | null;
  /** Completion ids, best group first; ties share a group. */
  groups: number[][];
  noneAcceptable?: boolean;
  /** A pairwise answer's strength (pairwise.ts); null or absent in ranking mode. */
  strength?: number | null;
  flags?: { completionId: number; flag: Flag }[];
  comment?: string | null;
  secondsSpent?: number | null;
  source?: "annotator" | "imported";
}

export function insertRanking(db: Db, input: RankingInput): number {
  const rankingId = db
    .insert(rankings)
    .values({
      taskId: input.taskId,
      userId: input.userId,
      assignmentId: input.assignmentId ?? null,
      groups: input.groups,
      noneAcceptable: input.noneAcceptable ?? false,
      strength: input.strength ?? null,
      comment: input.comment ?? null,
      secondsSpent: input.secondsSpent ?? null,
      source: input.source ?? "annotator",
    })
    .returning({ id: rankings.id })
    .get().id;
  writeFlagsAndComparisons(db, rankingId, input.groups, input.flags ?? []);
  return rankingId;
}

/**
 * Replaces a ranking's flags and comparisons with those of `groups` and `flags` (its current
 * version). Call inside the transaction that writes the ranking row.
 */
export function writeFlagsAndComparisons(db: Db, rankingId: number, groups: number[][], flags: { completionId: number; flag: Flag }[]): void {
  db.delete(rankingFlags).where(eq(rankingFlags.rankingId, rankingId)).run();
  db.delete(comparisons).where(eq(comparisons.rankingId, rankingId)).run();
  if (flags.length > 0) {
    db.insert(rankingFlags)
      .values(flags.map((f) => ({ rankingId, completionId: f.completionId, flag: f.flag })))
      .onConflictDoNothing()
      .run();
  }
  const pairs = rankingPairs(groups, "all");
  if (pairs.length > 0) {
    db.insert(comparisons)
      .values(pairs.map((p) => ({ rankingId, chosenId: p.chosen, rejectedId: p.rejected, chosenGroup: p.chosenGroup, rejectedGroup: p.rejectedGroup })))
      .run();
  }
}
