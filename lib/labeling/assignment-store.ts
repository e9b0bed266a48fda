// The SQL around the assignment rule: load the numbers, ask the rule, write the outcome.
// Handing out work runs in one IMMEDIATE transaction (the write lock is taken before the
// numbers are read), so concurrent requests — in one process or many, each with its own
// connection — are serialized and can never push a task past R.
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, projects, rankings, tasks } from "../../db/schema";
import { pickGoldTask } from "../quality/gold-serving";
import { chooseTask, type AssignmentInput, type TaskLoad } from "./assignment-rule";
import { taskPrioritySql, uncertaintyGaps } from "./task-order";

export type Assignment = typeof assignments.$inferSelect;
export type Project = typeof projects.$inferSelect;

/** Marks the project's active assignments whose time is up as expired (lazily, on the next request). */
export function expireAssignments(db: Db, projectId: number, now: number): number {
  return db
    .update(assignments)
    .set({ status: "expired", closedAt: now })
    .where(
      and(
        eq(assignments.status, "active"),
        lte(assignments.expiresAt, now),
        inArray(assignments.taskId, db.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId))),
      ),
    )
    .run().changes;
}

/**
 * The rule's input for one annotator in one project, read from the database (no writes): every
 * task of the project that is not gold (gold tasks are served apart) plus any task the annotator
 * holds, or only `onlyTaskIds` when given.
 */
export function readAssignmentInput(
  db: Db,
  project: Pick<Project, "id" | "redundancy">,
  userId: number,
  now: number,
  onlyTaskIds?: readonly number[],
  priorities?: ReadonlyMap<number, number>,
): AssignmentInput {
  const inScope = onlyTaskIds ? inArray(tasks.id, [...onlyTaskIds]) : or(isNull(tasks.gold), inArray(tasks.id, heldTaskIds(db, project.id, userId, now)));
  const taskIds = db
    .select({ id: tasks.id, extraRedundancy: tasks.extraRedundancy })
    .from(tasks)
    .where(and(eq(tasks.projectId, project.id), inScope))
    .orderBy(asc(tasks.id))
    .all();
  const rankingCounts = db
    .select({ taskId: rankings.taskId, n: sql<number>`count(*)` })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(and(eq(tasks.projectId, project.id), inScope))
    .groupBy(rankings.taskId)
    .all();
  const active = db
    .select({ taskId: assignments.taskId, userId: assignments.userId, expiresAt: assignments.expiresAt })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(tasks.projectId, project.id), inScope, eq(assignments.status, "active")))
    .all();
  const ranked = db
    .select({ taskId: rankings.taskId })
    .from(rankings)
    .innerJoin(tasks, eq(tasks.id, rankings.taskId))
    .where(and(eq(tasks.projectId, project.id), inScope, eq(rankings.userId, userId)))
    .all();
  const closed = db
    .select({ taskId: assignments.taskId })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(tasks.projectId, project.id), inScope, eq(assignments.userId, userId), inArray(assignments.status, ["submitted", "skipped"])))
    .all();

  const loads = new Map<number, TaskLoad>(
    taskIds.map(({ id, extraRedundancy }) => [
      id,
      { taskId: id, rankings: 0, active: [], extraRedundancy, ...(priorities ? { priority: priorities.get(id) ?? null } : {}) },
    ]),
  );
  for (const r of rankingCounts) {
    const load = loads.get(r.taskId);
    if (load) load.rankings = Number(r.n);
  }
  for (const a of active) loads.get(a.taskId)?.active.push({ userId: a.userId, expiresAt: a.expiresAt });
  return {
    tasks: [...loads.values()],
    userId,
    history: { closedTaskIds: new Set([...ranked, ...closed].map((r) => r.taskId)) },
    redundancy: project.redundancy,
    now,
  };
}

// Reading every task of a large project on each request is slow (~0.5 s at 100,000 tasks), so
// the store narrows the rule's input in SQL to the tasks that can matter: the ones the annotator
// holds, and the first few eligible tasks in the rule's own order (load, then id). The rule then
// decides on those exactly as it would on all tasks; a test checks that the two agree.
const CANDIDATES = 32;

/**
 * SQL for the tasks the rule would find eligible (not gold, not held, not closed by the user,
 * load < R + the task's extra rankings), in its order. The loads are counted once per request in grouped subqueries (one pass over the
 * project's rankings and live assignments) rather than by correlated subqueries per task, which
 * cost four index probes for every task of the project on every request.
 */
