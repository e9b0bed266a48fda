// Read-only views for admins and researchers: a project's tasks with their ranking counts
// (searched, filtered, sorted and paged by a TaskQuery: task-filter.ts, task-filter-query.ts),
// and one task with every ranking (groups, flags, annotator, comment, seconds) and tallies.
// A task's rankings come with the order each annotator saw the completions in (their letters)
// and the earlier versions of edited rankings (the audit trail).
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, completions, projects, prompts, rankingFlags, rankings, tasks, users, type Flag, type Message } from "../../db/schema";
import { getTask, type TaskView } from "../tasks";
import { annotatorOrder } from "./assignment-view";
import type { LetterScheme } from "./letters";
import { rankingRevisionsOf, type RankingRevision } from "./ranking-edit";
import { completionTallies, headToHead, type CompletionTally } from "./stats";
import { DEFAULT_TASK_QUERY, type TaskQuery } from "./task-filter";
import { agreementOf, isUnfilteredByCreation, matchingTasks, pageOfTasksByCreation, projectTaskCount, type TaskAgreement } from "./task-filter-query";

export interface TaskRow {
  id: number;
  promptId: number;
  /** The last user message, shortened. */
  preview: string;
  turns: number;
  completions: number;
  rankings: number;
  activeAssignments: number;
  skips: number;
  /** Rankings edited after submission (version above 1). */
  edited: number;
  /** Flags over the task's rankings. */
  flags: number;
  /** Rankings marked "none acceptable". */
  noneAcceptable: number;
  /** The loop's round the task belongs to (its completions' highest metadata.round, 1 when unset). */
  round: number;
  /** Agreement between the task's annotators, as on the quality page; rate null below two annotators. */
  agreement: TaskAgreement;
  /** The models that wrote its completions (null: imported or unknown). */
  models: (string | null)[];
}

