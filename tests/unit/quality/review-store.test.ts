// The review queue and decisions on a real SQLite file, and what the selections of
// counted-rankings.ts give to training: the queue holds low agreement, flags and none
// acceptable (not agreeing tasks); a final ranking takes the task out and becomes its reviewed
// ranking; a send-back raises what the task asks for, so the assignment rule serves it again;
// the training set uses reviewed or aggregated rankings and leaves paused annotators out.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { projects, users } from "@/db/schema";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { selectionContext, selectRankings } from "@/lib/quality/counted-rankings";
import { applyGoldFile } from "@/lib/quality/gold-store";
import { reviewedRankings, reviewQueue, sendBack, setFinalRanking } from "@/lib/quality/review-store";
import { loadTrainingSet } from "@/lib/reward/training-set";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let t: CreatedTask[];
let u: number[];
const project = () => db.select().from(projects).where(eq(projects.id, projectId)).get()!;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  projectId = createProject(db, { name: "review", redundancy: 3 }).id;
  t = Array.from({ length: 4 }, (_, i) =>
    insertTask(db, projectId, { messages: [{ role: "user", content: `Q${i}` }], completions: ["w", "x", "y", "z"].map((c) => ({ text: `${c}${i}` })) }),
  );
  u = ["a", "b", "c", "d"].map(
    (n) =>
      db
        .insert(users)
        .values({ email: `${n}@t.local`, name: n, role: "annotator" })
        .returning()
        .get().id,
  );
  const ranked = (task: CreatedTask, order: number[]) => order.map((i) => [task.completionIds[i]]);
  // Task 0: three annotators agree. Task 1: they disagree (one reverses). Task 2: a flag. Task 3: none acceptable.
  for (const user of u.slice(0, 3)) insertRanking(db, { taskId: t[0].taskId, userId: user, groups: ranked(t[0], [0, 1, 2, 3]) });
  insertRanking(db, { taskId: t[1].taskId, userId: u[0], groups: ranked(t[1], [0, 1, 2, 3]) });
  insertRanking(db, { taskId: t[1].taskId, userId: u[1], groups: ranked(t[1], [3, 2, 1, 0]) });
  insertRanking(db, { taskId: t[1].taskId, userId: u[2], groups: ranked(t[1], [1, 0, 3, 2]) });
  insertRanking(db, {
    taskId: t[2].taskId,
    userId: u[0],
    groups: ranked(t[2], [0, 1, 2, 3]),
    flags: [{ completionId: t[2].completionIds[3], flag: "harmful" }],
  });
  insertRanking(db, { taskId: t[3].taskId, userId: u[1], groups: ranked(t[3], [0, 1, 2, 3]), noneAcceptable: true });
});
afterEach(() => temp.cleanup());

describe("the review queue", () => {
  it("holds low agreement, flags and none acceptable, lowest agreement first; not the tasks that agree", () => {
    const queue = reviewQueue(db, project());
    expect(queue.map((q) => [q.taskId, q.state, q.reasons])).toEqual([
      [t[1].taskId, "open", ["low_agreement"]],
      [t[2].taskId, "open", ["flagged"]],
      [t[3].taskId, "open", ["none_acceptable"]],
    ]);
    // Pairs of rankings: (a, b) agree on 0 of 6 pairs, (a, c) on 4, (b, c) on 2: 6 / 18.
    expect(queue[0].agreement).toBeCloseTo(1 / 3, 10);
  });

  it("a final ranking takes the task out and is its reviewed ranking; a bad one names the field", () => {
    const reviewer = u[3];
    const ids = t[1].completionIds;
    const bad = setFinalRanking(db, t[1].taskId, reviewer, { groups: [[ids[0]], [ids[1]]], noneAcceptable: false, comment: null });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    const good = setFinalRanking(db, t[1].taskId, reviewer, { groups: [[ids[1]], [ids[0], ids[2]], [ids[3]]], noneAcceptable: false, comment: "b over a" });
    expect(good.ok).toBe(true);
    const queue = reviewQueue(db, project());
    expect(queue.find((q) => q.taskId === t[1].taskId)).toMatchObject({ state: "reviewed", lastAction: { action: "final", reviewerEmail: "d@t.local" } });
    expect(reviewedRankings(db, projectId).get(t[1].taskId)?.groups).toEqual([[ids[1]], [ids[0], ids[2]], [ids[3]]]);
  });

  it("a send-back asks for more rankings: the task waits, the rule serves it again, and it reopens once they are in", () => {
    const d = u[3];
    db.update(projects).set({ goldShare: 0 }).where(eq(projects.id, projectId)).run();
    /** d ranks every task the rule gives them, until none is left; the tasks in order. */
    const work = () => {
      const served: number[] = [];
      for (let got = requestAssignment(db, projectId, d); got; got = requestAssignment(db, projectId, d)) {
        served.push(got.assignment.taskId);
        const ids = [...t.find((x) => x.taskId === got!.assignment.taskId)!.completionIds].reverse();
        insertRanking(db, { taskId: got.assignment.taskId, userId: d, assignmentId: got.assignment.id, groups: ids.map((id) => [id]) });
      }
      return served;
    };
    // Task 1 has its 3 rankings (R = 3): d gets the others that have room, not task 1.
    expect(work().sort()).toEqual([t[2].taskId, t[3].taskId].sort());

    const back = sendBack(db, t[1].taskId, d, { addedRankings: 1, comment: null });
    expect(back).toMatchObject({ ok: true, required: 4 });
    expect(reviewQueue(db, project()).find((q) => q.taskId === t[1].taskId)).toMatchObject({ state: "waiting", rankings: 3, required: 4 });
    expect(reviewedRankings(db, projectId).has(t[1].taskId)).toBe(false);
    expect(work()).toEqual([t[1].taskId]);
    expect(reviewQueue(db, project()).find((q) => q.taskId === t[1].taskId)).toMatchObject({ state: "open", rankings: 4, required: 4 });
  });
});