function eligibleTasksSql(projectId: number, userId: number, redundancy: number, now: number) {
  return sql`
    SELECT id AS taskId FROM (
      SELECT t.id AS id, coalesce(ranked.n, 0) + coalesce(held.n, 0) AS load, t.extra_redundancy AS extra
      FROM tasks t
      LEFT JOIN (
        SELECT r.task_id AS id, count(*) AS n FROM rankings r JOIN tasks pt ON pt.id = r.task_id
        WHERE pt.project_id = ${projectId} GROUP BY r.task_id
      ) ranked ON ranked.id = t.id
      LEFT JOIN (
        SELECT a.task_id AS id, count(*) AS n FROM assignments a JOIN tasks pt ON pt.id = a.task_id
        WHERE pt.project_id = ${projectId} AND a.status = 'active' AND a.expires_at > ${now} GROUP BY a.task_id
      ) held ON held.id = t.id
      WHERE t.project_id = ${projectId} AND t.gold IS NULL
        AND t.id NOT IN (
          SELECT a.task_id FROM assignments a WHERE a.user_id = ${userId}
            AND (a.status IN ('submitted', 'skipped') OR (a.status = 'active' AND a.expires_at > ${now}))
          UNION ALL
          SELECT r.task_id FROM rankings r WHERE r.user_id = ${userId})
    ) WHERE load < ${redundancy} + extra
    ORDER BY load, id`;
}

/**
 * The eligible tasks with their priority under the project's task order (task-order.ts), in the
 * rule's order: priority (none last), load, id. For `even` (no priority) it is eligibleTasksSql.
 */
function orderedEligibleSql(project: Pick<Project, "id" | "redundancy" | "taskOrder">, userId: number, now: number) {
  const priority = taskPrioritySql(project.taskOrder);
  if (!priority) return sql`SELECT taskId, NULL AS priority FROM (${eligibleTasksSql(project.id, userId, project.redundancy, now)})`;
  const { id: projectId, redundancy } = project;
  return sql`
    WITH eligible AS MATERIALIZED (
      SELECT t.id AS id, coalesce(ranked.n, 0) AS n, coalesce(ranked.n, 0) + coalesce(held.n, 0) AS load
      FROM tasks t
      LEFT JOIN (
        SELECT r.task_id AS id, count(*) AS n FROM rankings r JOIN tasks pt ON pt.id = r.task_id
        WHERE pt.project_id = ${projectId} GROUP BY r.task_id
      ) ranked ON ranked.id = t.id
      LEFT JOIN (
        SELECT a.task_id AS id, count(*) AS n FROM assignments a JOIN tasks pt ON pt.id = a.task_id
        WHERE pt.project_id = ${projectId} AND a.status = 'active' AND a.expires_at > ${now} GROUP BY a.task_id
      ) held ON held.id = t.id
      WHERE t.project_id = ${projectId} AND t.gold IS NULL
        AND coalesce(ranked.n, 0) + coalesce(held.n, 0) < ${redundancy} + t.extra_redundancy
        AND t.id NOT IN (
          SELECT a.task_id FROM assignments a WHERE a.user_id = ${userId}
            AND (a.status IN ('submitted', 'skipped') OR (a.status = 'active' AND a.expires_at > ${now}))
          UNION ALL
          SELECT r.task_id FROM rankings r WHERE r.user_id = ${userId})
    )
    SELECT e.id AS taskId, pr.priority AS priority FROM eligible e LEFT JOIN (${priority}) pr ON pr.id = e.id
    ORDER BY pr.priority IS NULL, pr.priority, e.load, e.id`;
}

/** The tasks the annotator holds (live active assignments) in the project. */
export function heldTaskIds(db: Db, projectId: number, userId: number, now: number): number[] {
  return db
    .select({ taskId: assignments.taskId })
    .from(assignments)
    .innerJoin(tasks, eq(tasks.id, assignments.taskId))
    .where(and(eq(tasks.projectId, projectId), eq(assignments.userId, userId), eq(assignments.status, "active"), gt(assignments.expiresAt, now)))
    .orderBy(asc(assignments.taskId))
    .all()
    .map((r) => r.taskId);
}

/** The rule's input narrowed to the tasks that can decide its choice (see above). */
export function narrowedAssignmentInput(
  db: Db,
  project: Pick<Project, "id" | "redundancy"> & Partial<Pick<Project, "taskOrder">>,
  userId: number,
  now: number,
): AssignmentInput {
  const order = project.taskOrder ?? "even";
  const gaps = order === "uncertain" ? uncertaintyGaps(db, project.id, now) : null;
  let rows: { taskId: number; priority: number | null }[];
  if (gaps) {
    // Every eligible task in load, id order, then (a stable sort) by gap: gap, load, id.
    const gapOf = (id: number) => gaps.get(id) ?? Infinity;
    rows = db
      .all<{ taskId: number }>(eligibleTasksSql(project.id, userId, project.redundancy, now))
      .sort((a, b) => gapOf(a.taskId) - gapOf(b.taskId) || 0)
      .slice(0, CANDIDATES)
      .map((r) => ({ taskId: r.taskId, priority: gaps.get(r.taskId) ?? null }));
  } else {
    rows = db.all<{ taskId: number; priority: number | null }>(
      sql`${orderedEligibleSql({ ...project, taskOrder: order === "uncertain" ? "even" : order }, userId, now)} LIMIT ${CANDIDATES}`,
    );
  }
  const priorities = order !== "even" ? new Map(rows.filter((r) => r.priority !== null).map((r) => [r.taskId, Number(r.priority)])) : undefined;
  return readAssignmentInput(db, project, userId, now, [...heldTaskIds(db, project.id, userId, now), ...rows.map((r) => r.taskId)], priorities);
}

