// The demonstrations section of a project's statistics over real HTTP on the built app: an annotator
// saves a draft and submits it through the demonstration routes, a researcher reviews it, and each
// step shows in GET /api/projects/[id]/stats (`demonstrations`: counts by state, per annotator,
// lengths, prompts with an accepted one) and on the research and admin project pages; a ranking
// project without demonstrations shows no such section. Annotators get 403 from the route.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demonstrations } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import type { DemonstrationStats } from "@/lib/demonstrations/demonstration-stats";
import { createProject, getProjectByName } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

let app: TestApp;
let researcher: Client;
let admin: Client;
let a1: Client;
let projectId: number;
let rankingProjectId: number;

beforeAll(async () => {
  app = await startTestApp((db) => {
    rankingProjectId = getProjectByName(db, DEMO_PROJECT)!.id;
    projectId = createProject(db, { name: "Ideal answers", mode: "demonstration", redundancy: 2 }).id;
    const tasks = [0, 1, 2].map((i) => insertTask(db, projectId, { messages: [{ role: "user", content: `Explain ${i}.` }], completions: [] }).taskId);
    const a2 = db.$client.prepare("select id from users where email = 'annotator2@palate.local'").pluck().get() as number;
    // Annotator two's earlier work: one accepted (10 characters), one rejected (4).
    db.insert(demonstrations).values({ taskId: tasks[0], userId: a2, text: "0123456789", status: "submitted", review: "accepted", submittedAt: 1 }).run();
    db.insert(demonstrations).values({ taskId: tasks[1], userId: a2, text: "nope", status: "submitted", review: "rejected", submittedAt: 1 }).run();
  });
  [researcher, admin, a1] = await Promise.all([
    new Client(app.url).signIn("researcher@palate.local"),
    new Client(app.url).signIn("admin@palate.local"),
    new Client(app.url).signIn("annotator1@palate.local"),
  ]);
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

async function demonstrationStats(id: number): Promise<DemonstrationStats> {
  const res = await researcher.fetch(`/api/projects/${id}/stats`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { demonstrations: DemonstrationStats }).demonstrations;
}

describe("the demonstrations statistics", () => {
  it("follow a draft, its submit and its review, in the stats route and on the project pages", async () => {
    expect((await a1.fetch(`/api/projects/${projectId}/stats`)).status).toBe(403);
    expect((await demonstrationStats(projectId)).counts).toEqual({ draft: 0, submitted: 2, pending: 0, accepted: 1, rejected: 1, imported: 0 });

    const next = await a1.json("/api/annotate/demonstrations/next", "POST", { projectId });
    expect(next.status).toBe(200);
    const taskId = ((await next.json()) as { task: { id: number } }).task.id;
    expect((await a1.json(`/api/tasks/${taskId}/demonstration`, "PUT", { text: "A first" })).status).toBe(200);
    expect((await demonstrationStats(projectId)).counts).toMatchObject({ draft: 1, pending: 0 });

    const submitted = await a1.json(`/api/tasks/${taskId}/demonstration`, "POST", { text: "A full answer" });
    expect(submitted.status).toBe(201);
    const id = ((await submitted.json()) as { demonstration: { id: number } }).demonstration.id;
    const pending = await demonstrationStats(projectId);
    expect(pending.counts).toMatchObject({ draft: 0, submitted: 3, pending: 1 });
    // Lengths of the submitted answers 4, 10, 13: median 10.
    expect(pending.length.median).toBe(10);

    expect((await researcher.json(`/api/projects/${projectId}/demonstrations/${id}/review`, "POST", { decision: "accepted" })).status).toBe(200);
    const reviewed = await demonstrationStats(projectId);
    expect(reviewed.counts).toMatchObject({ pending: 0, accepted: 2, rejected: 1 });
    expect(reviewed.prompts.withAccepted).toBe(2);
    expect(reviewed.prompts.total).toBe(3);
    expect(reviewed.annotators.map((a) => [a.email, a.submitted, a.accepted, a.rejected])).toEqual([
      ["annotator2@palate.local", 2, 1, 1],
      ["annotator1@palate.local", 1, 1, 0],
    ]);

    for (const [client, path] of [
      [researcher, `/research/projects/${projectId}`],
      [admin, `/admin/projects/${projectId}`],
    ] as const) {
      const html = await (await client.fetch(path)).text();
      expect(html).toContain('data-testid="demonstration-stats"');
      expect(html).toMatch(/data-testid="demonstrations-accepted".*?<dd[^>]*>2<\/dd>/s);
      expect(html).toMatch(/data-testid="demonstrations-prompts".*?<dd[^>]*>2 \/ 3<\/dd>/s);
    }
  });

  it("are left off the pages of a ranking project without demonstrations", async () => {
    expect((await demonstrationStats(rankingProjectId)).counts.submitted).toBe(0);
    const html = await (await researcher.fetch(`/research/projects/${rankingProjectId}`)).text();
    expect(html).toContain('data-testid="project-quality"');
    expect(html).not.toContain('data-testid="demonstration-stats"');
  });
});
