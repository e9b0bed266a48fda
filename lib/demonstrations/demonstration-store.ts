// Demonstrations in a project of mode `demonstration`: the annotator gets a task from the same
// assignment rule as rankings (lib/labeling/assignment-store.ts: R annotators per task, where a
// submitted demonstration takes a slot as a ranking does), writes the ideal answer, saves drafts
// as they type (kept server-side, one row per task and annotator, so a reload finds them) and
// submits, which closes their assignment. Every write is one IMMEDIATE transaction.
import { and, asc, count, eq, gt, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, completions, demonstrations, projects, prompts, tasks, type Message } from "../../db/schema";
import {
  countEligibleTasks,
  ELIGIBLE_COUNT_CAP,
  findAssignment,
  heldTaskIds,
  requestAssignment,
  type Assignment,
  type RequestedAssignment,
} from "../labeling/assignment-store";
import { raiseProjectVersion } from "../stats/change-stamp";

export type Demonstration = typeof demonstrations.$inferSelect;

export interface DemonstrationProgress {
  projectId: number;
  /** Demonstrations this annotator submitted in the project. */
  written: number;
  skipped: number;
  /** Tasks they could still be given now, including the one they hold (up to ELIGIBLE_COUNT_CAP + 1). */
  left: number;
  leftCapped: boolean;
  totalTasks: number;
}

export interface DemonstrationPayload {
  assignment: Pick<Assignment, "id" | "taskId" | "status" | "createdAt" | "expiresAt">;
  resumed: boolean;
  task: {
    id: number;
    projectId: number;
    /** The whole conversation the answer continues. */
    messages: Message[];
    /** The model's completions as starting points, in stored order; empty when the project does not show them. */
    completions: { id: number; text: string }[];
  };
  /** The caller's saved draft of this task, if any. */
  draft: { text: string; updatedAt: number } | null;
  progress: DemonstrationProgress;
}

export type DemonstrationResult =
  { ok: true; demonstration: Demonstration; created: boolean } | { ok: false; status: 403 | 404 | 409; error: string; field?: string };

/**
 * Gives every prompt of the project that has no task a task without completions, so that prompts
 * imported alone (gsm8k, qa) can be handed out for demonstrations. Reads first; writes only when
 * some prompt lacks a task. Returns how many tasks it created.
 */
export function ensurePromptTasks(db: Db, projectId: number): number {
  const missing = sql`SELECT p.project_id, p.id FROM prompts p WHERE p.project_id = ${projectId} AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.prompt_id = p.id)`;
  const any = db.get<{ any: number }>(sql`SELECT EXISTS (${missing}) AS any`);
  if (!any?.any) return 0;
  return db.transaction((tx) => tx.run(sql`INSERT INTO tasks (project_id, prompt_id) ${missing}`).changes, { behavior: "immediate" });
}

/** Work for an annotator in a demonstration project (see requestAssignment); undefined for an unknown project. */
export function requestDemonstrationTask(db: Db, projectId: number, userId: number, now: number = Date.now()): RequestedAssignment | null | undefined {
  ensurePromptTasks(db, projectId);
  return requestAssignment(db, projectId, userId, now);
}

export function demonstrationProgress(db: Db, projectId: number, userId: number, now: number = Date.now()): DemonstrationProgress | undefined {
  const project = db.select().from(projects).where(eq(projects.id, projectId)).get();
  if (!project) return undefined;
  const held = heldTaskIds(db, projectId, userId, now).length > 0;
  const mine = (status: "skipped") =>
    db
      .select({ n: count() })
      .from(assignments)
      .innerJoin(tasks, eq(tasks.id, assignments.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(assignments.userId, userId), eq(assignments.status, status)))
      .get()?.n ?? 0;
  const written =
    db
      .select({ n: count() })
      .from(demonstrations)
      .innerJoin(tasks, eq(tasks.id, demonstrations.taskId))
      .where(and(eq(tasks.projectId, projectId), eq(demonstrations.userId, userId), eq(demonstrations.status, "submitted")))
      .get()?.n ?? 0;
  const eligible = countEligibleTasks(db, project, userId, now);
  return {
    projectId,
    written,
    skipped: mine("skipped"),
    left: eligible + (held ? 1 : 0),
    leftCapped: eligible > ELIGIBLE_COUNT_CAP,
    totalTasks: db.select({ n: count() }).from(tasks).where(eq(tasks.projectId, projectId)).get()?.n ?? 0,
  };
}

function taskContext(db: Db, taskId: number) {
  return db
    .select({ id: tasks.id, projectId: tasks.projectId, messages: prompts.messages, mode: projects.mode, showCompletions: projects.showCompletions })
    .from(tasks)
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(eq(tasks.id, taskId))
    .get();
}

function ownDemonstration(db: Db, taskId: number, userId: number): Demonstration | undefined {
  return db
    .select()
    .from(demonstrations)
    .where(and(eq(demonstrations.taskId, taskId), eq(demonstrations.userId, userId)))
    .get();
}

/** What the demonstration page receives for an assignment: the conversation, the starting points, the caller's draft. */
export function demonstrationPayload(db: Db, assignment: Assignment, resumed: boolean, userId: number, now: number = Date.now()): DemonstrationPayload {
  const task = taskContext(db, assignment.taskId);
  if (!task) throw new Error(`task ${assignment.taskId} of assignment ${assignment.id} not found`);
  const starting = task.showCompletions
    ? db
        .select({ id: completions.id, text: completions.text })
        .from(completions)
        .where(eq(completions.taskId, task.id))
        .orderBy(asc(completions.position))
        .all()
    : [];
  const own = ownDemonstration(db, task.id, userId);
  return {
    assignment: { id: assignment.id, taskId: assignment.taskId, status: assignment.status, createdAt: assignment.createdAt, expiresAt: assignment.expiresAt },
    resumed,
    task: { id: task.id, projectId: task.projectId, messages: task.messages, completions: starting },
    draft: own && own.status === "draft" ? { text: own.text, updatedAt: own.updatedAt } : null,
    progress: demonstrationProgress(db, task.projectId, userId, now)!,
  };
}

