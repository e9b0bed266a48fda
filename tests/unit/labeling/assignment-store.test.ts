import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { assignments, comparisons, rankingFlags, rankings, users } from "@/db/schema";
import { chooseTask, eligibleTasks } from "@/lib/labeling/assignment-rule";
import {
  countEligibleTasks,
  ELIGIBLE_COUNT_CAP,
  heldTaskIds,
  narrowedAssignmentInput,
  readAssignmentInput,
  requestAssignment,
  skipAssignment,
} from "@/lib/labeling/assignment-store";
import { queueProgress } from "@/lib/labeling/queue";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";
import { submitRanking } from "@/lib/labeling/submission-store";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const T0 = 1_700_000_000_000;
const TIMEOUT_S = 600;

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let created: CreatedTask[];
let u: number[];

function addUsers(n: number): number[] {
  return Array.from(
    { length: n },
    (_, i) =>
      db
        .insert(users)
        .values({ email: `a${i}-${Math.random()}@t.local`, name: `A${i}`, role: "annotator" })
        .returning()
        .get().id,
  );
}

function setup(taskCount: number, redundancy: number) {
  const project = createProject(db, { name: `p${Math.random()}`, redundancy, assignmentTimeoutSeconds: TIMEOUT_S });
  projectId = project.id;
  created = Array.from({ length: taskCount }, (_, i) =>
    insertTask(db, projectId, { messages: [{ role: "user", content: `q${i}` }], completions: [{ text: "a" }, { text: "b" }, { text: "c" }] }),
  );
}

const submission = (c: CreatedTask, extra: Record<string, unknown> = {}) =>
  rankingSubmissionSchema.parse({ groups: [[c.completionIds[2]], [c.completionIds[0], c.completionIds[1]]], ...extra });

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  u = addUsers(4);
});
afterEach(() => temp.cleanup());

describe("requestAssignment", () => {
  it("hands out the oldest task, then gives the same open assignment back", () => {
    setup(3, 2);
    const first = requestAssignment(db, projectId, u[0], T0)!;
    expect(first).toMatchObject({ resumed: false, assignment: { taskId: created[0].taskId, status: "active", expiresAt: T0 + TIMEOUT_S * 1000 } });
    const again = requestAssignment(db, projectId, u[0], T0 + 1000)!;
    expect(again).toMatchObject({ resumed: true, assignment: { id: first.assignment.id } });
    expect(db.select().from(assignments).all()).toHaveLength(1);
  });

  it("spreads tasks evenly and stops at R", () => {
    setup(2, 2);
    const got = u.map((user) => requestAssignment(db, projectId, user, T0)?.assignment.taskId ?? null);
    expect(got).toEqual([created[0].taskId, created[1].taskId, created[0].taskId, created[1].taskId]);
    const late = addUsers(1)[0];
    expect(requestAssignment(db, projectId, late, T0)).toBeNull();
  });

  it("an unknown project answers undefined", () => {
    expect(requestAssignment(db, 999, u[0], T0)).toBeUndefined();
  });

  it("an expired assignment returns to the pool and is marked expired", () => {
    setup(1, 1);
    const first = requestAssignment(db, projectId, u[0], T0)!;
    expect(requestAssignment(db, projectId, u[1], T0 + TIMEOUT_S * 1000 - 1)).toBeNull();
    const second = requestAssignment(db, projectId, u[1], T0 + TIMEOUT_S * 1000)!;
    expect(second.assignment.taskId).toBe(first.assignment.taskId);
    expect(db.select().from(assignments).where(eq(assignments.id, first.assignment.id)).get()?.status).toBe("expired");
  });

  it("reopens the annotator's own expired assignment with a fresh clock", () => {
    setup(1, 2);
    const first = requestAssignment(db, projectId, u[0], T0)!;
    const later = T0 + TIMEOUT_S * 1000 + 5;
    const again = requestAssignment(db, projectId, u[0], later)!;
    expect(again).toMatchObject({
      resumed: false,
      assignment: { id: first.assignment.id, status: "active", createdAt: later, expiresAt: later + TIMEOUT_S * 1000 },
    });
  });

  it("never offers a skipped or ranked task again", () => {
    setup(2, 3);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    expect(skipAssignment(db, a.taskId, u[0], "unclear", T0)).toMatchObject({ ok: true, assignment: { status: "skipped", skipReason: "unclear" } });
    const b = requestAssignment(db, projectId, u[0], T0)!.assignment;
    expect(b.taskId).toBe(created[1].taskId);
    expect(submitRanking(db, b.taskId, u[0], submission(created[1]), T0 + 1000)).toMatchObject({ ok: true, created: true });
    expect(requestAssignment(db, projectId, u[0], T0 + 2000)).toBeNull();
    expect(queueProgress(db, projectId, u[0], T0 + 2000)).toMatchObject({ ranked: 1, skipped: 1, left: 0, heldTaskId: null, totalTasks: 2 });
    expect(queueProgress(db, projectId, u[1], T0 + 2000)).toMatchObject({ ranked: 0, skipped: 0, left: 2 });
  });
});

