// Submitting a ranking: checks against the caller's assignment and the task, then the ranking,
// its flags and comparisons and the closed assignment in ONE immediate transaction.
//
// Idempotent: a ranking belongs to one assignment (unique), so a repeated submit (double click,
// retry) answers the ranking already stored instead of writing a second one.
//
// Answers to the project's per-completion questions (questions.ts) are checked against the
// project's current questions and written in the same transaction (ranking_answers).
//
// Identical completions (same text after trim and whitespace collapse) are tied before storing
// (identical.ts), so the stored groups may join groups the client sent apart.
//
// Pairwise mode (pairwise.ts): a task with two completions in a pairwise project needs a strength
// matching its groups, any other task takes none; the strength is stored with the ranking.
//
// Expired assignments: a submit after the assignment's time ran out is accepted when the task
// still has room (its rankings plus the other annotators' live assignments are below R), since
// the work is done and nobody's slot is taken; otherwise it is refused with 409 and a message
// saying the task went to others.
import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, completions, projects, rankingFlags, rankings, tasks, type CompletionAnswer, type Flag } from "../../db/schema";
import { findAssignment } from "./assignment-store";
import { tieIdenticalCompletions } from "./identical";
import { checkAnswers, normalizeAnswers } from "./questions";
import { answersOf, writeAnswers } from "./questions-store";
import { checkStrength, isPairwiseTask, storedStrength } from "./pairwise";
import { insertRanking } from "./save-ranking";
import { checkSubmission, sanitizeSecondsSpent, uniqueFlags, type RankingSubmission, type SubmissionIssue } from "./submission";

export interface RankingView {
  id: number;
  taskId: number;
  assignmentId: number | null;
  userId: number;
  groups: number[][];
  noneAcceptable: boolean;
  /** A pairwise answer's strength (2 much better, 1 better, 0 tie or both bad); null in ranking mode. */
  strength: number | null;
  flags: { completionId: number; flag: Flag }[];
  /** Answers to the project's per-completion questions (completion order, then question order). */
  answers: CompletionAnswer[];
  comment: string | null;
  /** Total over all versions when edited. */
  secondsSpent: number | null;
  /** When the first version was submitted. */
  createdAt: number;
  /** 1 as first submitted; each edit adds one. */
  version: number;
  /** When the current version was submitted by an edit; null if never edited. */
  updatedAt: number | null;
}

