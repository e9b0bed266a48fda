// Reading and editing an annotator's own ranking (the SQL around ranking-edit-rule.ts).
//
// Storage: `rankings` always holds the CURRENT version of a ranking, updated in place (version
// + 1, updated_at), and its flags and comparisons are rewritten with it; the version it replaces
// is copied into `ranking_revisions` (groups, none acceptable, flags, per-completion answers,
// comment, seconds, when it was submitted and when it was replaced). The new version's answers
// are checked against the project's current questions and replace the old ones in ranking_answers. All of it is one immediate transaction, so every
// reader of rankings and comparisons (exports, statistics, agreement, reward-model training,
// rounds) sees exactly one version, the current one, and the audit trail is never half written.
//
// Seconds: a ranking's `seconds_spent` is the total over its versions; an edit adds what the
// browser measured for it (nothing when it sent none), capped by the time since the previous
// version was submitted.
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, projects, rankingRevisions, rankings, tasks, type CompletionAnswer, type Flag, type Message } from "../../db/schema";
import { annotatorOrder } from "./assignment-view";
import { tieIdenticalCompletions } from "./identical";
import { checkStrength, isPairwiseTask, storedStrength } from "./pairwise";
import { checkAnswers, normalizeAnswers } from "./questions";
import { questionsOfTask, writeAnswers } from "./questions-store";
import { rankingEditability, type Editability } from "./ranking-edit-rule";
import { writeFlagsAndComparisons } from "./save-ranking";
import { getRanking, type RankingView } from "./submission-store";
import { checkSubmission, sanitizeSecondsSpent, uniqueFlags, type RankingSubmission, type SubmissionIssue } from "./submission";
import { getTask } from "../tasks";

export interface OwnRanking {
  ranking: Pick<RankingView, "id" | "version" | "groups" | "noneAcceptable" | "strength" | "flags" | "answers" | "comment">;
  task: {
    id: number;
    projectId: number;
    messages: Message[];
    /** In this annotator's display order (their assignment's shuffle), as on the ranking page. */
    completions: { id: number; text: string }[];
    /** Asked as a pair (A, B in display order) with a strength (pairwise.ts). */
    pairwise: boolean;
  };
  editable: boolean;
  /** Why the ranking can no longer be edited (only when `editable` is false). */
  reason?: string;
}

type RankingRow = typeof rankings.$inferSelect;

/** The caller's own ranking of a task (at most one per annotator and task), if any. */
function ownRankingRow(db: Db, taskId: number, userId: number): RankingRow | undefined {
  return db
    .select()
    .from(rankings)
    .where(and(eq(rankings.taskId, taskId), eq(rankings.userId, userId)))
    .orderBy(desc(rankings.id))
    .get();
}

/** The answering mode of the task's project ("ranking" when the task is unknown). */
function projectModeOfTask(db: Db, taskId: number) {
  return (
    db.select({ mode: projects.mode }).from(tasks).innerJoin(projects, eq(projects.id, tasks.projectId)).where(eq(tasks.id, taskId)).get()?.mode ?? "ranking"
  );
}

/** Whether a stored ranking is editable at `now` (reads its task's ranking count and project settings). */
export function editabilityOf(db: Db, row: Pick<RankingRow, "taskId" | "source" | "createdAt">, now: number): Editability {
  const project = db
    .select({ redundancy: projects.redundancy, timeoutSeconds: projects.assignmentTimeoutSeconds })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(eq(tasks.id, row.taskId))
    .get();
  if (!project) return { editable: false, reason: `task ${row.taskId} not found` };
  const rankingsOnTask = db.select({ n: count() }).from(rankings).where(eq(rankings.taskId, row.taskId)).get()?.n ?? 0;
  return rankingEditability({
    source: row.source,
    rankingsOnTask,
    redundancy: project.redundancy,
    submittedAt: row.createdAt,
    timeoutSeconds: project.timeoutSeconds,
    now,
  });
}

/** The caller's ranking of a task with the task as they saw it and whether they may still change it; undefined when they have none. */
export function readOwnRanking(db: Db, taskId: number, userId: number, now: number = Date.now()): OwnRanking | undefined {
  const row = ownRankingRow(db, taskId, userId);
  const task = row && getTask(db, taskId);
  if (!row || !task) return undefined;
  const ranking = getRanking(db, row.id)!;
  const byPosition = task.completions.map((c) => ({ id: c.id, text: c.text }));
  const editability = editabilityOf(db, row, now);
  return {
    ranking: {
      id: ranking.id,
      version: ranking.version,
      groups: ranking.groups,
      noneAcceptable: ranking.noneAcceptable,
      strength: ranking.strength,
      flags: ranking.flags,
      answers: ranking.answers,
      comment: ranking.comment,
    },
    task: {
      id: task.id,
      projectId: task.projectId,
      messages: task.messages,
      completions: row.assignmentId === null ? byPosition : annotatorOrder(byPosition, row.assignmentId),
      pairwise: isPairwiseTask(projectModeOfTask(db, taskId), byPosition.length),
    },
    editable: editability.editable,
    ...(editability.editable ? {} : { reason: editability.reason }),
  };
}

