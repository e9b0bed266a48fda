// The review queue in the database: the queue of a project (review-rule.ts decides), one task's
// review (every ranking, the history of decisions), and the two decisions — a final ranking, or
// sending the task back for more rankings (tasks.extra_redundancy goes up, so the assignment rule
// serves it again) — each one transaction. A task's reviewed ranking is its last decision when
// that decision is a final ranking (a later send-back sets it aside until the next final one).
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { completions, projects, prompts, rankingFlags, rankings, taskReviews, tasks, users, type Message } from "../../db/schema";
import { promptPreview } from "../labeling/browse";
import { checkSubmission, type SubmissionIssue } from "../labeling/submission";
import { reviewSignals, reviewState, type ReviewSignals, type ReviewState } from "./review-rule";

export type TaskReview = typeof taskReviews.$inferSelect;

export interface ReviewQueueItem extends ReviewSignals {
  taskId: number;
  prompt: string;
  state: ReviewState;
  /** Rankings the task asks for: R plus any extra a send-back added. */
  required: number;
  lastAction: { action: TaskReview["action"]; reviewerEmail: string; createdAt: number } | null;
}

interface ProjectReviewSettings {
  id: number;
  redundancy: number;
  reviewAgreementThreshold: number;
}

const CHUNK = 500;

/** The last review decision of each task of the project that has one. */
function lastActions(db: Db, projectId: number, taskIds?: readonly number[]): Map<number, TaskReview & { reviewerEmail: string }> {
  // From the reviews outwards (the CROSS JOIN keeps SQLite from walking every task of the project
  // to probe for reviews: 200 ms at 200k tasks with none reviewed).
  const rows = db
    .select({ review: taskReviews, reviewerEmail: users.email })
    .from(taskReviews)
    .crossJoin(tasks)
    .innerJoin(users, eq(users.id, taskReviews.reviewerId))
    .where(
      and(
        eq(tasks.id, taskReviews.taskId),
        eq(tasks.projectId, projectId),
        taskIds ? inArray(taskReviews.taskId, [...taskIds]) : undefined,
        sql`${taskReviews.id} = (SELECT max(r2.id) FROM task_reviews r2 WHERE r2.task_id = ${taskReviews.taskId})`,
      ),
    )
    .all();
  return new Map(rows.map((r) => [r.review.taskId, { ...r.review, reviewerEmail: r.reviewerEmail }]));
}

/** A task the review rule picked, before the reviewers' decisions are applied: what a large project caches (lib/stats). */
export interface ReviewCandidate extends ReviewSignals {
  taskId: number;
  prompt: string;
  /** The task's extra rankings asked for by a send-back, when the candidate was computed. */
  extra: number;
}

/**
 * The review rule's signals for the project's tasks (gold tasks aside): those with a reason to
 * review them, or, given `taskIds`, each of those tasks whatever its signals. Reads every ranking
 * of the project without `taskIds`: for a large project it is computed by the statistics job and
 * cached (reviewCandidatesStatistic), and reviewQueueFrom adds the live decisions.
 */
