// What the ranking page receives for an assignment: the conversation, the completions in the
// order this annotator sees them, and their progress. The display order is shuffled per
// assignment (seeded by its id: stable across reloads, different across annotators) so that no
// completion wins by always being shown first. Model names are left out for the same reason.
import { eq } from "drizzle-orm";
import { mulberry32 } from "../ml/random";
import type { Db } from "../../db/client";
import { projects, type Message, type ProjectMode } from "../../db/schema";
import { getTask } from "../tasks";
import type { Assignment } from "./assignment-store";
import { isPairwiseTask } from "./pairwise";
import { queueProgress, type QueueProgress } from "./queue";

export interface AssignmentPayload {
  assignment: Pick<Assignment, "id" | "taskId" | "status" | "createdAt" | "expiresAt">;
  /** True when the annotator already held it (e.g. after a reload). */
  resumed: boolean;
  task: {
    id: number;
    projectId: number;
    messages: Message[];
    /** In display order. */
    completions: { id: number; text: string }[];
    /** Asked as a pair, A and B in display order, with a strength (pairwise.ts); false: rank them all. */
    pairwise: boolean;
  };
  progress: QueueProgress;
}

/** The items in a deterministic shuffled order for this seed (Fisher–Yates). */
export function displayOrder<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = mulberry32(seed * 2654435761);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The completions in the order the holder of assignment `assignmentId` sees them: the task's
 * completions in stored (position) order, shuffled by the assignment's id. Every view that shows
 * a ranking "as the annotator saw it" uses this, so its letters match the ranking page's.
 */
export function annotatorOrder<T extends { id: number }>(completionsByPosition: readonly T[], assignmentId: number): T[] {
  return displayOrder(completionsByPosition, assignmentId);
}

function projectMode(db: Db, projectId: number): ProjectMode {
  return db.select({ mode: projects.mode }).from(projects).where(eq(projects.id, projectId)).get()?.mode ?? "ranking";
}

export function assignmentPayload(db: Db, assignment: Assignment, resumed: boolean, userId: number, now: number = Date.now()): AssignmentPayload {
  const task = getTask(db, assignment.taskId);
  if (!task) throw new Error(`task ${assignment.taskId} of assignment ${assignment.id} not found`);
  return {
    assignment: { id: assignment.id, taskId: assignment.taskId, status: assignment.status, createdAt: assignment.createdAt, expiresAt: assignment.expiresAt },
    resumed,
    task: {
      id: task.id,
      projectId: task.projectId,
      messages: task.messages,
      completions: annotatorOrder(
        task.completions.map((c) => ({ id: c.id, text: c.text })),
        assignment.id,
      ),
      pairwise: isPairwiseTask(projectMode(db, task.projectId), task.completions.length),
    },
    progress: queueProgress(db, task.projectId, userId, now)!,
  };
}
