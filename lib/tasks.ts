// Tasks: a prompt (conversation) with the completions to rank. Writing one is a single transaction.
import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { completions, prompts, tasks, type Message } from "../db/schema";

export interface NewCompletion {
  text: string;
  model?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface NewTask {
  messages: Message[];
  completions: NewCompletion[];
  externalId?: string | null;
  promptMetadata?: Record<string, unknown> | null;
  /** Reuse an existing prompt (e.g. new samples of a policy for a prompt already in the project). */
  promptId?: number;
}

export interface CreatedTask {
  taskId: number;
  promptId: number;
  completionIds: number[];
}

/** Inserts the prompt, the task and its completions. Call inside a transaction when writing many. */
export function insertTask(db: Db, projectId: number, task: NewTask): CreatedTask {
  const promptId =
    task.promptId ??
    db
      .insert(prompts)
      .values({ projectId, messages: task.messages, externalId: task.externalId ?? null, metadata: task.promptMetadata ?? null })
      .returning({ id: prompts.id })
      .get().id;
  const taskId = db.insert(tasks).values({ projectId, promptId }).returning({ id: tasks.id }).get().id;
  const completionIds = task.completions.map(
    (c, position) =>
      db
        .insert(completions)
        .values({ taskId, position, text: c.text, model: c.model ?? null, metadata: c.metadata ?? null })
        .returning({ id: completions.id })
        .get().id,
  );
  return { taskId, promptId, completionIds };
}

export interface TaskView {
  id: number;
  projectId: number;
  promptId: number;
  messages: Message[];
  completions: { id: number; position: number; text: string; model: string | null }[];
}

export function getTask(db: Db, taskId: number): TaskView | undefined {
  const row = db
    .select({ id: tasks.id, projectId: tasks.projectId, promptId: tasks.promptId, messages: prompts.messages })
    .from(tasks)
    .innerJoin(prompts, eq(prompts.id, tasks.promptId))
    .where(eq(tasks.id, taskId))
    .get();
  if (!row) return undefined;
  const list = db
    .select({ id: completions.id, position: completions.position, text: completions.text, model: completions.model })
    .from(completions)
    .where(eq(completions.taskId, taskId))
    .orderBy(asc(completions.position))
    .all();
  return { ...row, completions: list };
}

/** Completion ids of several tasks, keyed by task id, in display order. */
export function completionIdsByTask(db: Db, taskIds: number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (taskIds.length === 0) return out;
  const rows = db
    .select({ id: completions.id, taskId: completions.taskId })
    .from(completions)
    .where(inArray(completions.taskId, taskIds))
    .orderBy(asc(completions.taskId), asc(completions.position))
    .all();
  for (const r of rows) out.set(r.taskId, [...(out.get(r.taskId) ?? []), r.id]);
  return out;
}