/** The last user turn of a conversation, on one line, at most `max` characters. */
export function promptPreview(messages: readonly Message[], max = 140): string {
  const last = [...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1];
  const text = (last?.content ?? "").replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface TaskPage {
  /** Tasks that match the query. */
  total: number;
  /** Tasks in the project, filters aside. */
  projectTotal: number;
  offset: number;
  limit: number;
  tasks: TaskRow[];
}

/**
 * One page of a project's tasks that match `query` (search, filters, sort: task-filter.ts), each
 * with its completion, ranking, flag, assignment and skip counts, round and annotator agreement.
 * With no query: every task in creation order, 50 to a page.
 */
export function listProjectTasks(db: Db, projectId: number, query: Partial<TaskQuery> = {}): TaskPage {
  const full: TaskQuery = { ...DEFAULT_TASK_QUERY, ...query };
  const { offset, limit } = full;
  const redundancy = db.select({ r: projects.redundancy }).from(projects).where(eq(projects.id, projectId)).get()?.r ?? 1;
  // The default list (every task, by creation) reads only its page; a filter or a sort by a fact reads every task's facts.
  const unfiltered = isUnfilteredByCreation(full);
  const matched = unfiltered ? null : matchingTasks(db, projectId, redundancy, full);
  const pageFacts = matched ? matched.slice(offset, offset + limit) : pageOfTasksByCreation(db, projectId, full);
  const ids = pageFacts.map((r) => r.id);
  const agreements = agreementOf(db, ids);
  const messagesBy =
    ids.length === 0
      ? new Map<number, Message[]>()
      : new Map(
          db
            .select({ id: tasks.id, messages: prompts.messages })
            .from(tasks)
            .innerJoin(prompts, eq(prompts.id, tasks.promptId))
            .where(inArray(tasks.id, ids))
            .all()
            .map((r) => [r.id, r.messages]),
        );
  const completionRows =
    ids.length === 0
      ? []
      : db
          .select({ taskId: completions.taskId, model: completions.model })
          .from(completions)
          .where(inArray(completions.taskId, ids))
          .orderBy(asc(completions.taskId), asc(completions.position))
          .all();
  const modelsBy = new Map<number, (string | null)[]>();
  for (const c of completionRows) modelsBy.set(c.taskId, [...(modelsBy.get(c.taskId) ?? []), c.model]);
  const assignmentCounts =
    ids.length === 0
      ? []
      : db
          .select({
            taskId: assignments.taskId,
            active: sql<number>`sum(case when ${assignments.status} = 'active' then 1 else 0 end)`,
            skipped: sql<number>`sum(case when ${assignments.status} = 'skipped' then 1 else 0 end)`,
          })
          .from(assignments)
          .where(inArray(assignments.taskId, ids))
          .groupBy(assignments.taskId)
          .all();
  const assignmentBy = new Map(assignmentCounts.map((r) => [r.taskId, r]));
  return {
    total: matched ? matched.length : projectTaskCount(db, projectId),
    projectTotal: projectTaskCount(db, projectId),
    offset,
    limit,
    tasks: pageFacts.map((r) => {
      const messages = messagesBy.get(r.id) ?? [];
      const models = modelsBy.get(r.id) ?? [];
      return {
        id: r.id,
        promptId: r.promptId,
        preview: promptPreview(messages),
        turns: messages.length,
        completions: models.length,
        rankings: r.rankings,
        activeAssignments: Number(assignmentBy.get(r.id)?.active ?? 0),
        skips: Number(assignmentBy.get(r.id)?.skipped ?? 0),
        edited: r.edited,
        flags: r.flags,
        noneAcceptable: r.noneAcceptable,
        round: r.round,
        agreement: agreements.get(r.id) ?? { rate: null, agreed: 0, total: 0 },
        models: [...new Set(models)],
      };
    }),
  };
}

export interface RankingView {
  id: number;
  taskId: number;
  userId: number;
  /** Null for imported rankings (no assignment, so no shuffled display order). */
  assignmentId: number | null;
  annotatorEmail: string;
  annotatorName: string;
  source: "annotator" | "imported";
  groups: number[][];
  noneAcceptable: boolean;
  flags: { completionId: number; flag: Flag }[];
  comment: string | null;
  secondsSpent: number | null;
  /** When the first version was submitted. */
  createdAt: number;
  /** 1 as first submitted; each edit adds one. */
  version: number;
  /** When the current version was submitted by an edit; null if never edited. */
  updatedAt: number | null;
}

const rankingColumns = {
  id: rankings.id,
  taskId: rankings.taskId,
  userId: rankings.userId,
  assignmentId: rankings.assignmentId,
  annotatorEmail: users.email,
  annotatorName: users.name,
  source: rankings.source,
  groups: rankings.groups,
  noneAcceptable: rankings.noneAcceptable,
  comment: rankings.comment,
  secondsSpent: rankings.secondsSpent,
  createdAt: rankings.createdAt,
  version: rankings.version,
  updatedAt: rankings.updatedAt,
};

function withFlags(db: Db, rows: Omit<RankingView, "flags">[]): RankingView[] {
  const ids = rows.map((r) => r.id);
  const flags =
    ids.length === 0
      ? []
      : db
          .select({ rankingId: rankingFlags.rankingId, completionId: rankingFlags.completionId, flag: rankingFlags.flag })
          .from(rankingFlags)
          .where(inArray(rankingFlags.rankingId, ids))
          .orderBy(asc(rankingFlags.completionId), asc(rankingFlags.flag))
          .all();
  return rows.map((r) => ({
    ...r,
    flags: flags.filter((f) => f.rankingId === r.id).map(({ completionId, flag }) => ({ completionId, flag })),
  }));
}

export interface RankingFilter {
  projectId?: number;
  taskId?: number;
  userId?: number;
  offset?: number;
  limit?: number;
}

/** Rankings matching the filter, oldest first, with annotator and flags. */
export function listRankings(db: Db, filter: RankingFilter = {}): { total: number; rankings: RankingView[] } {
  const where = and(
    filter.projectId !== undefined ? eq(tasks.projectId, filter.projectId) : undefined,
    filter.taskId !== undefined ? eq(rankings.taskId, filter.taskId) : undefined,
    filter.userId !== undefined ? eq(rankings.userId, filter.userId) : undefined,
  );
  const total = db.select({ n: count() }).from(rankings).innerJoin(tasks, eq(tasks.id, rankings.taskId)).where(where).get()?.n ?? 0;
  const rows = db
    .select(rankingColumns)
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .innerJoin(users, eq(users.id, rankings.userId))
    .where(where)
    .orderBy(asc(rankings.id))
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .all();
  return { total, rankings: withFlags(db, rows) };
}

export function getRanking(db: Db, id: number): RankingView | undefined {
  const row = db.select(rankingColumns).from(rankings).innerJoin(users, eq(users.id, rankings.userId)).where(eq(rankings.id, id)).get();
  return row && withFlags(db, [row])[0];
}

/** A ranking on a task's page: with the letters its annotator used and its earlier versions. */
export interface TaskRankingView extends RankingView {
  /** Completion ids in the order this ranking's annotator saw them ("annotator"), or the stored order for imported rankings ("canonical"). */
  seenOrder: number[];
  seenLetters: LetterScheme;
  /** Superseded versions, oldest first (empty when never edited). */
  revisions: RankingRevision[];
}

export interface TaskDetail extends TaskView {
  rankings: TaskRankingView[];
  tallies: CompletionTally[];
  /** `headToHead[i][j]`: rankings that put completions[i] above completions[j]. */
  headToHead: number[][];
  /** Pairwise comparisons stored for this task's rankings. */
  comparisons: number;
}

/** A task with its conversation, completions, every ranking and the per-completion tallies. */
export function getTaskDetail(db: Db, taskId: number): TaskDetail | undefined {
  const task = getTask(db, taskId);
  if (!task) return undefined;
  const ids = task.completions.map((c) => c.id);
  const plain = listRankings(db, { taskId, limit: 10_000 }).rankings;
  const revisions = rankingRevisionsOf(
    db,
    plain.map((r) => r.id),
  );
  const list: TaskRankingView[] = plain.map((r) => ({
    ...r,
    seenOrder: r.assignmentId === null ? ids : annotatorOrder(task.completions, r.assignmentId).map((c) => c.id),
    seenLetters: r.assignmentId === null ? "canonical" : "annotator",
    revisions: revisions.get(r.id) ?? [],
  }));
  const groups = list.map((r) => r.groups);
  const tallies = completionTallies(ids, groups);
  const comparisons = tallies.reduce((sum, t) => sum + t.wins, 0);
  return { ...task, rankings: list, tallies, headToHead: headToHead(ids, groups), comparisons };
}