export function reviewCandidates(db: Db, project: ProjectReviewSettings, taskIds?: readonly number[]): ReviewCandidate[] {
  if (taskIds && taskIds.length === 0) return [];
  const inScope = (ids: readonly number[] | undefined) => (ids ? inArray(tasks.id, [...ids]) : undefined);
  const byTask = new Map<number, { groups: number[][]; noneAcceptable: boolean; flags: number }[]>();
  const chunks = taskIds ? Array.from({ length: Math.ceil(taskIds.length / CHUNK) }, (_, i) => taskIds.slice(i * CHUNK, (i + 1) * CHUNK)) : [undefined];
  for (const ids of chunks) {
    const rows = db
      .select({ id: rankings.id, taskId: rankings.taskId, groups: rankings.groups, noneAcceptable: rankings.noneAcceptable })
      .from(rankings)
      .innerJoin(tasks, eq(tasks.id, rankings.taskId))
      .where(and(eq(tasks.projectId, project.id), isNull(tasks.gold), inScope(ids)))
      .orderBy(asc(rankings.taskId), asc(rankings.id))
      .all();
    const flagsOf = new Map(
      db
        .select({ rankingId: rankingFlags.rankingId, n: sql<number>`count(*)` })
        .from(rankingFlags)
        .innerJoin(rankings, eq(rankings.id, rankingFlags.rankingId))
        .innerJoin(tasks, eq(tasks.id, rankings.taskId))
        .where(and(eq(tasks.projectId, project.id), inScope(ids)))
        .groupBy(rankingFlags.rankingId)
        .all()
        .map((r) => [r.rankingId, Number(r.n)]),
    );
    for (const r of rows) {
      const list = byTask.get(r.taskId) ?? [];
      list.push({ groups: r.groups, noneAcceptable: r.noneAcceptable, flags: flagsOf.get(r.id) ?? 0 });
      byTask.set(r.taskId, list);
    }
  }
  const picked: { taskId: number; signals: ReviewSignals }[] = [];
  if (taskIds) for (const taskId of taskIds) picked.push({ taskId, signals: reviewSignals(byTask.get(taskId) ?? [], project.reviewAgreementThreshold) });
  else
    for (const [taskId, list] of byTask) {
      const signals = reviewSignals(list, project.reviewAgreementThreshold);
      if (signals.reasons.length > 0) picked.push({ taskId, signals });
    }

  const meta = new Map<number, { extra: number; messages: Message[] }>();
  const ids = picked.map((p) => p.taskId);
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const t of db
      .select({ id: tasks.id, extra: tasks.extraRedundancy, messages: prompts.messages })
      .from(tasks)
      .innerJoin(prompts, eq(prompts.id, tasks.promptId))
      .where(and(eq(tasks.projectId, project.id), isNull(tasks.gold), inArray(tasks.id, ids.slice(i, i + CHUNK))))
      .all())
      meta.set(t.id, { extra: t.extra, messages: t.messages });
  }
  return picked
    .filter(({ taskId }) => meta.has(taskId))
    .map(({ taskId, signals }) => ({ taskId, prompt: promptPreview(meta.get(taskId)!.messages), extra: meta.get(taskId)!.extra, ...signals }));
}

/**
 * The review queue from the rule's candidates (reviewCandidates, maybe cached) and the
 * reviewers' decisions as they are now: every task with a decision is read again (its rankings,
 * its extra rankings), so a decision shows at once. Open tasks first (lowest agreement first),
 * then waiting, then reviewed.
 */
export function reviewQueueFrom(db: Db, project: ProjectReviewSettings, candidates: readonly ReviewCandidate[]): ReviewQueueItem[] {
  const last = lastActions(db, project.id);
  const decided = reviewCandidates(db, project, [...last.keys()]);
  const order: Record<ReviewState, number> = { open: 0, waiting: 1, reviewed: 2 };
  return [...candidates.filter((c) => !last.has(c.taskId)), ...decided]
    .map((c): ReviewQueueItem => {
      const required = project.redundancy + c.extra;
      const action = last.get(c.taskId);
      // Field by field: an object rest over 30k candidates cost ~150 ms.
      return {
        taskId: c.taskId,
        prompt: c.prompt,
        rankings: c.rankings,
        agreement: c.agreement,
        flagged: c.flagged,
        noneAcceptable: c.noneAcceptable,
        reasons: c.reasons,
        state: reviewState(action, c.rankings, required),
        required,
        lastAction: action ? { action: action.action, reviewerEmail: action.reviewerEmail, createdAt: action.createdAt } : null,
      };
    })
    .sort((a, b) => order[a.state] - order[b.state] || (a.agreement ?? 2) - (b.agreement ?? 2) || a.taskId - b.taskId);
}

/** How many of the queue's tasks are in each state. */
export function reviewStateCounts(queue: readonly ReviewQueueItem[]): Record<ReviewState, number> {
  const counts: Record<ReviewState, number> = { open: 0, waiting: 0, reviewed: 0 };
  for (const t of queue) counts[t.state]++;
  return counts;
}

/**
 * The project's review queue: every task (gold tasks aside) with a reason to review it or a
 * decision on it, open ones first (lowest agreement first), then waiting, then reviewed.
 */
export function reviewQueue(db: Db, project: ProjectReviewSettings): ReviewQueueItem[] {
  return reviewQueueFrom(db, project, reviewCandidates(db, project));
}

export interface ReviewHistoryEntry extends TaskReview {
  reviewerEmail: string;
}

/** A task's review decisions, oldest first. */
export function reviewHistory(db: Db, taskId: number): ReviewHistoryEntry[] {
  return db
    .select({ review: taskReviews, reviewerEmail: users.email })
    .from(taskReviews)
    .innerJoin(users, eq(users.id, taskReviews.reviewerId))
    .where(eq(taskReviews.taskId, taskId))
    .orderBy(asc(taskReviews.id))
    .all()
    .map((r) => ({ ...r.review, reviewerEmail: r.reviewerEmail }));
}

