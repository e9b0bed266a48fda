// The task list's query builder against a real SQLite file: search (escaped LIKE over message
// contents and completion texts), each filter, each sort, paging with filtered totals, and the
// per-task agreement the quality page's figure is made of.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { rankings, users, type Flag } from "@/db/schema";
import { listProjectTasks } from "@/lib/labeling/browse";
import { projectStats } from "@/lib/labeling/project-stats";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { parseTaskQuery, type TaskQuery } from "@/lib/labeling/task-filter";
import { likeContaining, taskFilterOptions } from "@/lib/labeling/task-filter-query";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let projectId: number;
let otherProjectId: number;
const t: Record<string, CreatedTask> = {};
let u: number[];

beforeAll(() => {
  temp = tempDb();
  db = temp.db;
  u = [0, 1, 2].map(
    (i) =>
      db
        .insert(users)
        .values({ email: `a${i}@t.local`, name: `A${i}`, role: "annotator" })
        .returning()
        .get().id,
  );
  projectId = createProject(db, { name: "filters", redundancy: 2 }).id;
  const sft = (text: string, round?: number) => ({ text, model: "sft", metadata: round === undefined ? undefined : { round } });
  t.half = insertTask(db, projectId, {
    messages: [{ role: "user", content: "What is 50% of 10?" }],
    completions: [sft("5"), sft("It is 5."), sft("Five."), sft("5.0")],
  });
  t.colour = insertTask(db, projectId, {
    messages: [{ role: "user", content: "Name a colour." }],
    completions: [{ text: "red_blue", model: "ppo-1", metadata: { round: 2 } }, sft("green", 2), sft("blue", 2)],
  });
  t.hi = insertTask(db, projectId, {
    messages: [
      { role: "system", content: "You are KIND." },
      { role: "user", content: "Say hi." },
    ],
    completions: [{ text: "Hi there" }, { text: "Hello" }],
  });
  t.joke = insertTask(db, projectId, {
    messages: [{ role: "user", content: "Tell me a joke." }],
    completions: [sft("I know 500 jokes.", 2), { text: "Knock knock.", model: "ppo-1", metadata: { round: 3 } }],
  });
  t.path = insertTask(db, projectId, {
    messages: [{ role: "user", content: "Where is C:\\temp_dir?" }],
    completions: [{ text: "On drive C." }, { text: "Nowhere." }],
  });
  // Another project's task matches every search but must never show.
  otherProjectId = createProject(db, { name: "other", redundancy: 1 }).id;
  insertTask(db, otherProjectId, { messages: [{ role: "user", content: "50% _ \\ KIND green" }], completions: [{ text: "x", model: "ppo-1" }, { text: "y" }] });

  const rank = (task: CreatedTask, user: number, order: number[][], extra: { flags?: [number, Flag][]; noneAcceptable?: boolean } = {}) =>
    insertRanking(db, {
      taskId: task.taskId,
      userId: u[user],
      groups: order.map((g) => g.map((i) => task.completionIds[i])),
      flags: (extra.flags ?? []).map(([i, flag]) => ({ completionId: task.completionIds[i], flag })),
      noneAcceptable: extra.noneAcceptable,
    });
  // half: two annotators in full agreement (complete, R = 2).
  rank(t.half, 0, [[0], [1], [2], [3]]);
  rank(t.half, 1, [[0], [1], [2], [3]]);
  // colour: two annotators in full disagreement, two flags, one "none acceptable".
  rank(t.colour, 0, [[0], [1], [2]], { flags: [[0, "harmful"]] });
  rank(t.colour, 1, [[2], [1], [0]], { flags: [[0, "off_topic"]], noneAcceptable: true });
  // hi: one ranking (in progress, no agreement figure), flagged once, edited.
  const edited = rank(t.hi, 2, [[1], [0]], { flags: [[1, "other"]] });
  db.update(rankings).set({ version: 2, updatedAt: Date.now() }).where(eq(rankings.id, edited)).run();
});
afterAll(() => temp.cleanup());

const ids = (query: Partial<TaskQuery>) => listProjectTasks(db, projectId, query).tasks.map((r) => r.id);
const named = (...names: string[]) => names.map((n) => t[n].taskId);

