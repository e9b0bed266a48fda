// The annotator's API over HTTP against the real app: asking for work, reading a task,
// submitting (idempotently), skipping, expiry, who may see what, and concurrent requests.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments, rankings } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { createProject, getProjectByName } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { createUser } from "@/lib/users";
import { Client, startTestApp, type TestApp } from "../helpers/app";

interface Payload {
  assignment: { id: number; taskId: number; status: string; expiresAt: number };
  resumed: boolean;
  task: { id: number; projectId: number; messages: { role: string; content: string }[]; completions: { id: number; text: string }[] };
  progress: { ranked: number; left: number; skipped: number; heldTaskId: number | null; totalTasks: number };
}

const RUSH_ANNOTATORS = 8;

let app: TestApp;
let demoId: number;
const projectIds: Record<string, number> = {};
const clients: Record<string, Client> = {};

function addProject(db: TestApp["db"], name: string, taskCount: number, redundancy: number) {
  const project = createProject(db, { name, redundancy, assignmentTimeoutSeconds: 600 });
  for (let i = 0; i < taskCount; i++) {
    insertTask(db, project.id, {
      messages: [{ role: "user", content: `${name} question ${i}` }],
      completions: [{ text: "one" }, { text: "two" }, { text: "three" }],
    });
  }
  projectIds[name] = project.id;
}

const next = (c: Client, projectId: number) => c.json("/api/annotate/next", "POST", { projectId });
const order = (p: Payload) => p.task.completions.map((c) => [c.id]);

beforeAll(async () => {
  app = await startTestApp(async (db) => {
    addProject(db, "expire-full", 1, 1);
    addProject(db, "expire-room", 1, 2);
    addProject(db, "rush", 3, 2);
    for (let i = 0; i < RUSH_ANNOTATORS; i++) await createUser(db, { email: `rush${i}@palate.local`, name: `Rush ${i}`, role: "annotator", password: "demo" });
  });
  demoId = getProjectByName(app.db, DEMO_PROJECT)!.id;
  for (const who of ["annotator1", "annotator2", "annotator3", "admin", "researcher"]) {
    clients[who] = await new Client(app.url).signIn(`${who}@palate.local`);
  }
});
afterAll(async () => {
  await app?.stop();
});

describe("asking for work", () => {
  it("is for annotators only", async () => {
    expect((await next(new Client(app.url), demoId)).status).toBe(401);
    expect((await next(clients.admin, demoId)).status).toBe(403);
    expect((await next(clients.researcher, demoId)).status).toBe(403);
  });

  it("names a bad field and answers 404 for an unknown project", async () => {
    const bad = await clients.annotator1.json("/api/annotate/next", "POST", { projectId: "x" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].field).toBe("projectId");
    expect((await next(clients.annotator1, 99999)).status).toBe(404);
  });

  it("hands out a task with its conversation and completions, and the same one again until it is done", async () => {
    const res = await next(clients.annotator1, demoId);
    expect(res.status).toBe(200);
    const first = (await res.json()) as Payload;
    expect(first.resumed).toBe(false);
    expect(first.task.completions).toHaveLength(4);
    expect(first.task.messages[0].role).toBe("user");
    expect(first.progress).toMatchObject({ ranked: 0, left: 24, heldTaskId: first.task.id, totalTasks: 24 });
    const again = (await (await next(clients.annotator1, demoId)).json()) as Payload;
    expect(again).toMatchObject({ resumed: true, assignment: { id: first.assignment.id } });
    expect(again.task.completions).toEqual(first.task.completions); // the same display order
  });
});

describe("reading a task", () => {
  it("the assignee and staff may; another annotator gets 403, an unknown id 404", async () => {
    const mine = (await (await next(clients.annotator1, demoId)).json()) as Payload;
    const path = `/api/tasks/${mine.task.id}`;
    const own = await clients.annotator1.fetch(path);
    expect(own.status).toBe(200);
    expect((await own.json()).task.completions.map((c: { id: number }) => c.id)).toEqual(mine.task.completions.map((c) => c.id));
    const other = await clients.annotator2.fetch(path);
    expect(other.status).toBe(403);
    expect(JSON.stringify(await other.json())).not.toContain(mine.task.completions[0].text);
    expect((await clients.annotator2.fetch("/api/tasks/999999")).status).toBe(404);
    expect((await clients.annotator2.fetch("/api/tasks/abc")).status).toBe(404);
    expect((await clients.admin.fetch(path)).status).toBe(200);
    expect((await clients.researcher.fetch(path)).status).toBe(200);
    expect((await new Client(app.url).fetch(path)).status).toBe(401);
  });
});