export type EditResult = { ok: true; ranking: RankingView } | { ok: false; status: 400 | 404 | 409; error: string; issues?: SubmissionIssue[] };

/** Replaces the caller's ranking of a task with a new version, keeping the old one in `ranking_revisions`. */
export function editRanking(db: Db, taskId: number, userId: number, submission: RankingSubmission, now: number = Date.now()): EditResult {
  return db.transaction(
    (tx): EditResult => {
      const row = ownRankingRow(tx, taskId, userId);
      if (!row) return { ok: false, status: 404, error: `you have no ranking of task ${taskId}` };
      if (submission.assignmentId !== undefined && submission.assignmentId !== row.assignmentId) {
        const issue = { field: "assignmentId", message: `not the assignment of your ranking of task ${taskId}` };
        return { ok: false, status: 400, error: `assignmentId: ${issue.message}`, issues: [issue] };
      }
      const editability = editabilityOf(tx, row, now);
      if (!editability.editable) return { ok: false, status: 409, error: `your ranking of task ${taskId} can no longer be edited: ${editability.reason}` };

      const taskCompletions = tx
        .select({ id: completions.id, text: completions.text })
        .from(completions)
        .where(eq(completions.taskId, taskId))
        .orderBy(asc(completions.position))
        .all();
      const completionIds = taskCompletions.map((c) => c.id);
      const questions = questionsOfTask(tx, taskId);
      const issues = [
        ...checkSubmission(submission, completionIds),
        ...checkAnswers(submission.answers, questions, completionIds, submission.noneAcceptable),
        ...checkStrength(submission, isPairwiseTask(projectModeOfTask(tx, taskId), completionIds.length)),
      ];
      if (issues.length > 0) return { ok: false, status: 400, error: issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues };

      const previous = getRanking(tx, row.id)!;
      tx.insert(rankingRevisions)
        .values({
          rankingId: row.id,
          version: previous.version,
          groups: previous.groups,
          noneAcceptable: previous.noneAcceptable,
          strength: previous.strength,
          flags: previous.flags,
          answers: previous.answers,
          comment: previous.comment,
          secondsSpent: previous.secondsSpent,
          submittedAt: previous.updatedAt ?? previous.createdAt,
          supersededAt: now,
        })
        .run();
      const groups = tieIdenticalCompletions(submission.groups, taskCompletions);
      // Nothing measured, nothing added: the time since the last version is not time spent editing.
      const editSeconds = submission.secondsSpent == null ? 0 : sanitizeSecondsSpent(submission.secondsSpent, previous.updatedAt ?? previous.createdAt, now);
      tx.update(rankings)
        .set({
          groups,
          noneAcceptable: submission.noneAcceptable,
          strength: storedStrength(submission.strength, groups),
          comment: submission.comment,
          secondsSpent: Math.round(((previous.secondsSpent ?? 0) + editSeconds) * 10) / 10,
          version: previous.version + 1,
          updatedAt: now,
        })
        .where(eq(rankings.id, row.id))
        .run();
      writeFlagsAndComparisons(tx, row.id, groups, uniqueFlags(submission.flags));
      writeAnswers(tx, row.id, normalizeAnswers(submission.answers, questions, completionIds));
      return { ok: true, ranking: getRanking(tx, row.id)! };
    },
    { behavior: "immediate" },
  );
}

export interface RankingRevision {
  rankingId: number;
  version: number;
  groups: number[][];
  noneAcceptable: boolean;
  flags: { completionId: number; flag: Flag }[];
  answers: CompletionAnswer[];
  comment: string | null;
  secondsSpent: number | null;
  submittedAt: number;
  supersededAt: number;
}

/** The superseded versions of the given rankings, oldest first, keyed by ranking id. */
export function rankingRevisionsOf(db: Db, rankingIds: readonly number[]): Map<number, RankingRevision[]> {
  const out = new Map<number, RankingRevision[]>();
  if (rankingIds.length === 0) return out;
  const rows = db
    .select({
      rankingId: rankingRevisions.rankingId,
      version: rankingRevisions.version,
      groups: rankingRevisions.groups,
      noneAcceptable: rankingRevisions.noneAcceptable,
      flags: rankingRevisions.flags,
      answers: rankingRevisions.answers,
      comment: rankingRevisions.comment,
      secondsSpent: rankingRevisions.secondsSpent,
      submittedAt: rankingRevisions.submittedAt,
      supersededAt: rankingRevisions.supersededAt,
    })
    .from(rankingRevisions)
    .where(inArray(rankingRevisions.rankingId, [...rankingIds]))
    .orderBy(asc(rankingRevisions.rankingId), asc(rankingRevisions.version))
    .all();
  for (const r of rows) {
    const list = out.get(r.rankingId) ?? [];
    list.push(r);
    out.set(r.rankingId, list);
  }
  return out;
}
