// Gold tasks and review over HTTP against the real app: an admin marks gold tasks with a file's
// lines (400 names the line) and sets the share; a careless annotator fails gold and is paused
// (403 {paused}), a careful one is not, and nothing in the payload marks a task as gold; the
// paused annotator's rankings leave the export unless asked for; an admin unpauses. A reviewer
// (role granted by the admin) sees the queue of tasks the careless one spoiled, sets a final
// ranking that the "reviewed" export uses, and sends a task back, which is then served again.
// Annotators get 403 on every review and gold route.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { createUser } from "@/lib/users";
import { Client, DEMO_PASSWORD, startTestApp, type TestApp } from "@/tests/helpers/app";

interface Payload {
  assignment: { id: number };
  task: { id: number; completions: { id: number; text: string }[] };
}

let app: TestApp;
let projectId: number;
let gold: CreatedTask[];
let normal: CreatedTask[];
const c: Record<string, Client> = {};
const ids: Record<string, number> = {};

beforeAll(async () => {
  app = await startTestApp(async (db) => {
    projectId = createProject(db, { name: "gold-review", redundancy: 2, goldShare: 0, goldMinAnswers: 3, goldAccuracyThreshold: 0.6 }).id;
    const make = (i: number) =>
      insertTask(db, projectId, {
        messages: [{ role: "user", content: `Question ${i}?` }],
        completions: ["best", "good", "bad"].map((t) => ({ text: `${t} ${i}` })),
      });
    normal = [0, 1, 2, 3].map(make);
    gold = [4, 5, 6].map(make);
    ids.reviewer = (await createUser(db, { email: "reviewer@palate.local", name: "Rita Reviewer", role: "reviewer", password: DEMO_PASSWORD })).id;
  });
  for (const who of ["annotator1", "annotator2", "annotator3", "admin", "researcher"]) c[who] = await new Client(app.url).signIn(`${who}@palate.local`);
  c.reviewer = await new Client(app.url).signIn("reviewer@palate.local", DEMO_PASSWORD);
  for (const who of ["annotator1", "annotator2", "annotator3"])
    ids[who] = app.db.$client.prepare("SELECT id FROM users WHERE email = ?").pluck().get(`${who}@palate.local`) as number;
});
afterAll(async () => {
  await app?.stop();
});

/** Asks for work and ranks it (by the texts: best > good > bad, or reversed when careless) until 204 or 403, or `most` tasks; returns the tasks and the last status. */
async function work(client: Client, careless: boolean, most = 20): Promise<{ tasks: number[]; status: number; payloads: string[]; last: unknown }> {
  const tasks: number[] = [];
  const payloads: string[] = [];
  for (let i = 0; i < most; i++) {
    const res = await client.json("/api/annotate/next", "POST", { projectId });
    if (res.status !== 200) return { tasks, status: res.status, payloads, last: res.status === 204 ? null : await res.json() };
    const text = await res.text();
    payloads.push(text);
    const p = JSON.parse(text) as Payload;
    const rank = (t: string) => (t.startsWith("best") ? 0 : t.startsWith("good") ? 1 : 2);
    const sorted = [...p.task.completions].sort((a, b) => (careless ? rank(b.text) - rank(a.text) : rank(a.text) - rank(b.text)));
    const submit = await client.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups: sorted.map((x) => [x.id]), assignmentId: p.assignment.id });
    expect(submit.status).toBe(201);
    tasks.push(p.task.id);
  }
  return { tasks, status: 200, payloads, last: null };
}

const exported = async (query: string) => {
  const res = await c.researcher.fetch(`/api/projects/${projectId}/export?format=rankings${query}`);
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { task_id: number; annotator_id: number; source: string; groups: number[][] });
};

