// What an annotator sees of their own work: progress per project and their own submissions.
// Read-only; "left" counts the tasks the assignment rule would find eligible (same SQL as the store).
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, completions, projects, prompts, rankingFlags, rankings, tasks, type Message } from "../../db/schema";
import { countEligibleTasks, heldTaskIds } from "./assignment-store";

export interface QueueProgress {
  projectId: number;
  /** Tasks this annotator ranked in the project. */
  ranked: number;
  skipped: number;
  /** Tasks this annotator could still be given now, including the one they hold. */
  left: number;
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
  const skipped = db
    .select({ id: assignments.id })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(tasks.projectId, projectId), eq(assignments.userId, userId), eq(assignments.status, "skipped")))
    .all().length;
  const ranked = db
    .select({ id: rankings.id })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(and(eq(tasks.projectId, projectId), eq(rankings.userId, userId)))
    .all().length;
  return {
    projectId,
    ranked,
    skipped,
    left: countEligibleTasks(db, project, userId, now) + (held === null ? 0 : 1),
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
  /** The ranked groups, best first, each completion with the start of its text. */
  groups: { completionId: number; preview: string }[][];
  noneAcceptable: boolean;
  flags: number;
  comment: string | null;
  secondsSpent: number | null;
  createdAt: number;
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

/** The annotator's own rankings, newest first. Never anyone else's. */
export function listSubmissions(db: Db, userId: number, limit = 500): SubmissionSummary[] {
  const rows = db
    .select({
      rankingId: rankings.id,
      taskId: rankings.taskId,
      groups: rankings.groups,
      noneAcceptable: rankings.noneAcceptable,
      comment: rankings.comment,
      secondsSpent: rankings.secondsSpent,
      createdAt: rankings.createdAt,
      projectId: projects.id,
      projectName: projects.name,
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
  const texts = new Map(
    db
      .select({ id: completions.id, text: completions.text })
      .from(completions)
      .where(inArray(completions.taskId, [...new Set(rows.map((r) => r.taskId))]))
      .all()
      .map((c) => [c.id, preview(c.text)]),
  );
  const flagCounts = new Map<number, number>();
  for (const f of db
    .select({ rankingId: rankingFlags.rankingId })
    .from(rankingFlags)
    .where(inArray(rankingFlags.rankingId, rows.map((r) => r.rankingId)))
    .all()) {
    flagCounts.set(f.rankingId, (flagCounts.get(f.rankingId) ?? 0) + 1);
  }
  return rows.map((r) => ({
    rankingId: r.rankingId,
    taskId: r.taskId,
    projectId: r.projectId,
    projectName: r.projectName,
    prompt: preview(lastUserMessage(r.messages)),
    groups: r.groups.map((g) => g.map((completionId) => ({ completionId, preview: texts.get(completionId) ?? "" }))),
    noneAcceptable: r.noneAcceptable,
    flags: flagCounts.get(r.rankingId) ?? 0,
    comment: r.comment,
    secondsSpent: r.secondsSpent,
    createdAt: r.createdAt,
  }));
}
