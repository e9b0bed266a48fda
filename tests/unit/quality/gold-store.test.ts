// Gold tasks on a real SQLite file: marking them by a file (every way to name a task, all or
// nothing, errors naming the line), serving them with the project's share (apart from R, once per
// annotator, never alone), and the pause: a careless annotator falls below the threshold after
// the minimum count; an unpause starts the count again.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { projects, tasks, users } from "@/db/schema";
import { narrowedAssignmentInput, readAssignmentInput, requestAssignment } from "@/lib/labeling/assignment-store";
import { chooseTask } from "@/lib/labeling/assignment-rule";
import { rankingSubmissionSchema } from "@/lib/labeling/submission";
import { submitRanking } from "@/lib/labeling/submission-store";
import { createProject } from "@/lib/projects";
import { GoldFileError } from "@/lib/quality/gold-file";
import { applyGoldFile, goldAccuracyByAnnotator, goldAnswersQuery, goldStanding, pausedAnnotatorIds, unpauseAnnotator } from "@/lib/quality/gold-store";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let created: CreatedTask[];

const user = (name: string) =>
  db
    .insert(users)
    .values({ email: `${name}@t.local`, name, role: "annotator" })
    .returning()
    .get().id;
const project = () => db.select().from(projects).where(eq(projects.id, projectId)).get()!;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  projectId = createProject(db, { name: "gold", redundancy: 1 }).id;
  created = Array.from({ length: 10 }, (_, i) =>
    insertTask(db, projectId, {
      messages: [{ role: "user", content: `Question ${i}?` }],
      completions: ["best", "good", "bad"].map((t) => ({ text: `${t} ${i}` })),
      externalId: `ext-${i}`,
    }),
  );
});
afterEach(() => temp.cleanup());

const goldOf = (taskId: number) => db.select({ gold: tasks.gold }).from(tasks).where(eq(tasks.id, taskId)).get()!.gold;

describe("a gold file", () => {
  it("marks tasks named by id, external id, or prompt and completions; positions follow the line's completions", () => {
    const [t0, t1, t2, t3] = created;
    const result = applyGoldFile(
      db,
      projectId,
      [
        JSON.stringify({ task_id: t0.taskId, ranking: [[0], [1], [2]] }),
        JSON.stringify({ external_id: "ext-1", first: t1.completionIds[2], by: "id" }),
        JSON.stringify({ prompt: "Question 2?", completions: ["bad 2", "best 2", "good 2"], first: 1 }),
        JSON.stringify({ prompt: [{ role: "user", content: "Question 3?" }], completions: ["good 3", "best 3", "bad 3"], none_acceptable: true }),
      ].join("\n"),
    );
    expect(result).toEqual({ marked: 4, unmarked: 0 });
    expect(goldOf(t0.taskId)).toEqual({ kind: "ranking", groups: t0.completionIds.map((id) => [id]) });
    expect(goldOf(t1.taskId)).toEqual({ kind: "first", completionId: t1.completionIds[2] });
    expect(goldOf(t2.taskId)).toEqual({ kind: "first", completionId: t2.completionIds[0] });
    expect(goldOf(t3.taskId)).toEqual({ kind: "none" });
    expect(applyGoldFile(db, projectId, JSON.stringify({ task_id: t3.taskId, gold: false }))).toEqual({ marked: 0, unmarked: 1 });
    expect(goldOf(t3.taskId)).toBeNull();
  });

  it("is all or nothing: a bad line names itself and nothing is marked", () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ external_id: "nope", first: 0 }), /^line 2: external_id: the project has no task with external id "nope"/],
      [JSON.stringify({ task_id: created[1].taskId, ranking: [[0], [1]] }), /^line 2: ranking: the ranking must name all 3 completions/],
      [JSON.stringify({ task_id: created[1].taskId, first: 7 }), /^line 2: first: position 7 is past the task's 3 completions/],
      [JSON.stringify({ prompt: "Question 1?", completions: ["best 1", "good 1"], first: 0 }), /^line 2: completions: no task with this prompt/],
      [JSON.stringify({ task_id: 999_999, first: 0 }), /^line 2: task_id: the project has no task 999999/],
    ];
    for (const [second, message] of cases) {
      const text = [JSON.stringify({ task_id: created[0].taskId, first: 0 }), second].join("\n");
      expect(() => applyGoldFile(db, projectId, text)).toThrow(GoldFileError);
      expect(() => applyGoldFile(db, projectId, text)).toThrow(message);
      expect(goldOf(created[0].taskId)).toBeNull();
    }
  });
});

/** Ranks the task of `assignment` for `userId`: the stored order, or reversed (careless). */
function rank(userId: number, taskId: number, assignmentId: number, careless: boolean) {
  const ids = created.find((c) => c.taskId === taskId)!.completionIds;
  const groups = (careless ? [...ids].reverse() : ids).map((id) => [id]);
  const r = submitRanking(db, taskId, userId, rankingSubmissionSchema.parse({ assignmentId, groups }));
  if (!r.ok) throw new Error(JSON.stringify(r));
}

