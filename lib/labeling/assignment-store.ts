// The SQL around the assignment rule: load the numbers, ask the rule, write the outcome.
// Handing out work runs in one IMMEDIATE transaction (the write lock is taken before the
// numbers are read), so concurrent requests — in one process or many, each with its own
// connection — are serialized and can never push a task past R.
import { and, asc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { assignments, demonstrations, projects, rankings, tasks } from "../../db/schema";
import { pickGoldTask } from "../quality/gold-serving";
import { chooseTask, type AssignmentInput, type TaskLoad } from "./assignment-rule";
import { taskPrioritySql, uncertaintyGaps } from "./task-order";

export type Assignment = typeof assignments.$inferSelect;
export type Project = typeof projects.$inferSelect;

/** Marks the project's active assignments whose time is up as expired (lazily, on the next request). */
export function expireAssignments(db: Db, projectId: number, now: number): number {
  // Found through assignments_active_expiry (the few active ones past their time; the CROSS JOIN
  // keeps that order), then checked for the project: never a pass over the project's tasks.
  return db.run(sql`
    UPDATE assignments SET status = 'expired', closed_at = ${now}
    WHERE id IN (
      SELECT a.id FROM assignments a CROSS JOIN tasks t ON t.id = a.task_id
      WHERE a.status = 'active' AND a.expires_at <= ${now} AND t.project_id = ${projectId})`).changes;
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
  // A submitted demonstration (demonstration mode) takes a slot as a ranking does (as in tasks.load).
  const demonstrationCounts = db
    .select({ taskId: demonstrations.taskId, n: sql<number>`count(*)` })
    .from(demonstrations)
    .innerJoin(tasks, eq(tasks.id, demonstrations.taskId))
    .where(and(eq(tasks.projectId, project.id), inScope, eq(demonstrations.status, "submitted")))
    .groupBy(demonstrations.taskId)
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
    // Unary + keeps SQLite off rankings_user (all of the annotator's rankings) when the scope is a few tasks.
    .where(and(eq(tasks.projectId, project.id), inScope, sql`+${rankings.userId} = ${userId}`))
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
  for (const r of [...rankingCounts, ...demonstrationCounts]) {
    const load = loads.get(r.taskId);
    if (load) load.rankings += Number(r.n);
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

// Reading every task of a large project on each request is slow (~1 s at 200,000 tasks), so the
// store narrows the rule's input in SQL to the tasks that can matter: the ones the annotator holds,
// and the first few eligible tasks in the rule's own order. The rule then decides on those exactly
// as it would on all tasks; tests check that the two agree. The order comes from tasks.load (the
// task's rankings plus its assignments marked active, kept by triggers: migration 0012), walked
// through the index tasks_project_load, so a request reads a few dozen index entries whatever the
// project's size. An active assignment past its time still counts in tasks.load until
// expireAssignments marks it (the first thing a request for work does); a read without it (the
// queue's count) corrects for those few tasks.
const CANDIDATES = 32;

/**
 * The annotator has not ranked, skipped or (live) holds the task `t`. (Unary + keeps SQLite off
 * rankings_user, which would read all of the annotator's rankings for each task.)
 */
function openToUser(userId: number, now: number) {
  return sql`NOT EXISTS (
      SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = ${userId}
        AND (a.status IN ('submitted', 'skipped') OR (a.status = 'active' AND a.expires_at > ${now})))
    AND NOT EXISTS (SELECT 1 FROM rankings r WHERE r.task_id = t.id AND +r.user_id = ${userId})`;
}

/** Tasks of the project whose stored load is below R (plus their extra rankings), open to the user, in (load, id) order. */
function eligibleByStoredLoadSql(projectId: number, userId: number, redundancy: number, now: number, limit: number) {
  // Two walks, each in index order: tasks below R (tasks_project_load), and the few a reviewer
  // sent back for more rankings (tasks_project_extra) that are at or past R.
  return sql`
    SELECT id AS taskId, load FROM (
      SELECT id, load FROM (
        SELECT t.id AS id, t.load AS load FROM tasks t INDEXED BY tasks_project_load
        WHERE t.project_id = ${projectId} AND t.gold IS NULL AND t.load < ${redundancy} AND ${openToUser(userId, now)}
        ORDER BY t.load, t.id LIMIT ${limit})
      UNION ALL
      SELECT id, load FROM (
        SELECT t.id AS id, t.load AS load FROM tasks t INDEXED BY tasks_project_extra
        WHERE t.project_id = ${projectId} AND t.extra_redundancy > 0 AND t.gold IS NULL
          AND t.load >= ${redundancy} AND t.load < ${redundancy} + t.extra_redundancy AND ${openToUser(userId, now)}
        ORDER BY t.load, t.id LIMIT ${limit}))
    ORDER BY load, taskId LIMIT ${limit}`;
}

/** The project's tasks with an active assignment past its time at `now` (their stored load counts it still). */
function staleLoadTaskIds(db: Db, projectId: number, now: number): number[] {
  // Deduplicated here: DISTINCT in SQL makes SQLite walk assignments_task_status instead of the expiry index.
  const rows = db.all<{ id: number }>(
    sql`SELECT a.task_id AS id FROM assignments a CROSS JOIN tasks t ON t.id = a.task_id
      WHERE a.status = 'active' AND a.expires_at <= ${now} AND t.project_id = ${projectId} AND t.gold IS NULL`,
  );
  return [...new Set(rows.map((r) => r.id))];
}

/** The eligible tasks among `ids` (by their true load: rankings plus live assignments), for the stale-load correction. */
function eligibleAmongSql(projectId: number, ids: readonly number[], userId: number, redundancy: number, now: number) {
  return sql`
    SELECT t.id AS taskId FROM tasks t
    WHERE t.project_id = ${projectId} AND t.id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )}) AND t.gold IS NULL AND ${openToUser(userId, now)}
      AND (SELECT count(*) FROM rankings r WHERE r.task_id = t.id)
        + (SELECT count(*) FROM demonstrations d WHERE d.task_id = t.id AND d.status = 'submitted')
        + (SELECT count(*) FROM assignments a WHERE a.task_id = t.id AND a.status = 'active' AND a.expires_at > ${now}) < ${redundancy} + t.extra_redundancy`;
}

/** Up to `limit` eligible tasks in the rule's (load, id) order, and the stale-load tasks that may be eligible too. */
function eligibleCandidates(db: Db, projectId: number, userId: number, redundancy: number, now: number, limit: number): number[] {
  const ids = db.all<{ taskId: number }>(eligibleByStoredLoadSql(projectId, userId, redundancy, now, limit)).map((r) => r.taskId);
  const stale = staleLoadTaskIds(db, projectId, now);
  return stale.length === 0 ? ids : [...new Set([...ids, ...stale])];
}

/**
 * The tasks with a disagreement priority (task-order.ts) that the annotator could be given, lowest
 * first: only tasks with two rankings or more have one, so the walk starts at load 2.
 */
function disagreementCandidates(db: Db, project: Pick<Project, "id" | "redundancy">, userId: number, now: number, limit: number) {
  const priority = taskPrioritySql("disagreement")!;
  return db.all<{ taskId: number; priority: number }>(sql`
    WITH eligible AS MATERIALIZED (
      SELECT t.id AS id, (SELECT count(*) FROM rankings r WHERE r.task_id = t.id) AS n
      FROM tasks t
      WHERE t.project_id = ${project.id} AND t.gold IS NULL AND t.load >= 2 AND t.load < ${project.redundancy} + t.extra_redundancy
        AND ${openToUser(userId, now)}
    )
    SELECT id AS taskId, priority FROM (${priority}) ORDER BY priority, id LIMIT ${limit}`);
}

/**
 * The tasks with an uncertainty gap (task-order.ts) that the annotator could be given, smallest
 * gap first: the gaps are walked in order, a batch at a time, until `limit` are eligible.
 */
function uncertainCandidates(
  db: Db,
  project: Pick<Project, "id" | "redundancy">,
  userId: number,
  now: number,
  gaps: ReadonlyMap<number, number>,
  limit: number,
) {
  const ordered = [...gaps.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const found: { taskId: number; priority: number }[] = [];
  for (let i = 0; i < ordered.length && found.length < limit; i += 500) {
    const batch = ordered.slice(i, i + 500);
    const eligible = new Set(
      db
        .all<{ taskId: number }>(
          eligibleAmongSql(
            project.id,
            batch.map(([id]) => id),
            userId,
            project.redundancy,
            now,
          ),
        )
        .map((r) => r.taskId),
    );
    for (const [id, gap] of batch) if (eligible.has(id) && found.length < limit) found.push({ taskId: id, priority: gap });
  }
  return found;
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
  // The first tasks by (load, id); under a task order also the first tasks by its priority: the
  // rule puts every task with a priority first, so its choice is among these.
  const byLoad = eligibleCandidates(db, project.id, userId, project.redundancy, now, CANDIDATES);
  let prioritized: { taskId: number; priority: number }[] = [];
  let priorities: ReadonlyMap<number, number> | undefined;
  if (order === "disagreement") {
    prioritized = disagreementCandidates(db, project, userId, now, CANDIDATES);
    priorities = new Map(prioritized.map((r) => [r.taskId, Number(r.priority)]));
  } else if (order === "uncertain") {
    // Without a reward model no task has a gap: the order falls back to load, id.
    priorities = uncertaintyGaps(db, project.id, now) ?? new Map<number, number>();
    prioritized = uncertainCandidates(db, project, userId, now, priorities, CANDIDATES);
  }
  const ids = [...heldTaskIds(db, project.id, userId, now), ...prioritized.map((r) => r.taskId), ...byLoad];
  return readAssignmentInput(db, project, userId, now, [...new Set(ids)], priorities);
}

/** Counting the tasks left to an annotator stops here (the count is "more than this" past it). */
export const ELIGIBLE_COUNT_CAP = 1000;

/**
 * How many tasks the rule would find eligible for the annotator now (excluding any they hold), up
 * to ELIGIBLE_COUNT_CAP + 1: a count past the cap means "more than the cap" (an exact count would
 * read every task of a large project on each request).
 */
export function countEligibleTasks(db: Db, project: Pick<Project, "id" | "redundancy">, userId: number, now: number): number {
  const limit = ELIGIBLE_COUNT_CAP + 1;
  const stored = db.all<{ taskId: number }>(eligibleByStoredLoadSql(project.id, userId, project.redundancy, now, limit)).map((r) => r.taskId);
  const stale = staleLoadTaskIds(db, project.id, now);
  if (stale.length === 0) return stored.length;
  // Tasks whose stored load still counts an assignment past its time: decided by their true load.
  const staleEligible = db.all<{ taskId: number }>(eligibleAmongSql(project.id, stale, userId, project.redundancy, now)).length;
  const staleSet = new Set(stale);
  return Math.min(limit, stored.filter((id) => !staleSet.has(id)).length + staleEligible);
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