describe("submitting", () => {
  let payload: Payload;
  let rankingId: number;

  beforeAll(async () => {
    payload = (await (await next(clients.annotator1, demoId)).json()) as Payload;
  });

  it("refuses a ranking that does not cover the completions exactly once, naming the field", async () => {
    const ids = payload.task.completions.map((c) => c.id);
    const res = await clients.annotator1.json(`/api/tasks/${payload.task.id}/ranking`, "POST", { groups: [[ids[0]], [ids[1], ids[0]], [ids[2]]] });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.issues.map((i: { field: string }) => i.field)).toEqual(["groups.1.1", "groups"]);
    expect(body.error).toContain(`missing completion ${ids[3]}`);
    const typo = await clients.annotator1.json(`/api/tasks/${payload.task.id}/ranking`, "POST", {
      groups: order(payload),
      flags: [{ completionId: ids[0], flag: "rude" }],
    });
    expect(typo.status).toBe(400);
    expect((await typo.json()).issues[0].field).toBe("flags.0.flag");
  });

  it("refuses another annotator's task and non-annotators", async () => {
    const body = { groups: order(payload) };
    expect((await clients.annotator2.json(`/api/tasks/${payload.task.id}/ranking`, "POST", body)).status).toBe(403);
    expect((await clients.admin.json(`/api/tasks/${payload.task.id}/ranking`, "POST", body)).status).toBe(403);
    expect((await clients.annotator1.json(`/api/tasks/999999/ranking`, "POST", body)).status).toBe(404);
  });

  it("stores the ranking once: a repeated submit answers the first ranking", async () => {
    const ids = payload.task.completions.map((c) => c.id);
    const body = {
      assignmentId: payload.assignment.id,
      groups: [[ids[2]], [ids[0], ids[3]], [ids[1]]],
      flags: [{ completionId: ids[1], flag: "factually_wrong" }],
      comment: "B is wrong",
      secondsSpent: 0.5,
    };
    // a double click: two submits at once
    const [a, b] = await Promise.all([
      clients.annotator1.json(`/api/tasks/${payload.task.id}/ranking`, "POST", body),
      clients.annotator1.json(`/api/tasks/${payload.task.id}/ranking`, "POST", body),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const [ra, rb] = [(await a.json()).ranking, (await b.json()).ranking];
    expect(ra.id).toBe(rb.id);
    expect(ra).toMatchObject({ groups: body.groups, comment: "B is wrong", secondsSpent: 0.5, flags: [{ completionId: ids[1], flag: "factually_wrong" }] });
    rankingId = ra.id;
    const retry = await clients.annotator1.json(`/api/tasks/${payload.task.id}/ranking`, "POST", { groups: order(payload) });
    expect(retry.status).toBe(200);
    expect((await retry.json()).ranking).toMatchObject({ id: rankingId, groups: body.groups });
    expect(app.db.select().from(rankings).where(eq(rankings.taskId, payload.task.id)).all()).toHaveLength(1);
    expect(app.db.select().from(assignments).where(eq(assignments.id, payload.assignment.id)).get()?.status).toBe("submitted");
  });

  it("then hands out a different task, counting the ranked one", async () => {
    const after = (await (await next(clients.annotator1, demoId)).json()) as Payload;
    expect(after.task.id).not.toBe(payload.task.id);
    expect(after.progress).toMatchObject({ ranked: 1, left: 23 });
  });

  it("the ranking is the annotator's own: others cannot read it", async () => {
    expect((await clients.annotator1.fetch(`/api/rankings/${rankingId}`)).status).toBe(200);
    expect((await clients.annotator2.fetch(`/api/rankings/${rankingId}`)).status).toBe(404);
    const theirs = await (await clients.annotator2.fetch("/annotate/submissions")).text();
    expect(theirs).not.toContain(`data-ranking-id="${rankingId}"`);
    const mine = await (await clients.annotator1.fetch("/annotate/submissions")).text();
    expect(mine).toContain(`data-ranking-id="${rankingId}"`);
    expect(mine).toContain("B is wrong");
    // the task, once ranked, is still readable by its annotator, with their ranking
    const task = await (await clients.annotator1.fetch(`/api/tasks/${payload.task.id}`)).json();
    expect(task.ranking.id).toBe(rankingId);
  });
});

describe("skipping", () => {
  it("needs a reason, closes the assignment and never offers the task again", async () => {
    const held = (await (await next(clients.annotator3, demoId)).json()) as Payload;
    const empty = await clients.annotator3.json(`/api/tasks/${held.task.id}/skip`, "POST", { reason: " " });
    expect(empty.status).toBe(400);
    expect((await empty.json()).issues[0].field).toBe("reason");
    expect((await clients.annotator2.json(`/api/tasks/${held.task.id}/skip`, "POST", { reason: "x" })).status).toBe(403);
    const ok = await clients.annotator3.json(`/api/tasks/${held.task.id}/skip`, "POST", { reason: "I don't know this topic" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).assignment).toMatchObject({ status: "skipped", skipReason: "I don't know this topic" });
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const p = (await (await next(clients.annotator3, demoId)).json()) as Payload;
      expect(p.task.id).not.toBe(held.task.id);
      seen.add(p.task.id);
      expect((await clients.annotator3.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups: order(p) })).status).toBe(201);
    }
    expect(seen.size).toBe(3);
    const ranked = await clients.annotator3.json(`/api/tasks/${[...seen][0]}/skip`, "POST", { reason: "late" });
    expect(ranked.status).toBe(409);
    const progress = await (await clients.annotator3.fetch(`/api/annotate/progress?projectId=${demoId}`)).json();
    expect(progress.progress).toMatchObject({ ranked: 3, skipped: 1 });
  });
});