describe("skipAssignment", () => {
  it("refuses tasks that are unknown, not the caller's, or already ranked", () => {
    setup(1, 2);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    expect(skipAssignment(db, 999, u[0], "x", T0)).toMatchObject({ ok: false, status: 404 });
    expect(skipAssignment(db, a.taskId, u[1], "x", T0)).toMatchObject({ ok: false, status: 403 });
    submitRanking(db, a.taskId, u[0], submission(created[0]), T0 + 10);
    expect(skipAssignment(db, a.taskId, u[0], "x", T0 + 20)).toMatchObject({ ok: false, status: 409 });
  });
});

describe("submitRanking", () => {
  it("writes the ranking, flags and comparisons and closes the assignment", () => {
    setup(1, 2);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    const c = created[0].completionIds;
    const result = submitRanking(
      db,
      a.taskId,
      u[0],
      submission(created[0], { flags: [{ completionId: c[1], flag: "harmful" }], comment: "meh", secondsSpent: 9, noneAcceptable: true }),
      T0 + 30_000,
    );
    expect(result).toMatchObject({
      ok: true,
      created: true,
      ranking: {
        taskId: a.taskId,
        assignmentId: a.id,
        userId: u[0],
        groups: [[c[2]], [c[0], c[1]]],
        noneAcceptable: true,
        comment: "meh",
        secondsSpent: 9,
        flags: [{ completionId: c[1], flag: "harmful" }],
      },
    });
    const pairs = db
      .select()
      .from(comparisons)
      .all()
      .map((p) => [p.chosenId, p.rejectedId]);
    expect(pairs).toEqual([
      [c[2], c[0]],
      [c[2], c[1]],
    ]);
    expect(db.select().from(assignments).get()).toMatchObject({ status: "submitted", closedAt: T0 + 30_000 });
  });

  it("a repeated submit answers the first ranking and writes nothing", () => {
    setup(1, 2);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    const first = submitRanking(db, a.taskId, u[0], submission(created[0]), T0 + 1000);
    const c = created[0].completionIds;
    const second = submitRanking(db, a.taskId, u[0], rankingSubmissionSchema.parse({ groups: [[c[0]], [c[1]], [c[2]]] }), T0 + 2000);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second).toMatchObject({ created: false, ranking: { id: first.ranking.id, groups: first.ranking.groups } });
    expect(db.select().from(rankings).all()).toHaveLength(1);
    expect(db.select().from(comparisons).all()).toHaveLength(2);
  });

  it("an invalid ranking writes nothing and names the field", () => {
    setup(1, 2);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    const c = created[0].completionIds;
    const result = submitRanking(db, a.taskId, u[0], rankingSubmissionSchema.parse({ groups: [[c[0]], [c[1]]] }), T0 + 1000);
    expect(result).toMatchObject({ ok: false, status: 400, issues: [{ field: "groups" }] });
    expect(db.select().from(rankings).all()).toHaveLength(0);
    expect(db.select().from(rankingFlags).all()).toHaveLength(0);
    expect(db.select().from(assignments).get()?.status).toBe("active");
  });

  it("refuses an unknown task (404), someone else's (403), a skipped one (409)", () => {
    setup(1, 2);
    const a = requestAssignment(db, projectId, u[0], T0)!.assignment;
    expect(submitRanking(db, 999, u[0], submission(created[0]), T0)).toMatchObject({ ok: false, status: 404 });
    expect(submitRanking(db, a.taskId, u[1], submission(created[0]), T0)).toMatchObject({ ok: false, status: 403 });
    const wrongId = submitRanking(db, a.taskId, u[0], submission(created[0], { assignmentId: a.id + 1 }), T0);
    expect(wrongId).toMatchObject({ ok: false, status: 400, issues: [{ field: "assignmentId" }] });
    skipAssignment(db, a.taskId, u[0], "no", T0);
    expect(submitRanking(db, a.taskId, u[0], submission(created[0]), T0)).toMatchObject({ ok: false, status: 409 });
  });

  it("an expired assignment is accepted while the task has room, refused once others filled it", () => {
    setup(1, 2);
    const late = T0 + TIMEOUT_S * 1000 + 1;
    requestAssignment(db, projectId, u[0], T0);
    requestAssignment(db, projectId, u[1], T0);
    // before the timeout, both slots are held
    expect(requestAssignment(db, projectId, u[2], late - 2)).toBeNull();
    // after it, both u0's and u1's time has run out; u2 takes one freed slot
    const r2 = requestAssignment(db, projectId, u[2], late + 10)!;
    expect(r2.resumed).toBe(false);
    // one slot is still free, so u0's late submit is accepted
    const expiredButRoom = submitRanking(db, created[0].taskId, u[0], submission(created[0]), late + 20);
    expect(expiredButRoom).toMatchObject({ ok: true, created: true, ranking: { secondsSpent: 600 } });
    // now rankings (u0) + u2's live assignment = R: u1's late submit is refused with a clear message
    const refused = submitRanking(db, created[0].taskId, u[1], submission(created[0]), late + 30);
    expect(refused).toMatchObject({ ok: false, status: 409 });
    expect(!refused.ok && refused.error).toMatch(/expired .* gone to other annotators/);
  });
});