describe("gold tasks", () => {
  it("an admin marks them by a file's lines, all or nothing; a bad line is named; annotators and researchers may not", async () => {
    const path = `/api/projects/${projectId}/gold`;
    const lines = gold.map((g) => ({ task_id: g.taskId, ranking: [[0], [1], [2]] }));
    const bad = await c.admin.json(path, "POST", { lines: [lines[0], { task_id: gold[1].taskId, ranking: [[0], [1]] }] });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; issues: { field: string }[] };
    expect(body.issues[0].field).toBe("lines.1");
    expect(body.error).toMatch(/line 2: ranking: the ranking must name all 3 completions/);
    expect(app.db.$client.prepare("SELECT count(*) FROM tasks WHERE gold IS NOT NULL").pluck().get()).toBe(0);
    expect((await c.annotator1.json(path, "POST", { lines })).status).toBe(403);
    expect((await c.researcher.json(path, "POST", { lines })).status).toBe(403);
    expect((await c.reviewer.json(path, "POST", { lines })).status).toBe(403);
    const ok = await c.admin.json(path, "POST", { lines });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ marked: 3, unmarked: 0 });
  });

  it("a careless annotator fails gold and is paused; a careful one is not; the payload never says gold", async () => {
    // No gold while the share is 0: annotator2 (careless) and annotator1 (careful) rank the normal tasks.
    const careless = await work(c.annotator2, true, 2);
    expect(careless.tasks).toEqual([normal[0].taskId, normal[1].taskId]);
    const careful = await work(c.annotator1, false);
    expect(careful.status).toBe(204);
    expect([...careful.tasks].sort()).toEqual(normal.map((t) => t.taskId).sort());

    const patch = await c.admin.json(`/api/projects/${projectId}`, "PATCH", { goldShare: 1 });
    expect(patch.status).toBe(200);
    expect((await c.admin.json(`/api/projects/${projectId}`, "PATCH", { goldShare: 1.5 })).status).toBe(400);

    // Share 1: the careless one gets the three gold tasks (normal work is left for them), fails them, and is paused.
    const failed = await work(c.annotator2, true);
    expect(failed.tasks.sort()).toEqual(gold.map((g) => g.taskId).sort());
    expect(failed.status).toBe(403);
    expect(failed.last).toMatchObject({ paused: { answered: 3, correct: 0, accuracy: 0, threshold: 0.6, minAnswers: 3 } });
    expect((failed.last as { error: string }).error).toMatch(/paused on this project/);

    // A careful annotator: gold first, all matched, then the normal work left.
    const passed = await work(c.annotator3, false);
    expect(passed.status).toBe(204);
    expect(passed.tasks.slice(0, 3).sort()).toEqual(gold.map((g) => g.taskId).sort());
    for (const text of passed.payloads) expect(text.toLowerCase()).not.toContain("gold");
    const keys = (text: string) =>
      JSON.stringify(Object.keys(JSON.parse(text) as object).sort()) + JSON.stringify(Object.keys((JSON.parse(text) as Payload).task).sort());
    expect(new Set(passed.payloads.map(keys)).size).toBe(1);

    const report = (await (await c.researcher.fetch(`/api/projects/${projectId}/gold`)).json()) as {
      goldTasks: number;
      annotators: { email: string; correct: number; answered: number; paused: boolean; interval: [number, number] }[];
    };
    expect(report.goldTasks).toBe(3);
    expect(report.annotators.map((a) => [a.email, a.correct, a.answered, a.paused])).toEqual([
      ["annotator2@palate.local", 0, 3, true],
      ["annotator3@palate.local", 3, 3, false],
    ]);
    const page = await (await c.researcher.fetch(`/research/projects/${projectId}/quality`)).text();
    expect(page).toContain("Gold accuracy");
    // React separates text parts with <!-- -->: compare the row's text.
    const row = page.match(/data-testid="gold-accuracy-annotator2@palate\.local".*?<\/tr>/s)?.[0].replace(/<[^>]+>|<!-- -->/g, "");
    expect(row).toMatch(/annotator2@palate\.local0 \/ 3.*paused/);
  });

  it("the paused annotator's rankings leave the export unless asked for", async () => {
    const byDefault = await exported("");
    expect(byDefault.some((r) => r.annotator_id === ids.annotator2)).toBe(false);
    expect(byDefault.filter((r) => r.annotator_id === ids.annotator1)).toHaveLength(4);
    const all = await exported("&includePaused=true");
    expect(all.filter((r) => r.annotator_id === ids.annotator2)).toHaveLength(5);
  });
});