describe("which rankings count for training", () => {
  it("every (default), reviewed where there is one, aggregated per task; paused annotators left out unless included", () => {
    const ids = t[1].completionIds;
    setFinalRanking(db, t[1].taskId, u[3], { groups: [[ids[3]], [ids[2]], [ids[1]], [ids[0]]], noneAcceptable: false, comment: null });
    const every = loadTrainingSet(db, projectId);
    expect(every.rankings).toBe(3 + 3 + 1);
    const reviewed = loadTrainingSet(db, projectId, { selection: { rankings: "reviewed" } });
    expect(reviewed.rankings).toBe(3 + 1 + 1);
    const task1 = reviewed.examples.find((e) => e.id === t[1].taskId)!;
    // The reviewer's order: z > y > x > w, so completion 3 beats completion 0, once.
    expect(task1.preferences![3][0]).toBe(1);
    expect(task1.preferences![0][3]).toBe(0);
    expect(reviewed.rankingsHash).not.toBe(every.rankingsHash);

    const aggregated = loadTrainingSet(db, projectId, { selection: { rankings: "aggregated", aggregate: "borda" } });
    expect(aggregated.rankings).toBe(3);
    expect(aggregated.examples.find((e) => e.id === t[0].taskId)!.groups).toEqual([[0], [1], [2], [3]]);

    // Annotator b fails five gold answers and is paused: their rankings leave the default set.
    db.update(projects).set({ goldMinAnswers: 1 }).where(eq(projects.id, projectId)).run();
    applyGoldFile(db, projectId, JSON.stringify({ task_id: t[3].taskId, first: 0 }));
    const paused = loadTrainingSet(db, projectId, { includeNoneAcceptable: true });
    expect(paused.pausedLeftOut).toBe(3); // b's rankings of tasks 0, 1 and 3 (gold tasks' rankings train like any other)
    expect(paused.rankings).toBe(2 + 2 + 1);
    expect(loadTrainingSet(db, projectId, { includeNoneAcceptable: true, selection: { includePaused: true } }).rankings).toBe(3 + 3 + 1 + 1);
  });

  it("a stream of rankings in id order: reviewed once per task, aggregated once all of a task's rankings came", () => {
    const ids = t[1].completionIds;
    setFinalRanking(db, t[1].taskId, u[3], { groups: [[ids[3]], [ids[2]], [ids[1]], [ids[0]]], noneAcceptable: false, comment: "fixed" });
    const all = [
      { id: 1, taskId: t[0].taskId, userId: u[0], groups: [[1]], noneAcceptable: false },
      { id: 2, taskId: t[1].taskId, userId: u[0], groups: [[1]], noneAcceptable: false },
      { id: 3, taskId: t[0].taskId, userId: u[1], groups: [[1]], noneAcceptable: false },
      { id: 4, taskId: t[1].taskId, userId: u[1], groups: [[1]], noneAcceptable: true },
    ];
    const make = (base: (typeof all)[number], made: { id: number; userId: number; groups: number[][]; noneAcceptable: boolean; source: string }) => ({
      ...base,
      ...made,
    });
    const counts = new Map([
      [t[0].taskId, 2],
      [t[1].taskId, 2],
    ]);
    const reviewed = [...selectRankings(selectionContext(db, project(), { rankings: "reviewed" }), all, counts, false, make)];
    expect(reviewed.map((r) => [r.taskId, "source" in r ? r.source : "annotator"])).toEqual([
      [t[0].taskId, "annotator"],
      [t[1].taskId, "reviewed"],
      [t[0].taskId, "annotator"],
    ]);
    const aggregated = [...selectRankings(selectionContext(db, project(), { rankings: "aggregated" }), all, counts, true, make)];
    expect(aggregated.map((r) => [r.taskId, r.id])).toEqual([
      [t[0].taskId, 1],
      [t[1].taskId, 2],
    ]);
  });
});
