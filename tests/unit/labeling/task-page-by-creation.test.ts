// The default task list (every task, by creation) reads only its page (pageOfTasksByCreation):
// on a real SQLite file, each page, oldest and newest first, equals the same page cut from the
// facts of every task (matchingTasks), the path every filter and fact sort takes.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users } from "@/db/schema";
import { listProjectTasks } from "@/lib/labeling/browse";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { DEFAULT_TASK_QUERY, type TaskQuery } from "@/lib/labeling/task-filter";
import { isUnfilteredByCreation, matchingTasks, pageOfTasksByCreation } from "@/lib/labeling/task-filter-query";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;

beforeAll(() => {
  temp = tempDb();
  db = temp.db;
  const user = db.insert(users).values({ email: "p@t.local", name: "P", role: "annotator" }).returning().get().id;
  projectId = createProject(db, { name: "pages", redundancy: 2 }).id;
  const other = createProject(db, { name: "other" }).id;
  for (let i = 0; i < 23; i++) {
    const task = insertTask(db, i % 5 === 4 ? other : projectId, {
      messages: [{ role: "user", content: `q${i}` }],
      completions: [{ text: `a${i}`, model: "m1", metadata: { round: 1 + (i % 2) } }, { text: `b${i}` }],
    });
    if (i % 3 === 0) insertRanking(db, { taskId: task.taskId, userId: user, groups: task.completionIds.map((id) => [id]), noneAcceptable: i % 2 === 0 });
  }
});

afterAll(() => temp.cleanup());

it("each page of the default list equals the page cut from every task's facts", () => {
  for (const sort of ["oldest", "newest"] as const)
    for (const [offset, limit] of [
      [0, 5],
      [5, 5],
      [15, 5],
      [0, 50],
      [40, 10],
    ]) {
      const query: TaskQuery = { ...DEFAULT_TASK_QUERY, sort, offset, limit };
      expect(isUnfilteredByCreation(query)).toBe(true);
      const all = matchingTasks(db, projectId, 2, query);
      expect(pageOfTasksByCreation(db, projectId, query)).toEqual(all.slice(offset, offset + limit));
      const page = listProjectTasks(db, projectId, query);
      expect(page.total).toBe(all.length);
      expect(page.tasks.map((t) => t.id)).toEqual(all.slice(offset, offset + limit).map((t) => t.id));
    }
  expect(matchingTasks(db, projectId, 2, DEFAULT_TASK_QUERY)).toHaveLength(19);
  expect(isUnfilteredByCreation({ ...DEFAULT_TASK_QUERY, none: true })).toBe(false);
  expect(isUnfilteredByCreation({ ...DEFAULT_TASK_QUERY, sort: "most-rankings" })).toBe(false);
});