/** How many tasks the rule would find eligible for the annotator now (excluding any they hold). */
export function countEligibleTasks(db: Db, project: Pick<Project, "id" | "redundancy">, userId: number, now: number): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (${eligibleTasksSql(project.id, userId, project.redundancy, now)})`)?.n ?? 0;
}

export interface RequestedAssignment {
  assignment: Assignment;
  /** True when the annotator already held this assignment (nothing new was handed out). */
  resumed: boolean;
}

/**
 * Work for an annotator in a project: the open assignment they hold, else a new one on the
 * task the rule picks (or, with the project's gold share, on a gold task they have not done:
 * lib/quality/gold-serving.ts), else null when nothing is left for them. Undefined for an
 * unknown project. `random` draws the gold share.
 */
export function requestAssignment(
  db: Db,
  projectId: number,
  userId: number,
  now: number = Date.now(),
  random: () => number = Math.random,
): RequestedAssignment | null | undefined {
  return db.transaction(
    (tx) => {
      const project = tx.select().from(projects).where(eq(projects.id, projectId)).get();
      if (!project) return undefined;
      expireAssignments(tx, projectId, now);
      const choice = chooseTask(narrowedAssignmentInput(tx, project, userId, now));
      if (choice.kind === "none") return null;
      if (choice.kind === "existing") {
        const held = tx
          .select()
          .from(assignments)
          .where(and(eq(assignments.taskId, choice.taskId), eq(assignments.userId, userId)))
          .get();
        if (!held) throw new Error(`assignment of task ${choice.taskId} vanished inside its transaction`);
        return { assignment: held, resumed: true };
      }
      const taskId = pickGoldTask(tx, project, userId, random) ?? choice.taskId;
      // A new assignment; an expired one of the same annotator on that task (one row per task and
      // annotator) is reopened with a fresh clock.
      const expiresAt = now + project.assignmentTimeoutSeconds * 1000;
      const assignment = tx
        .insert(assignments)
        .values({ taskId, userId, status: "active", createdAt: now, expiresAt })
        .onConflictDoUpdate({
          target: [assignments.taskId, assignments.userId],
          set: { status: "active", createdAt: now, expiresAt, closedAt: null, skipReason: null },
          setWhere: eq(assignments.status, "expired"),
        })
        .returning()
        .get();
      if (!assignment) throw new Error(`task ${taskId} was offered to user ${userId} but their assignment on it is closed`);
      return { assignment, resumed: false };
    },
    { behavior: "immediate" },
  );
}

/** The caller's assignment on a task (one per task and annotator), if any. */
export function findAssignment(db: Db, taskId: number, userId: number): Assignment | undefined {
  return db
    .select()
    .from(assignments)
    .where(and(eq(assignments.taskId, taskId), eq(assignments.userId, userId)))
    .get();
}

export type SkipResult = { ok: true; assignment: Assignment } | { ok: false; status: 403 | 404 | 409; error: string };

/**
 * The annotator gives a task back with a reason; it is never offered to them again. Skipping
 * an expired assignment is allowed (it only closes it); skipping twice answers the same.
 */
export function skipAssignment(db: Db, taskId: number, userId: number, reason: string, now: number = Date.now()): SkipResult {
  return db.transaction(
    (tx): SkipResult => {
      const task = tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, taskId)).get();
      if (!task) return { ok: false, status: 404, error: `task ${taskId} not found` };
      const assignment = findAssignment(tx, taskId, userId);
      if (!assignment) return { ok: false, status: 403, error: `task ${taskId} is not assigned to you` };
      if (assignment.status === "skipped") return { ok: true, assignment };
      if (assignment.status === "submitted") return { ok: false, status: 409, error: `task ${taskId} is already ranked; it cannot be skipped` };
      const updated = tx
        .update(assignments)
        .set({ status: "skipped", skipReason: reason, closedAt: now })
        .where(eq(assignments.id, assignment.id))
        .returning()
        .get();
      return { ok: true, assignment: updated };
    },
    { behavior: "immediate" },
  );
}