describe("expiry", () => {
  function expire(assignmentId: number) {
    app.db
      .update(assignments)
      .set({ expiresAt: Date.now() - 1000 })
      .where(eq(assignments.id, assignmentId))
      .run();
  }

  it("an expired assignment returns to the pool; a late submit is refused once the task went to others", async () => {
    const id = projectIds["expire-full"]; // 1 task, R = 1
    const first = (await (await next(clients.annotator1, id)).json()) as Payload;
    expect((await next(clients.annotator2, id)).status).toBe(204);
    expire(first.assignment.id);
    const second = (await (await next(clients.annotator2, id)).json()) as Payload;
    expect(second.task.id).toBe(first.task.id);
    const late = await clients.annotator1.json(`/api/tasks/${first.task.id}/ranking`, "POST", { groups: order(first) });
    expect(late.status).toBe(409);
    expect((await late.json()).error).toMatch(/expired .* gone to other annotators/);
    expect((await clients.annotator2.json(`/api/tasks/${second.task.id}/ranking`, "POST", { groups: order(second) })).status).toBe(201);
  });

  it("a late submit is accepted while the task still has room", async () => {
    const id = projectIds["expire-room"]; // 1 task, R = 2
    const first = (await (await next(clients.annotator1, id)).json()) as Payload;
    expire(first.assignment.id);
    const late = await clients.annotator1.json(`/api/tasks/${first.task.id}/ranking`, "POST", { groups: order(first) });
    expect(late.status).toBe(201);
  });
});

describe("concurrent requests over HTTP", () => {
  it("never push a task past R", async () => {
    const id = projectIds["rush"]; // 3 tasks, R = 2: 6 slots for 8 annotators
    const rush = await Promise.all(Array.from({ length: RUSH_ANNOTATORS }, (_, i) => new Client(app.url).signIn(`rush${i}@palate.local`)));
    const answers = await Promise.all(rush.map((c) => next(c, id)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 204, 204]);
    const taskIds = await Promise.all(answers.filter((r) => r.status === 200).map(async (r) => ((await r.json()) as Payload).task.id));
    const perTask = new Map<number, number>();
    for (const t of taskIds) perTask.set(t, (perTask.get(t) ?? 0) + 1);
    expect([...perTask.values()]).toEqual([2, 2, 2]);
  });
});
