// Pairwise mode over HTTP against the real app: an admin turns it on (K must be 2), an annotator
// gets two completions and answers with a strength, the stored ranking carries it, the trl export
// writes it as margin; a task with three completions in a pairwise project is asked as a ranking.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects, rankings } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../helpers/app";

interface Payload {
  assignment: { id: number; taskId: number };
  task: { id: number; completions: { id: number; text: string }[]; pairwise: boolean };
}

let app: TestApp;
let pairId: number;
let mixedId: number;
let admin: Client;
let annotator: Client;

beforeAll(async () => {
  app = await startTestApp(async (db) => {
    const pair = createProject(db, { name: "pairs", completionsPerTask: 2, redundancy: 1 });
    pairId = pair.id;
    insertTask(db, pair.id, { messages: [{ role: "user", content: "Say hi" }], completions: [{ text: "Hi!" }, { text: "Go away." }] });
    const mixed = createProject(db, { name: "three", completionsPerTask: 3, redundancy: 1 });
    mixedId = mixed.id;
    insertTask(db, mixed.id, { messages: [{ role: "user", content: "Count" }], completions: [{ text: "1" }, { text: "1 2" }, { text: "1 2 3" }] });
  });
  admin = await new Client(app.url).signIn("admin@palate.local");
  annotator = await new Client(app.url).signIn("annotator1@palate.local");
});
afterAll(async () => {
  await app?.stop();
});

const next = async (projectId: number) => {
  const res = await annotator.json("/api/annotate/next", "POST", { projectId });
  expect(res.status).toBe(200);
  return (await res.json()) as Payload;
};

describe("pairwise mode over HTTP", () => {
  it("is an admin's setting that needs K = 2, refused with a 400 naming mode otherwise", async () => {
    const refused = await admin.json(`/api/projects/${mixedId}`, "PATCH", { mode: "pairwise" });
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.issues[0].field).toBe("mode");
    expect(body.error).toMatch(/completionsPerTask to 2/);
    expect((await annotator.json(`/api/projects/${pairId}`, "PATCH", { mode: "pairwise" })).status).toBe(403);
    const ok = await admin.json(`/api/projects/${pairId}`, "PATCH", { mode: "pairwise", taskOrder: "disagreement" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).project).toMatchObject({ mode: "pairwise", taskOrder: "disagreement" });
    expect((await admin.json(`/api/projects/${pairId}`, "PATCH", { taskOrder: "random" })).status).toBe(400);
  });

  it("gives an annotator two completions and stores the answer with its strength; the export carries it as margin", async () => {
    const p = await next(pairId);
    expect(p.task.pairwise).toBe(true);
    expect(p.task.completions).toHaveLength(2);
    const [a, b] = p.task.completions;
    const missing = await annotator.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups: [[b.id], [a.id]], assignmentId: p.assignment.id });
    expect(missing.status).toBe(400);
    expect((await missing.json()).issues[0].field).toBe("strength");
    // "B much better" (key 5).
    const res = await annotator.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups: [[b.id], [a.id]], strength: 2, assignmentId: p.assignment.id });
    expect(res.status).toBe(201);
    expect((await res.json()).ranking).toMatchObject({ groups: [[b.id], [a.id]], strength: 2, noneAcceptable: false });
    expect(app.db.select().from(rankings).where(eq(rankings.taskId, p.task.id)).get()!.strength).toBe(2);

    const exported = await admin.fetch(`/api/projects/${pairId}/export?format=trl`);
    expect(exported.status).toBe(200);
    const rows = (await exported.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toEqual([expect.objectContaining({ chosen: b.text, rejected: a.text, margin: 2 })]);
  });

  it("asks a task with three completions in a pairwise project as a ranking (no strength taken)", async () => {
    // The project's K stays 3, so pairwise mode cannot be set through the settings; a task like
    // this reaches a pairwise project by import, which the database allows.
    app.db.update(projects).set({ mode: "pairwise" }).where(eq(projects.id, mixedId)).run();
    const p = await next(mixedId);
    expect(p.task.pairwise).toBe(false);
    expect(p.task.completions).toHaveLength(3);
    const groups = p.task.completions.map((c) => [c.id]);
    const refused = await annotator.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups, strength: 1, assignmentId: p.assignment.id });
    expect(refused.status).toBe(400);
    expect((await refused.json()).issues[0].field).toBe("strength");
    const ok = await annotator.json(`/api/tasks/${p.task.id}/ranking`, "POST", { groups, assignmentId: p.assignment.id });
    expect(ok.status).toBe(201);
    expect((await ok.json()).ranking.strength).toBeNull();
  });

  it("a second project built by the store is unaffected: ranking mode by default", () => {
    const p = createProject(app.db, { name: "plain" });
    expect(p).toMatchObject({ mode: "ranking", taskOrder: "even" });
  });
});
