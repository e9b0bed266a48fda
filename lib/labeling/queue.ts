// What an annotator sees of their own work: progress per project, their own submissions (in
// their own letters, with whether each can still be edited) and their skips.
// Read-only; "left" counts the tasks the assignment rule would find eligible (same SQL as the store).
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, completions, projects, prompts, rankingFlags, rankings, tasks, type Flag, type Message } from "../../db/schema";
import { countEligibleTasks, ELIGIBLE_COUNT_CAP, heldTaskIds } from "./assignment-store";
import { annotatorOrder } from "./assignment-view";
import { completionSnippet, lettersFor } from "./letters";
import { rankingEditability } from "./ranking-edit-rule";

export interface QueueProgress {
  projectId: number;
  /** Tasks this annotator ranked in the project. */
  ranked: number;
  skipped: number;
  /** Tasks this annotator could still be given now, including the one they hold (counted up to ELIGIBLE_COUNT_CAP + 1). */
  left: number;
  /** True when there are more tasks left than counted: `left` is a lower bound ("1,001+"). */
  leftCapped: boolean;
  /** The task they hold (active, unexpired assignment), if any. */
  heldTaskId: number | null;
  totalTasks: number;
}

export interface QueueProject extends QueueProgress {
  name: string;
  redundancy: number;
  completionsPerTask: number;
}

export function queueProgress(db: Db, projectId: number, userId: number, now: number = Date.now()): QueueProgress | undefined {
  const project = db.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) return undefined;
  const held = heldTaskIds(db, projectId, userId, now)[0] ?? null;
  // Counted in SQL (an annotator may have tens of thousands of rankings in a large project).
  const skipped =
    db
      .select({ n: count() })
      .from(assignments)
      .innerJoin(tasks, eq(tasks.id, assignments.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(assignments.userId, userId), eq(assignments.status, "skipped")))
      .get()?.n ?? 0;
  const ranked =
    db
      .select({ n: count() })
      .from(rankings)
      .innerJoin(tasks, eq(tasks.id, rankings.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(rankings.userId, userId)))
      .get()?.n ?? 0;
  const eligible = countEligibleTasks(db, project, userId, now);
  return {
    projectId,
    ranked,
    skipped,
    left: eligible + (held === null ? 0 : 1),
    leftCapped: eligible > ELIGIBLE_COUNT_CAP,
    heldTaskId: held,
    totalTasks: db.select({ n: count() }).from(tasks).where(eq(tasks.projectId, projectId)).get()?.n ?? 0,
  };
}

/** Every project with this annotator's counters, oldest project first. */
export function queueProjects(db: Db, userId: number, now: number = Date.now()): QueueProject[] {
  return db
    .select()
    .from(projects)
    .orderBy(asc(projects.id))
    .all()
    .map((p) => ({ ...queueProgress(db, p.id, userId, now)!, name: p.name, redundancy: p.redundancy, completionsPerTask: p.completionsPerTask }));
}

export interface SubmissionSummary {
  rankingId: number;
  taskId: number;
  projectId: number;
  projectName: string;
  /** The last user message of the conversation, for a one-line preview. */
  prompt: string;
  /**
   * The ranked groups, best first, each completion with its letter AS THIS ANNOTATOR SAW IT (their
   * assignment's display order; canonical for a ranking without an assignment) and its start.
   */
  groups: { completionId: number; letter: string; preview: string }[][];
  noneAcceptable: boolean;
  /** The flagged completions, by the same letters, with a snippet of each. */
  flags: { completionId: number; letter: string; snippet: string; flag: Flag }[];
  comment: string | null;
  secondsSpent: number | null;
  createdAt: number;
  version: number;
  updatedAt: number | null;
  /** Whether the annotator can still change it (lib/labeling/ranking-edit-rule.ts), and if not why. */
  editable: boolean;
  reason?: string;
}

export interface SkipSummary {
  assignmentId: number;
  taskId: number;
  projectId: number;
  projectName: string;
  prompt: string;
  reason: string | null;
  skippedAt: number | null;
}

const PREVIEW_CHARS = 160;

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_CHARS ? flat.slice(0, PREVIEW_CHARS - 1) + "…" : flat;
}

function lastUserMessage(messages: Message[]): string {
  const user = [...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1];
  return user?.content ?? "";
}

