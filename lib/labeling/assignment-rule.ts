// Who gets which task: the whole distribution rule, pure (no I/O). The store
// (assignment-store.ts) loads the numbers, calls this, and writes the outcome.
//
// An annotator asking for work in a project gets
//   1. the open (active, unexpired) assignment they already hold there, if any — never a second one;
//   2. otherwise a task they have not ranked or skipped whose load — rankings plus live
//      assignments of other annotators — is below R, choosing the least-loaded task first and
//      the oldest (lowest id) among equals, so that tasks fill up evenly and in a stable order
//      (R plus the task's extra rankings when a reviewer sent it back for more). Under a task
//      order other than "even" (task-order.ts) each task may carry a priority: lower first, tasks
//      without one after all that have one, then load and id as above.
// Gold tasks are not in the input: they are served apart (lib/quality/gold-serving.ts).
// An assignment past its expiry no longer counts towards the load: its task returns to the pool,
// and its holder may be offered it again.

export interface LiveAssignment {
  userId: number;
  /** Unix ms after which the assignment no longer holds a slot. */
  expiresAt: number;
}

export interface TaskLoad {
  taskId: number;
  /** Rankings stored for the task (annotators' and imported ones). */
  rankings: number;
  /** Assignments still marked active (some may have expired by `now`). */
  active: LiveAssignment[];
  /** Rankings asked beyond R for this task (a reviewer sent it back); 0 when absent. */
  extraRedundancy?: number;
  /** The task order's priority (task-order.ts), lower first; null or absent: after every task with one. */
  priority?: number | null;
}

export interface AssignmentHistory {
  /** Tasks the annotator ranked or skipped: never offered again. */
  closedTaskIds: ReadonlySet<number>;
}

export interface AssignmentInput {
  tasks: readonly TaskLoad[];
  userId: number;
  history: AssignmentHistory;
  /** R: how many annotators rank each task. */
  redundancy: number;
  now: number;
}

export type AssignmentChoice = { kind: "existing"; taskId: number } | { kind: "new"; taskId: number } | { kind: "none" };

/** True when the assignment still holds its slot at `now`. */
export function isLive(assignment: LiveAssignment, now: number): boolean {
  return assignment.expiresAt > now;
}

/** The number of slots a task has taken at `now`: rankings plus live assignments. */
export function taskLoad(task: TaskLoad, now: number): number {
  return task.rankings + task.active.filter((a) => isLive(a, now)).length;
}

/** The tasks the annotator could be given now (excluding one they already hold), in the order they would be handed out. */
export function eligibleTasks(input: AssignmentInput): TaskLoad[] {
  const { userId, history, redundancy, now } = input;
  const withLoad = input.tasks
    .filter((t) => !history.closedTaskIds.has(t.taskId))
    .filter((t) => !t.active.some((a) => a.userId === userId && isLive(a, now)))
    .map((task) => ({ task, load: taskLoad(task, now) }))
    .filter(({ task, load }) => load < redundancy + (task.extraRedundancy ?? 0));
  const rank = (t: TaskLoad) => t.priority ?? Infinity;
  withLoad.sort((a, b) => rank(a.task) - rank(b.task) || a.load - b.load || a.task.taskId - b.task.taskId);
  return withLoad.map(({ task }) => task);
}

/** The task the annotator holds now, if any: the oldest one when (unexpectedly) several. */
export function heldTask(input: Pick<AssignmentInput, "tasks" | "userId" | "history" | "now">): number | null {
  let held: number | null = null;
  for (const t of input.tasks) {
    if (input.history.closedTaskIds.has(t.taskId)) continue;
    if (t.active.some((a) => a.userId === input.userId && isLive(a, input.now)) && (held === null || t.taskId < held)) held = t.taskId;
  }
  return held;
}

/** The whole rule: give back the open assignment, else the first eligible task, else nothing. */
export function chooseTask(input: AssignmentInput): AssignmentChoice {
  const held = heldTask(input);
  if (held !== null) return { kind: "existing", taskId: held };
  const [first] = eligibleTasks(input);
  return first ? { kind: "new", taskId: first.taskId } : { kind: "none" };
}