describe("listProjectTasks with a task query", () => {
  it("lists every task oldest first without a query, counting the project", () => {
    const page = listProjectTasks(db, projectId);
    expect(page.tasks.map((r) => r.id)).toEqual(named("half", "colour", "hi", "joke", "path"));
    expect(page).toMatchObject({ total: 5, projectTotal: 5, offset: 0, limit: 50 });
  });

  it("searches message contents and completion texts, wildcards taken literally", () => {
    expect(ids({ q: "50%" })).toEqual(named("half")); // unescaped, "%50%%" would also match "500 jokes"
    expect(ids({ q: "_" })).toEqual(named("colour", "path")); // unescaped, "_" matches every text
    expect(ids({ q: "\\" })).toEqual(named("path"));
    expect(ids({ q: "kind" })).toEqual(named("hi")); // a system message, case-insensitive
    expect(ids({ q: "GREEN" })).toEqual(named("colour")); // a completion
    expect(ids({ q: "content" })).toEqual([]); // message JSON keys are not searched
    expect(ids({ q: "knock knock." })).toEqual(named("joke"));
    expect(likeContaining("a_b%c\\")).toBe("%a\\_b\\%c\\\\%");
  });

  it("filters by flags, none acceptable, edited rankings, model, round and status", () => {
    expect(ids({ flag: "any" })).toEqual(named("colour", "hi"));
    expect(ids({ flag: "harmful" })).toEqual(named("colour"));
    expect(ids({ flag: "other" })).toEqual(named("hi"));
    expect(ids({ flag: "factually_wrong" })).toEqual([]);
    expect(ids({ none: true })).toEqual(named("colour"));
    expect(ids({ edited: true })).toEqual(named("hi"));
    expect(ids({ model: "ppo-1" })).toEqual(named("colour", "joke"));
    expect(ids({ model: "sft" })).toEqual(named("half", "colour", "joke"));
    expect(ids({ model: "gpt-9" })).toEqual([]);
    expect(ids({ round: 1 })).toEqual(named("half", "hi", "path"));
    expect(ids({ round: 2 })).toEqual(named("colour"));
    expect(ids({ round: 3 })).toEqual(named("joke")); // a task's round is its completions' highest
    expect(ids({ status: "unranked" })).toEqual(named("joke", "path"));
    expect(ids({ status: "in-progress" })).toEqual(named("hi"));
    expect(ids({ status: "complete" })).toEqual(named("half", "colour"));
    expect(ids({ model: "ppo-1", status: "unranked" })).toEqual(named("joke"));
    expect(ids({ q: "5", flag: "any" })).toEqual([]);
  });

  it("filters by annotator agreement; a task without two annotators never matches", () => {
    expect(ids({ agreementBelow: 0.5 })).toEqual(named("colour"));
    expect(ids({ agreementAbove: 0.5 })).toEqual(named("half"));
    expect(ids({ agreementAbove: 0, agreementBelow: 1 })).toEqual([]);
    expect(ids({ agreementBelow: 1 })).toEqual(named("colour"));
    expect(ids({ agreementAbove: 0.99 })).toEqual(named("half"));
  });

  it("sorts newest first, by lowest agreement, most flags and most rankings (ties oldest first)", () => {
    expect(ids({ sort: "newest" })).toEqual(named("path", "joke", "hi", "colour", "half"));
    expect(ids({ sort: "lowest-agreement" })).toEqual(named("colour", "half", "hi", "joke", "path"));
    expect(ids({ sort: "most-flags" })).toEqual(named("colour", "hi", "half", "joke", "path"));
    expect(ids({ sort: "most-rankings" })).toEqual(named("half", "colour", "hi", "joke", "path"));
    expect(ids({ sort: "newest", status: "complete" })).toEqual(named("colour", "half"));
  });

  it("pages the filtered list: total counts the matches, offset past the end gives an empty page", () => {
    const first = listProjectTasks(db, projectId, { flag: "any", limit: 1 });
    expect(first).toMatchObject({ total: 2, projectTotal: 5, offset: 0, limit: 1 });
    expect(first.tasks.map((r) => r.id)).toEqual(named("colour"));
    expect(ids({ flag: "any", limit: 1, offset: 1 })).toEqual(named("hi"));
    const past = listProjectTasks(db, projectId, { flag: "any", offset: 1_000_000_000 });
    expect(past).toMatchObject({ total: 2, tasks: [] });
    expect(ids({ sort: "newest", limit: 2, offset: 2 })).toEqual(named("hi", "colour"));
  });

  it("gives each row its counts, round, models and agreement", () => {
    const rows = new Map(listProjectTasks(db, projectId).tasks.map((r) => [r.id, r]));
    expect(rows.get(t.colour.taskId)).toMatchObject({
      completions: 3,
      rankings: 2,
      flags: 2,
      noneAcceptable: 1,
      edited: 0,
      round: 2,
      models: ["ppo-1", "sft"],
      agreement: { rate: 0, agreed: 0, total: 3 },
      preview: "Name a colour.",
      turns: 1,
    });
    expect(rows.get(t.half.taskId)).toMatchObject({ agreement: { rate: 1, agreed: 6, total: 6 }, round: 1, flags: 0 });
    expect(rows.get(t.hi.taskId)).toMatchObject({ agreement: { rate: null, total: 0 }, edited: 1, flags: 1, models: [null], turns: 2, preview: "Say hi." });
  });

  it("uses the quality page's agreement: the tasks' pairs add up to the project's figure", () => {
    const rows = listProjectTasks(db, projectId).tasks;
    const overall = projectStats(db, projectId)!.agreement.overall;
    expect(rows.reduce((s, r) => s + r.agreement.agreed, 0)).toBe(overall.agreed);
    expect(rows.reduce((s, r) => s + r.agreement.total, 0)).toBe(overall.total);
  });

  it("runs the query a parsed URL gives", () => {
    const { query, issues } = parseTaskQuery(new URLSearchParams("q=%20colour%20&flag=harmful&status=complete&sort=newest&limit=10"));
    expect(issues).toEqual([]);
    expect(listProjectTasks(db, projectId, query).tasks.map((r) => r.id)).toEqual(named("colour"));
  });

  it("offers the project's models and rounds", () => {
    expect(taskFilterOptions(db, projectId)).toEqual({ models: ["ppo-1", "sft"], rounds: [1, 2, 3] });
    expect(taskFilterOptions(db, otherProjectId)).toEqual({ models: ["ppo-1"], rounds: [1] });
  });
});