/** The annotator's own rankings (current versions), newest first. Never anyone else's. */
export function listSubmissions(db: Db, userId: number, limit = 500, now: number = Date.now()): SubmissionSummary[] {
  const rows = db
    .select({
      rankingId: rankings.id,
      taskId: rankings.taskId,
      assignmentId: rankings.assignmentId,
      groups: rankings.groups,
      noneAcceptable: rankings.noneAcceptable,
      comment: rankings.comment,
      secondsSpent: rankings.secondsSpent,
      source: rankings.source,
      createdAt: rankings.createdAt,
      version: rankings.version,
      updatedAt: rankings.updatedAt,
      projectId: projects.id,
      projectName: projects.name,
      redundancy: projects.redundancy,
      timeoutSeconds: projects.assignmentTimeoutSeconds,
      messages: prompts.messages,
    })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .where(and(eq(rankings.userId, userId), eq(rankings.source, "annotator")))
    .orderBy(desc(rankings.createdAt), desc(rankings.id))
    .limit(limit)
    .all();
  if (rows.length === 0) return [];
  const taskIds = [...new Set(rows.map((r) => r.taskId))];
  const byTask = new Map<number, { id: number; text: string }[]>();
  for (const c of db
    .select({ id: completions.id, taskId: completions.taskId, text: completions.text })
    .from(completions)
    .where(inArray(completions.taskId, taskIds))
    .orderBy(asc(completions.taskId), asc(completions.position))
    .all()) {
    byTask.set(c.taskId, [...(byTask.get(c.taskId) ?? []), { id: c.id, text: c.text }]);
  }
  const rankingsOnTask = new Map(
    db
      .select({ taskId: rankings.taskId, n: count() })
      .from(rankings)
      .where(inArray(rankings.taskId, taskIds))
      .groupBy(rankings.taskId)
      .all()
      .map((r) => [r.taskId, r.n]),
  );
  const flagsBy = new Map<number, { completionId: number; flag: Flag }[]>();
  for (const f of db
    .select({ rankingId: rankingFlags.rankingId, completionId: rankingFlags.completionId, flag: rankingFlags.flag })
    .from(rankingFlags)
    .where(
      inArray(
        rankingFlags.rankingId,
        rows.map((r) => r.rankingId),
      ),
    )
    .orderBy(asc(rankingFlags.completionId), asc(rankingFlags.flag))
    .all()) {
    flagsBy.set(f.rankingId, [...(flagsBy.get(f.rankingId) ?? []), { completionId: f.completionId, flag: f.flag }]);
  }
  return rows.map((r) => {
    const byPosition = byTask.get(r.taskId) ?? [];
    const seen = r.assignmentId === null ? byPosition : annotatorOrder(byPosition, r.assignmentId);
    const letters = lettersFor(seen.map((c) => c.id));
    const texts = new Map(byPosition.map((c) => [c.id, c.text]));
    const letter = (id: number) => letters.get(id) ?? `#${id}`;
    const editability = rankingEditability({
      source: r.source,
      rankingsOnTask: rankingsOnTask.get(r.taskId) ?? 1,
      redundancy: r.redundancy,
      submittedAt: r.createdAt,
      timeoutSeconds: r.timeoutSeconds,
      now,
    });
    return {
      rankingId: r.rankingId,
      taskId: r.taskId,
      projectId: r.projectId,
      projectName: r.projectName,
      prompt: preview(lastUserMessage(r.messages)),
      groups: r.groups.map((g) => g.map((completionId) => ({ completionId, letter: letter(completionId), preview: preview(texts.get(completionId) ?? "") }))),
      noneAcceptable: r.noneAcceptable,
      flags: (flagsBy.get(r.rankingId) ?? []).map((f) => ({
        ...f,
        letter: letter(f.completionId),
        snippet: completionSnippet(texts.get(f.completionId) ?? ""),
      })),
      comment: r.comment,
      secondsSpent: r.secondsSpent,
      createdAt: r.createdAt,
      version: r.version,
      updatedAt: r.updatedAt,
      editable: editability.editable,
      ...(editability.editable ? {} : { reason: editability.reason }),
    };
  });
}

/** The tasks the annotator skipped, with their reasons, newest first. Never anyone else's. */
export function listSkips(db: Db, userId: number, limit = 500): SkipSummary[] {
  return db
    .select({
      assignmentId: assignments.id,
      taskId: assignments.taskId,
      projectId: projects.id,
      projectName: projects.name,
      messages: prompts.messages,
      reason: assignments.skipReason,
      skippedAt: assignments.closedAt,
    })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .where(and(eq(assignments.userId, userId), eq(assignments.status, "skipped")))
    .orderBy(desc(assignments.closedAt), desc(assignments.id))
    .limit(limit)
    .all()
    .map(({ messages, ...s }) => ({ ...s, prompt: preview(lastUserMessage(messages)) }));
}