describe("the store's SQL narrowing", () => {
  it("finds the least-loaded task beyond the first ids", () => {
    setup(70, 3);
    for (const c of created.slice(0, 60)) {
      for (const user of u.slice(1, 3))
        db.insert(rankings)
          .values({ taskId: c.taskId, userId: user, groups: [c.completionIds] })
          .run();
    }
    expect(requestAssignment(db, projectId, u[0], T0)?.assignment.taskId).toBe(created[60].taskId);
    expect(queueProgress(db, projectId, u[0], T0)).toMatchObject({ left: 70, heldTaskId: created[60].taskId });
  });

  it("agrees with the rule run on every task, whatever the state", () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const more = addUsers(6);
    const people = [...u, ...more];
    for (let round = 0; round < 6; round++) {
      const R = 1 + Math.floor(rand() * 4);
      setup(70, R); // more tasks than the store's candidate window
      const project = { id: projectId, redundancy: R };
      for (const c of created) {
        for (const user of people) {
          const roll = rand();
          if (roll < 0.55) continue;
          if (roll < 0.65) {
            db.insert(rankings)
              .values({ taskId: c.taskId, userId: user, groups: [c.completionIds] })
              .run();
            continue;
          }
          const status = pick(["active", "active", "submitted", "skipped", "expired"] as const);
          db.insert(assignments)
            .values({ taskId: c.taskId, userId: user, status, createdAt: T0, expiresAt: T0 + (rand() < 0.5 ? -1000 : 1000) })
            .run();
        }
      }
      // tasks.load, kept by the triggers, is every task's rankings plus its active assignments.
      const loads = db.$client
        .prepare(
          `SELECT t.id, t.load, (SELECT count(*) FROM rankings r WHERE r.task_id = t.id)
             + (SELECT count(*) FROM assignments a WHERE a.task_id = t.id AND a.status = 'active') AS counted FROM tasks t`,
        )
        .all() as { id: number; load: number; counted: number }[];
      for (const l of loads) expect(l.load, `task ${l.id}`).toBe(l.counted);
      for (const user of people) {
        const full = readAssignmentInput(db, project, user, T0);
        const narrow = narrowedAssignmentInput(db, project, user, T0);
        // The candidate window, the held tasks, and the tasks whose stored load still counts an
        // active assignment past its time (until a request for work marks it expired).
        const stale = db.$client.prepare("SELECT count(DISTINCT task_id) AS n FROM assignments WHERE status = 'active' AND expires_at <= ?").get(T0) as {
          n: number;
        };
        expect(narrow.tasks.length).toBeLessThanOrEqual(32 + heldTaskIds(db, projectId, user, T0).length + stale.n);
        expect(chooseTask(narrow)).toEqual(chooseTask(full));
        expect(countEligibleTasks(db, project, user, T0)).toBe(eligibleTasks(full).length);
      }
    }
  });
});

