import { describe, expect, it } from "vitest";
import { chooseTask, eligibleTasks, taskLoad, type AssignmentInput, type TaskLoad } from "@/lib/labeling/assignment-rule";

const NOW = 1_000_000;
const LATER = NOW + 60_000;
const EARLIER = NOW - 1;

function task(taskId: number, rankings = 0, active: [number, number][] = []): TaskLoad {
  return { taskId, rankings, active: active.map(([userId, expiresAt]) => ({ userId, expiresAt })) };
}

function input(tasks: TaskLoad[], over: Partial<AssignmentInput> = {}): AssignmentInput {
  return { tasks, userId: 1, history: { closedTaskIds: new Set() }, redundancy: 3, now: NOW, ...over };
}

describe("the assignment rule", () => {
  it("gives the least-loaded task, the oldest id among equals", () => {
    const tasks = [task(1, 2), task(2, 1, [[7, LATER]]), task(3, 1), task(4, 0, [[8, LATER]])];
    // loads: 1→2, 2→2, 3→1, 4→1
    expect(chooseTask(input(tasks))).toEqual({ kind: "new", taskId: 3 });
    expect(eligibleTasks(input(tasks)).map((t) => t.taskId)).toEqual([3, 4, 1, 2]);
    expect(chooseTask(input([task(5), task(2), task(9)]))).toEqual({ kind: "new", taskId: 2 });
  });

  it("never offers a task whose rankings plus live assignments reach R", () => {
    const tasks = [
      task(1, 3),
      task(2, 2, [[7, LATER]]),
      task(3, 0, [
        [7, LATER],
        [8, LATER],
        [9, LATER],
      ]),
    ];
    expect(chooseTask(input(tasks))).toEqual({ kind: "none" });
    expect(chooseTask(input(tasks, { redundancy: 4 }))).toEqual({ kind: "new", taskId: 1 });
  });

  it("never offers a task the annotator ranked or skipped", () => {
    const tasks = [task(1), task(2)];
    expect(chooseTask(input(tasks, { history: { closedTaskIds: new Set([1]) } }))).toEqual({ kind: "new", taskId: 2 });
    expect(chooseTask(input(tasks, { history: { closedTaskIds: new Set([1, 2]) } }))).toEqual({ kind: "none" });
  });

  it("gives back the open assignment instead of a second one", () => {
    const tasks = [task(1), task(2, 2, [[1, LATER]])];
    expect(chooseTask(input(tasks))).toEqual({ kind: "existing", taskId: 2 });
    // even when the held task is full for everyone else
    expect(chooseTask(input([task(1), task(2, 2, [[1, LATER]])], { redundancy: 3 }))).toEqual({ kind: "existing", taskId: 2 });
  });

  it("an expired assignment frees its slot and is no longer held", () => {
    const tasks = [task(1, 2, [[7, EARLIER]])];
    expect(taskLoad(tasks[0], NOW)).toBe(2);
    expect(chooseTask(input(tasks))).toEqual({ kind: "new", taskId: 1 });
    // the annotator whose assignment expired is offered it again, as a new assignment
    expect(chooseTask(input([task(1, 0, [[1, EARLIER]]), task(2, 1)]))).toEqual({ kind: "new", taskId: 1 });
    // expiry is exact: at expiresAt the slot is free
    expect(taskLoad(task(1, 0, [[7, NOW]]), NOW)).toBe(0);
  });

  it("R = 1 hands each task to one annotator only", () => {
    const tasks = [task(1, 0, [[2, LATER]]), task(2)];
    expect(chooseTask(input(tasks, { redundancy: 1 }))).toEqual({ kind: "new", taskId: 2 });
  });

  it("is deterministic whatever the input order", () => {
    const a = [task(3, 1), task(1, 1), task(2, 0, [[5, LATER]])];
    const b = [...a].reverse();
    expect(eligibleTasks(input(a)).map((t) => t.taskId)).toEqual(eligibleTasks(input(b)).map((t) => t.taskId));
  });

  it("handing tasks out one by one fills every task to exactly R, never beyond", () => {
    const R = 3;
    const tasks = Array.from({ length: 7 }, (_, i) => task(i + 1));
    const got = new Map<number, number[]>();
    for (let round = 0; round < 10; round++) {
      for (let user = 1; user <= 5; user++) {
        const closed = new Set(tasks.filter((t) => t.active.some((a) => a.userId === user)).map((t) => t.taskId));
        const choice = chooseTask(input(tasks, { userId: user, history: { closedTaskIds: closed }, redundancy: R }));
        if (choice.kind !== "new") continue;
        tasks.find((t) => t.taskId === choice.taskId)!.active.push({ userId: user, expiresAt: LATER });
        got.set(user, [...(got.get(user) ?? []), choice.taskId]);
      }
    }
    for (const t of tasks) expect(t.active).toHaveLength(R);
    for (const list of got.values()) expect(new Set(list).size).toBe(list.length);
  });
});