/** The task's reviewed ranking: its last decision, when that is a final ranking. */
export function reviewedRankingOf(db: Db, taskId: number): ReviewHistoryEntry | null {
  const latest = db
    .select({ review: taskReviews, reviewerEmail: users.email })
    .from(taskReviews)
    .innerJoin(users, eq(users.id, taskReviews.reviewerId))
    .where(eq(taskReviews.taskId, taskId))
    .orderBy(desc(taskReviews.id))
    .limit(1)
    .get();
  return latest && latest.review.action === "final" ? { ...latest.review, reviewerEmail: latest.reviewerEmail } : null;
}

/** Every reviewed ranking of the project, by task id. */
export function reviewedRankings(db: Db, projectId: number): Map<number, TaskReview> {
  return new Map([...lastActions(db, projectId)].filter(([, r]) => r.action === "final"));
}

export interface FinalRankingInput {
  groups: number[][];
  noneAcceptable: boolean;
  comment: string | null;
}

export type ReviewResult = { ok: true; review: TaskReview } | { ok: false; status: 400 | 404; error: string; issues?: SubmissionIssue[] };

function taskOf(db: Db, taskId: number) {
  return db
    .select({ id: tasks.id, projectId: tasks.projectId, extra: tasks.extraRedundancy, redundancy: projects.redundancy, gold: tasks.gold })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(eq(tasks.id, taskId))
    .get();
}

/** Sets the task's final ranking (every completion once; ties share a group). */
export function setFinalRanking(db: Db, taskId: number, reviewerId: number, input: FinalRankingInput, now: number = Date.now()): ReviewResult {
  return db.transaction(
    (tx): ReviewResult => {
      const task = taskOf(tx, taskId);
      if (!task) return { ok: false, status: 404, error: `task ${taskId} not found` };
      const ids = tx
        .select({ id: completions.id })
        .from(completions)
        .where(eq(completions.taskId, taskId))
        .orderBy(asc(completions.position))
        .all()
        .map((c) => c.id);
      const issues = checkSubmission({ groups: input.groups, flags: [] }, ids);
      if (issues.length > 0) return { ok: false, status: 400, error: issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues };
      const review = tx
        .insert(taskReviews)
        .values({ taskId, reviewerId, action: "final", groups: input.groups, noneAcceptable: input.noneAcceptable, comment: input.comment, createdAt: now })
        .returning()
        .get();
      return { ok: true, review };
    },
    { behavior: "immediate" },
  );
}

/** Sends the task back for `addedRankings` more rankings: the rule serves it again until it has R + its extra. */
export function sendBack(
  db: Db,
  taskId: number,
  reviewerId: number,
  input: { addedRankings: number; comment: string | null },
  now: number = Date.now(),
): ReviewResult & { required?: number } {
  return db.transaction(
    (tx) => {
      const task = taskOf(tx, taskId);
      if (!task) return { ok: false as const, status: 404 as const, error: `task ${taskId} not found` };
      const have =
        tx
          .select({ n: sql<number>`count(*)` })
          .from(rankings)
          .where(eq(rankings.taskId, taskId))
          .get()?.n ?? 0;
      // `addedRankings` beyond what it asks for now (or has, if it has more): R + extra goes up by that much.
      const extra = Math.max(task.redundancy + task.extra, Number(have)) + input.addedRankings - task.redundancy;
      tx.update(tasks).set({ extraRedundancy: extra }).where(eq(tasks.id, taskId)).run();
      const review = tx
        .insert(taskReviews)
        .values({ taskId, reviewerId, action: "send_back", addedRankings: input.addedRankings, comment: input.comment, createdAt: now })
        .returning()
        .get();
      return { ok: true as const, review, required: task.redundancy + extra };
    },
    { behavior: "immediate" },
  );
}

/** The project of a task under review, with the rankings the task asks for; undefined when the task is not the project's. */
export function reviewTaskContext(db: Db, projectId: number, taskId: number): { project: typeof projects.$inferSelect; required: number } | undefined {
  const row = db
    .select({ project: projects, extra: tasks.extraRedundancy })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(and(eq(tasks.id, taskId), eq(tasks.projectId, projectId)))
    .get();
  return row && { project: row.project, required: row.project.redundancy + row.extra };
}