describe("tasks.load (kept by triggers, migration 0012)", () => {
  const counted = () =>
    db.$client
      .prepare(
        `SELECT t.id, t.load, (SELECT count(*) FROM rankings r WHERE r.task_id = t.id)
           + (SELECT count(*) FROM assignments a WHERE a.task_id = t.id AND a.status = 'active') AS counted FROM tasks t`,
      )
      .all() as { id: number; load: number; counted: number }[];

  it("follows hand-outs, submits, skips, expiries, re-opened assignments and deletions", () => {
    setup(12, 2);
    const people = [...u, ...addUsers(3)];
    let now = T0;
    for (let step = 0; step < 40; step++) {
      const user = people[step % people.length];
      const got = requestAssignment(db, projectId, user, now);
      if (got) {
        const c = created.find((t) => t.taskId === got.assignment.taskId)!;
        if (step % 5 === 0) skipAssignment(db, c.taskId, user, "unclear", now + 1);
        else if (step % 7 !== 0) submitRanking(db, c.taskId, user, submission(c), now + 1);
        // step % 7 === 0: left open, to expire
      }
      now += step % 9 === 0 ? TIMEOUT_S * 1000 + 1 : 10;
      for (const l of counted()) expect(l.load, `task ${l.id} at step ${step}`).toBe(l.counted);
    }
    const extra = db
      .insert(rankings)
      .values({ taskId: created[11].taskId, userId: people[0], groups: [created[11].completionIds] })
      .returning()
      .get();
    for (const l of counted()) expect(l.load, `task ${l.id} after an inserted ranking`).toBe(l.counted);
    db.delete(rankings).where(eq(rankings.id, extra.id)).run();
    // Assignments no ranking points to: the open, skipped and expired ones.
    expect(db.$client.prepare("DELETE FROM assignments WHERE status != 'submitted'").run().changes).toBeGreaterThan(0);
    for (const l of counted()) expect(l.load, `task ${l.id} after deletes`).toBe(l.counted);
  });

  it("the queue's count of tasks left stops past ELIGIBLE_COUNT_CAP", () => {
    setup(ELIGIBLE_COUNT_CAP + 20, 1);
    expect(countEligibleTasks(db, { id: projectId, redundancy: 1 }, u[0], T0)).toBe(ELIGIBLE_COUNT_CAP + 1);
    expect(queueProgress(db, projectId, u[0], T0)).toMatchObject({ left: ELIGIBLE_COUNT_CAP + 1, leftCapped: true, totalTasks: ELIGIBLE_COUNT_CAP + 20 });
  });
});