describe("review", () => {
  it("annotators get 403 on the review routes; reviewers, researchers and admins read the queue", async () => {
    const task = normal[0].taskId;
    for (const [path, method, body] of [
      [`/api/projects/${projectId}/review`, "GET", undefined],
      [`/api/projects/${projectId}/review/${task}`, "GET", undefined],
      [`/api/projects/${projectId}/review/${task}`, "POST", { action: "send_back" }],
    ] as const) {
      const res = body === undefined ? await c.annotator1.fetch(path, { method }) : await c.annotator1.json(path, method, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      await res.arrayBuffer();
    }
    expect((await c.annotator1.fetch(`/review/${projectId}`)).status).toBe(403);
    for (const who of ["reviewer", "researcher", "admin"]) expect((await c[who].fetch(`/api/projects/${projectId}/review`)).status, who).toBe(200);
    // A reviewer is otherwise an annotator: another annotator's task stays closed to them.
    expect((await c.reviewer.fetch(`/api/tasks/${task}`)).status).toBe(403);
  });

  it("the queue holds the tasks the careless annotator spoiled; a final ranking is what the reviewed export uses", async () => {
    const queue = (await (await c.reviewer.fetch(`/api/projects/${projectId}/review`)).json()) as {
      tasks: { taskId: number; state: string; reasons: string[] }[];
    };
    expect(queue.tasks.map((t) => [t.taskId, t.state, t.reasons])).toEqual([
      [normal[0].taskId, "open", ["low_agreement"]],
      [normal[1].taskId, "open", ["low_agreement"]],
    ]);
    const detail = (await (await c.reviewer.fetch(`/api/projects/${projectId}/review/${normal[0].taskId}`)).json()) as {
      rankings: { annotatorEmail: string; seenOrder: number[]; seenLetters: string }[];
    };
    expect(detail.rankings.map((r) => [r.annotatorEmail, r.seenLetters, r.seenOrder.length])).toEqual([
      ["annotator2@palate.local", "annotator", 3],
      ["annotator1@palate.local", "annotator", 3],
    ]);
    const page = await (await c.reviewer.fetch(`/review/${projectId}/${normal[0].taskId}`)).text();
    expect(page).toContain("letters as annotator2@palate.local saw them");

    const [best, good, bad] = normal[0].completionIds;
    const bad400 = await c.reviewer.json(`/api/projects/${projectId}/review/${normal[0].taskId}`, "POST", { action: "final", groups: [[best], [good]] });
    expect(bad400.status).toBe(400);
    const final = await c.reviewer.json(`/api/projects/${projectId}/review/${normal[0].taskId}`, "POST", {
      action: "final",
      groups: [[good], [best, bad]],
      comment: "good is the one",
    });
    expect(final.status).toBe(201);
    const rows = await exported("&rankings=reviewed&includePaused=true");
    const task0 = rows.filter((r) => r.task_id === normal[0].taskId);
    expect(task0.map((r) => [r.source, r.annotator_id, r.groups])).toEqual([["reviewed", ids.reviewer, [[good], [best, bad]]]]);
    expect(rows.filter((r) => r.task_id === normal[1].taskId)).toHaveLength(2);
    const after = (await (await c.reviewer.fetch(`/api/projects/${projectId}/review`)).json()) as { tasks: { taskId: number; state: string }[] };
    expect(after.tasks.find((t) => t.taskId === normal[0].taskId)?.state).toBe("reviewed");
  });

  it("a send-back serves the task again, to an annotator who has not ranked it", async () => {
    const path = `/api/projects/${projectId}/review/${normal[1].taskId}`;
    expect((await c.annotator3.json("/api/annotate/next", "POST", { projectId })).status).toBe(204);
    const back = await c.reviewer.json(path, "POST", { action: "send_back", addedRankings: 1 });
    expect(back.status).toBe(201);
    expect(((await back.json()) as { required: number }).required).toBe(3);
    const again = await c.annotator3.json("/api/annotate/next", "POST", { projectId });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Payload).task.id).toBe(normal[1].taskId);
  });

  it("an admin unpauses the careless annotator: they get work again", async () => {
    const unpause = await c.admin.json(`/api/projects/${projectId}/gold/unpause`, "POST", { userId: ids.annotator2 });
    expect(unpause.status).toBe(200);
    const next = await c.annotator2.json("/api/annotate/next", "POST", { projectId });
    expect([200, 204]).toContain(next.status);
    const standing = app.db.select().from(projects).where(eq(projects.id, projectId)).get();
    expect(standing?.goldShare).toBe(1);
  });
});
