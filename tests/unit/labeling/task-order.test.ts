// Task order on a real SQLite database: the most uncertain task for the latest reward model, or
// the most disagreed one, is handed out first; tasks without a figure come after; even is as before.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { completionScores, models, projects, users, type TaskOrder } from "@/db/schema";
import { chooseTask } from "@/lib/labeling/assignment-rule";
import { narrowedAssignmentInput, readAssignmentInput, requestAssignment } from "@/lib/labeling/assignment-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { agreementOf } from "@/lib/labeling/task-filter-query";
import { taskPrioritySql, uncertaintyGaps } from "@/lib/labeling/task-order";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { sql } from "drizzle-orm";
import { tempDb } from "../../helpers/app";

const NOW = 1_700_000_000_000;
let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let tasks: CreatedTask[];
let annotators: number[];

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  projectId = createProject(db, { name: "order", redundancy: 3 }).id;
  tasks = Array.from({ length: 4 }, (_, i) =>
    insertTask(db, projectId, { messages: [{ role: "user", content: `q${i}` }], completions: ["a", "b", "c", "d"].map((t) => ({ text: `${t}${i}` })) }),
  );
  annotators = Array.from(
    { length: 6 },
    (_, i) =>
      db
        .insert(users)
        .values({ email: `o${i}@t.local`, name: `O${i}`, role: "annotator" })
        .returning()
        .get().id,
  );
});
afterEach(() => temp.cleanup());

const setOrder = (taskOrder: TaskOrder) => db.update(projects).set({ taskOrder }).where(eq(projects.id, projectId)).run();
const project = () => db.select().from(projects).where(eq(projects.id, projectId)).get()!;
const firstTaskFor = (user: number) => requestAssignment(db, projectId, user, NOW, () => 0.99)!.assignment.taskId;

function scoreTask(modelId: number, task: CreatedTask, scores: number[]) {
  task.completionIds.forEach((completionId, i) => db.insert(completionScores).values({ completionId, modelId, score: scores[i] }).run());
}

describe("task order: uncertain", () => {
  it("hands out the task whose completions the latest reward model scores closest together first; unscored tasks after", () => {
    const old = db.insert(models).values({ name: "rm-old", kind: "reward", source: "palate", projectId }).returning().get().id;
    const latest = db.insert(models).values({ name: "rm-new", kind: "reward", source: "palate", projectId }).returning().get().id;
    // The old model would put task 0 first; the latest one: task 2 (gap 0.05), then 1 (0.3), then 0 (1.0); task 3 unscored.
    scoreTask(old, tasks[0], [0, 0.01, 2, 3]);
    scoreTask(latest, tasks[0], [0, 1, 2, 3]);
    scoreTask(latest, tasks[1], [0, 0.3, 5, -2]);
    scoreTask(latest, tasks[2], [1.0, 1.05, 4, 9]);
    setOrder("uncertain");
    expect([...uncertaintyGaps(db, projectId)!.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => +g.toFixed(6))).toEqual([1, 0.3, 0.05]);
    expect(firstTaskFor(annotators[0])).toBe(tasks[2].taskId);
    expect(firstTaskFor(annotators[1])).toBe(tasks[2].taskId); // load 1 < R: still the most uncertain
    expect(firstTaskFor(annotators[2])).toBe(tasks[2].taskId);
    expect(firstTaskFor(annotators[3])).toBe(tasks[1].taskId); // task 2 is full
    // The narrowed input decides as the rule does on every task with the same priorities.
    const full = readAssignmentInput(db, project(), annotators[4], NOW, undefined, uncertaintyGaps(db, projectId)!);
    expect(chooseTask(narrowedAssignmentInput(db, project(), annotators[4], NOW))).toEqual(chooseTask(full));
    expect(chooseTask(full)).toEqual({ kind: "new", taskId: tasks[1].taskId });
  });

  it("falls back to the even order without a reward model, and puts scored tasks before unscored ones", () => {
    setOrder("uncertain");
    expect(firstTaskFor(annotators[0])).toBe(tasks[0].taskId);
    const rm = db.insert(models).values({ name: "rm", kind: "reward", source: "palate", projectId }).returning().get().id;
    scoreTask(rm, tasks[3], [0, 4, 8, 12]);
    expect(firstTaskFor(annotators[1])).toBe(tasks[3].taskId);
  });
});

describe("task order: disagreement", () => {
  const ids = (t: CreatedTask, order: number[]) => order.map((i) => [t.completionIds[i]]);

  it("hands out the task whose rankings agree least first; tasks without two rankings after; the figure is the task filter's agreement", () => {
    // Task 0: two identical rankings (agreement 1). Task 1: opposite rankings (0). Task 2: one swap and one tie (4/6). Task 3: one ranking.
    insertRanking(db, { taskId: tasks[0].taskId, userId: annotators[0], groups: ids(tasks[0], [0, 1, 2, 3]) });
    insertRanking(db, { taskId: tasks[0].taskId, userId: annotators[1], groups: ids(tasks[0], [0, 1, 2, 3]) });
    insertRanking(db, { taskId: tasks[1].taskId, userId: annotators[0], groups: ids(tasks[1], [0, 1, 2, 3]) });
    insertRanking(db, { taskId: tasks[1].taskId, userId: annotators[1], groups: ids(tasks[1], [3, 2, 1, 0]) });
    insertRanking(db, { taskId: tasks[2].taskId, userId: annotators[0], groups: ids(tasks[2], [0, 1, 2, 3]) });
    insertRanking(db, {
      taskId: tasks[2].taskId,
      userId: annotators[1],
      groups: [[tasks[2].completionIds[1]], [tasks[2].completionIds[0]], [tasks[2].completionIds[2], tasks[2].completionIds[3]]],
    });
    insertRanking(db, { taskId: tasks[3].taskId, userId: annotators[0], groups: ids(tasks[3], [0, 1, 2, 3]) });

    const priority = new Map(
      db
        .all<{ id: number; priority: number }>(
          sql`WITH eligible AS (SELECT t.id AS id, (SELECT count(*) FROM rankings r WHERE r.task_id = t.id) AS n FROM tasks t WHERE t.project_id = ${projectId}) ${taskPrioritySql("disagreement")!}`,
        )
        .map((r) => [r.id, r.priority]),
    );
    const expected = agreementOf(
      db,
      tasks.map((t) => t.taskId),
    );
    for (const t of tasks.slice(0, 3)) expect(priority.get(t.taskId)).toBeCloseTo(expected.get(t.taskId)!.rate!, 12);
    expect(priority.get(tasks[1].taskId)).toBe(0);
    expect(priority.has(tasks[3].taskId)).toBe(false);

    setOrder("disagreement");
    const user = annotators[2];
    expect(firstTaskFor(user)).toBe(tasks[1].taskId);
    expect(firstTaskFor(annotators[3])).toBe(tasks[2].taskId); // task 1 now full (2 rankings + 1 held)
    expect(firstTaskFor(annotators[4])).toBe(tasks[0].taskId);

    setOrder("even");
    expect(firstTaskFor(annotators[5])).toBe(tasks[3].taskId); // the least loaded task (1 ranking), as before
  });
});