/** The checks shared by saving a draft and submitting: the task is a demonstration task assigned to the caller and still open to them. */
function openAssignment(
  tx: Db,
  taskId: number,
  userId: number,
): { ok: true; assignment: Assignment; own: Demonstration | undefined; projectId: number } | Extract<DemonstrationResult, { ok: false }> {
  const task = taskContext(tx, taskId);
  if (!task) return { ok: false, status: 404, error: `task ${taskId} not found` };
  if (task.mode !== "demonstration")
    return { ok: false, status: 409, error: `task ${taskId} belongs to a ${task.mode} project; it takes a ranking, not a demonstration` };
  const assignment = findAssignment(tx, taskId, userId);
  if (!assignment) return { ok: false, status: 403, error: `task ${taskId} is not assigned to you` };
  if (assignment.status === "skipped") return { ok: false, status: 409, error: `you skipped task ${taskId}` };
  return { ok: true, assignment, own: ownDemonstration(tx, taskId, userId), projectId: task.projectId };
}

/** Saves the caller's draft of a task assigned to them (also after their assignment expired: their words are kept). */
export function saveDemonstrationDraft(db: Db, taskId: number, userId: number, text: string, now: number = Date.now()): DemonstrationResult {
  return db.transaction(
    (tx): DemonstrationResult => {
      const open = openAssignment(tx, taskId, userId);
      if (!open.ok) return open;
      if (open.own?.status === "submitted") return { ok: false, status: 409, error: `your demonstration of task ${taskId} is already submitted` };
      const row = tx
        .insert(demonstrations)
        .values({ taskId, userId, assignmentId: open.assignment.id, text, status: "draft", createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [demonstrations.taskId, demonstrations.userId], set: { text, updatedAt: now, assignmentId: open.assignment.id } })
        .returning()
        .get();
      // A new draft adds to the statistics' draft count; later autosaves change no figure (change-stamp.ts).
      if (open.own === undefined) raiseProjectVersion(tx, open.projectId);
      return { ok: true, demonstration: row, created: open.own === undefined };
    },
    { behavior: "immediate" },
  );
}

/** How many slots of the task others hold now: submitted demonstrations and rankings, and live assignments of other annotators. */
function takenByOthers(tx: Db, taskId: number, userId: number, now: number): number {
  const answers = tx.get<{ n: number }>(
    sql`SELECT (SELECT count(*) FROM demonstrations WHERE task_id = ${taskId} AND status = 'submitted')
      + (SELECT count(*) FROM rankings WHERE task_id = ${taskId}) AS n`,
  );
  const live =
    tx
      .select({ n: count() })
      .from(assignments)
      .where(and(eq(assignments.taskId, taskId), ne(assignments.userId, userId), eq(assignments.status, "active"), gt(assignments.expiresAt, now)))
      .get()?.n ?? 0;
  return Number(answers?.n ?? 0) + live;
}

/**
 * Submits the caller's demonstration: the row becomes `submitted` (pending review) and their
 * assignment closes. A repeated submit answers the stored one (created false), writing nothing.
 * After the assignment expired, the submit is taken while the task still has a free slot.
 */
export function submitDemonstration(db: Db, taskId: number, userId: number, text: string, now: number = Date.now()): DemonstrationResult {
  return db.transaction(
    (tx): DemonstrationResult => {
      const open = openAssignment(tx, taskId, userId);
      if (!open.ok) return open;
      if (open.own?.status === "submitted") return { ok: true, demonstration: open.own, created: false };
      const { assignment } = open;
      if (assignment.status === "expired" || assignment.expiresAt <= now) {
        const limits = tx
          .select({ redundancy: projects.redundancy, extra: tasks.extraRedundancy })
          .from(tasks)
          .innerJoin(projects, eq(projects.id, tasks.projectId))
          .where(eq(tasks.id, taskId))
          .get()!;
        if (takenByOthers(tx, taskId, userId, now) >= limits.redundancy + limits.extra)
          return { ok: false, status: 409, error: `your time on task ${taskId} ran out and it went to others; your draft is kept` };
      }
      const row = tx
        .insert(demonstrations)
        .values({ taskId, userId, assignmentId: assignment.id, text, status: "submitted", createdAt: now, updatedAt: now, submittedAt: now })
        .onConflictDoUpdate({
          target: [demonstrations.taskId, demonstrations.userId],
          set: { text, status: "submitted", updatedAt: now, submittedAt: now, assignmentId: assignment.id },
        })
        .returning()
        .get();
      tx.update(assignments).set({ status: "submitted", closedAt: now }).where(eq(assignments.id, assignment.id)).run();
      return { ok: true, demonstration: row, created: true };
    },
    { behavior: "immediate" },
  );
}

/** The caller's own demonstration of a task (draft or submitted) with the task's conversation; never anyone else's. */
export function readOwnDemonstration(
  db: Db,
  taskId: number,
  userId: number,
): { demonstration: Demonstration; task: { id: number; projectId: number; messages: Message[] } } | undefined {
  const own = ownDemonstration(db, taskId, userId);
  if (!own) return undefined;
  const task = taskContext(db, taskId)!;
  return { demonstration: own, task: { id: task.id, projectId: task.projectId, messages: task.messages } };
}