export function getRanking(db: Db, rankingId: number): RankingView | undefined {
  const row = db.select().from(rankings).where(eq(rankings.id, rankingId)).get();
  if (!row) return undefined;
  const flags = db
    .select({ completionId: rankingFlags.completionId, flag: rankingFlags.flag })
    .from(rankingFlags)
    .where(eq(rankingFlags.rankingId, rankingId))
    .orderBy(asc(rankingFlags.completionId), asc(rankingFlags.flag))
    .all();
  return {
    id: row.id,
    taskId: row.taskId,
    assignmentId: row.assignmentId,
    userId: row.userId,
    groups: row.groups,
    noneAcceptable: row.noneAcceptable,
    strength: row.strength,
    flags,
    answers: answersOf(db, [rankingId]).get(rankingId) ?? [],
    comment: row.comment,
    secondsSpent: row.secondsSpent,
    createdAt: row.createdAt,
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

/** The ranking submitted for an assignment, if any. */
export function rankingOfAssignment(db: Db, assignmentId: number): RankingView | undefined {
  const row = db.select({ id: rankings.id }).from(rankings).where(eq(rankings.assignmentId, assignmentId)).get();
  return row ? getRanking(db, row.id) : undefined;
}

export type SubmitResult =
  { ok: true; created: boolean; ranking: RankingView } | { ok: false; status: 400 | 403 | 404 | 409; error: string; issues?: SubmissionIssue[] };

function fail(status: 400 | 403 | 404 | 409, error: string, issues?: SubmissionIssue[]): SubmitResult {
  return { ok: false, status, error, ...(issues ? { issues } : {}) };
}

export function submitRanking(db: Db, taskId: number, userId: number, submission: RankingSubmission, now: number = Date.now()): SubmitResult {
  return db.transaction(
    (tx): SubmitResult => {
      const task = tx
        .select({
          id: tasks.id,
          redundancy: projects.redundancy,
          extra: tasks.extraRedundancy,
          gold: tasks.gold,
          questions: projects.qualityQuestions,
          mode: projects.mode,
        })
        .from(tasks)
        .innerJoin(projects, eq(projects.id, tasks.projectId))
        .where(eq(tasks.id, taskId))
        .get();
      if (!task) return fail(404, `task ${taskId} not found`);
      const assignment = findAssignment(tx, taskId, userId);
      if (!assignment) return fail(403, `task ${taskId} is not assigned to you`);
      if (submission.assignmentId !== undefined && submission.assignmentId !== assignment.id) {
        return fail(400, `assignmentId: ${submission.assignmentId} is not your assignment on task ${taskId}`, [
          { field: "assignmentId", message: `not your assignment on task ${taskId}` },
        ]);
      }

      const existing = rankingOfAssignment(tx, assignment.id);
      if (existing) return { ok: true, created: false, ranking: existing };
      if (assignment.status === "skipped") return fail(409, `you skipped task ${taskId}; a skipped task cannot be ranked`);
      if (assignment.status === "submitted") return fail(409, `task ${taskId} is already submitted`);

      if (assignment.status === "expired" || assignment.expiresAt <= now) {
        const rankingsSoFar = tx.select({ n: count() }).from(rankings).where(eq(rankings.taskId, taskId)).get()?.n ?? 0;
        const othersLive =
          tx
            .select({ n: count() })
            .from(assignments)
            .where(and(eq(assignments.taskId, taskId), ne(assignments.userId, userId), eq(assignments.status, "active"), gt(assignments.expiresAt, now)))
            .get()?.n ?? 0;
        // Gold tasks are not bound by R (every annotator may rank each once); a sent-back task asks for more.
        if (task.gold === null && rankingsSoFar + othersLive >= task.redundancy + task.extra) {
          return fail(
            409,
            `your assignment on task ${taskId} expired at ${new Date(assignment.expiresAt).toISOString()} and the task has since gone to other annotators; ask for a new task`,
          );
        }
      }

      const taskCompletions = tx
        .select({ id: completions.id, text: completions.text })
        .from(completions)
        .where(eq(completions.taskId, taskId))
        .orderBy(asc(completions.position))
        .all();
      const completionIds = taskCompletions.map((c) => c.id);
      const issues = [
        ...checkSubmission(submission, completionIds),
        ...checkAnswers(submission.answers, task.questions, completionIds, submission.noneAcceptable),
        ...checkStrength(submission, isPairwiseTask(task.mode, completionIds.length)),
      ];
      if (issues.length > 0) return fail(400, issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);

      const groups = tieIdenticalCompletions(submission.groups, taskCompletions);
      const rankingId = insertRanking(tx, {
        taskId,
        userId,
        assignmentId: assignment.id,
        groups,
        noneAcceptable: submission.noneAcceptable,
        strength: storedStrength(submission.strength, groups),
        flags: uniqueFlags(submission.flags),
        comment: submission.comment,
        secondsSpent: sanitizeSecondsSpent(submission.secondsSpent, assignment.createdAt, now),
        source: "annotator",
      });
      writeAnswers(tx, rankingId, normalizeAnswers(submission.answers, task.questions, completionIds));
      tx.update(assignments).set({ status: "submitted", closedAt: now }).where(eq(assignments.id, assignment.id)).run();
      return { ok: true, created: true, ranking: getRanking(tx, rankingId)! };
    },
    { behavior: "immediate" },
  );
}