describe("serving gold", () => {
  const goldIds = () => created.slice(0, 3).map((c) => c.taskId);
  beforeEach(() => {
    applyGoldFile(
      db,
      projectId,
      goldIds()
        .map((task_id) => JSON.stringify({ task_id, ranking: [[0], [1], [2]] }))
        .join("\n"),
    );
  });

  it("never through the rule: the narrowed input and the full one agree, and neither holds a gold task", () => {
    const a = user("a");
    const now = Date.now();
    const full = readAssignmentInput(db, project(), a, now);
    expect(full.tasks.map((t) => t.taskId)).toEqual(created.slice(3).map((c) => c.taskId));
    expect(chooseTask(narrowedAssignmentInput(db, project(), a, now))).toEqual(chooseTask(full));
    db.update(projects).set({ goldShare: 0 }).where(eq(projects.id, projectId)).run();
    const served = new Set<number>();
    for (;;) {
      const got = requestAssignment(db, projectId, a, now, () => 0);
      if (!got) break;
      served.add(got.assignment.taskId);
      rank(a, got.assignment.taskId, got.assignment.id, false);
    }
    expect([...served].filter((id) => goldIds().includes(id))).toEqual([]);
  });

  it("with share 1, each annotator gets every gold task once (R does not limit them), then normal work; never gold alone", () => {
    db.update(projects).set({ goldShare: 1 }).where(eq(projects.id, projectId)).run();
    for (const name of ["a", "b"]) {
      const u = user(name);
      const order: number[] = [];
      for (;;) {
        const got = requestAssignment(db, projectId, u, Date.now(), () => 0.5);
        if (!got) break;
        order.push(got.assignment.taskId);
        rank(u, got.assignment.taskId, got.assignment.id, false);
      }
      if (name === "a") {
        expect(new Set(order.slice(0, 3))).toEqual(new Set(goldIds()));
        expect(order.slice(3)).toEqual(created.slice(3).map((c) => c.taskId));
      } else {
        // R = 1 and a ranked every normal task: b gets nothing, not even the gold tasks.
        expect(order).toEqual([]);
      }
    }
  });
});

describe("the pause", () => {
  it("a careless annotator is paused after the minimum count below the threshold; a careful one is not; an unpause starts the count again", () => {
    // Five gold tasks, R = 3 so both annotators work on the same normal tasks.
    db.update(projects).set({ goldShare: 1, redundancy: 3, goldMinAnswers: 5, goldAccuracyThreshold: 0.6 }).where(eq(projects.id, projectId)).run();
    applyGoldFile(
      db,
      projectId,
      created
        .slice(0, 5)
        .map((c) => JSON.stringify({ task_id: c.taskId, first: 0 }))
        .join("\n"),
    );
    const careful = user("careful");
    const careless = user("careless");
    for (const [u, isCareless] of [
      [careful, false],
      [careless, true],
    ] as const) {
      for (let i = 0; i < 5; i++) {
        const got = requestAssignment(db, projectId, u, Date.now(), () => 0)!;
        rank(u, got.assignment.taskId, got.assignment.id, isCareless);
        const standing = goldStanding(db, project(), u);
        expect(standing.answered).toBe(i + 1);
        expect(standing.paused).toBe(isCareless && i === 4);
      }
    }
    expect(goldStanding(db, project(), careful)).toMatchObject({ answered: 5, correct: 5, accuracy: 1, paused: false });
    const report = goldAccuracyByAnnotator(db, project());
    expect(report.map((r) => [r.name, r.correct, r.answered, r.paused])).toEqual([
      ["careless", 0, 5, true],
      ["careful", 5, 5, false],
    ]);
    expect(report[0].interval![1]).toBeLessThan(0.6);
    expect(pausedAnnotatorIds(db, project())).toEqual([careless]);

    unpauseAnnotator(db, projectId, careless, null, Date.now() + 1);
    expect(goldStanding(db, project(), careless)).toMatchObject({ answered: 0, paused: false });
    expect(pausedAnnotatorIds(db, project())).toEqual([]);
  });
});

describe("the gold answers query (asked on every POST /api/annotate/next)", () => {
  it("reads from the project's gold tasks to their rankings, never through an annotator's rankings", () => {
    const annotator = user("plan");
    for (const id of [projectId, undefined] as const) {
      const query = goldAnswersQuery(db, projectId, id === undefined ? undefined : annotator).toSQL();
      const plan = (db.$client.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.params as unknown[])) as { detail: string }[]).map((r) => r.detail);
      expect(plan.join("\n")).toMatch(/SEARCH t\w* USING INDEX tasks_project_gold/);
      expect(plan.join("\n")).toMatch(/USING INDEX rankings_task/);
      expect(plan.join("\n")).not.toMatch(/rankings_user|SCAN/);
    }
  });
});
