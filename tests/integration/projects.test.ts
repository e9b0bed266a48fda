// The projects API over HTTP: create and change settings with errors naming the field,
// progress and stats that follow the rankings, task pages, and read-only researchers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { projects, users } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { getTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "../helpers/app";

interface Issue {
  field: string;
  message: string;
}

describe("projects API", () => {
  let app: TestApp;
  let admin: Client;
  let researcher: Client;
  let demoId: number;
  let firstTaskId: number;
  beforeAll(async () => {
    app = await startTestApp((db) => {
      // Two annotators rank the demo project's first task; they agree on 5 of its 6 pairs.
      const project = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!;
      const task = db.query.tasks.findFirst({ where: (t, { eq }) => eq(t.projectId, project.id), orderBy: (t, { asc }) => asc(t.id) }).sync()!;
      const [a, b, c, d] = getTask(db, task.id)!.completions.map((x) => x.id);
      const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
      insertRanking(db, { taskId: task.id, userId: uid("annotator1@palate.local"), groups: [[a], [b], [c], [d]], secondsSpent: 12 });
      insertRanking(db, {
        taskId: task.id,
        userId: uid("annotator2@palate.local"),
        groups: [[b], [a], [c], [d]],
        flags: [{ completionId: d, flag: "off_topic" }],
      });
    });
    admin = await new Client(app.url).signIn("admin@palate.local");
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    const list = (await (await admin.fetch("/api/projects")).json()) as { projects: { id: number; name: string }[] };
    demoId = list.projects.find((p) => p.name === DEMO_PROJECT)!.id;
    const page = (await (await admin.fetch(`/api/projects/${demoId}/tasks?limit=1`)).json()) as { tasks: { id: number }[] };
    firstTaskId = page.tasks[0].id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("creates a project with defaults, readable by researchers", async () => {
    const res = await admin.json("/api/projects", "POST", { name: "  Fresh project  ", guidelines: "# Rank well" });
    expect(res.status).toBe(201);
    const { project } = (await res.json()) as { project: Record<string, unknown> };
    expect(project).toMatchObject({ name: "Fresh project", guidelines: "# Rank well", completionsPerTask: 4, redundancy: 3, assignmentTimeoutSeconds: 1800 });
    const got = await researcher.fetch(`/api/projects/${project.id}`);
    expect(got.status).toBe(200);
    expect(((await got.json()) as { project: { progress: { tasks: number } } }).project.progress.tasks).toBe(0);
  });

  it("create validation errors name the field", async () => {
    const missing = await admin.json("/api/projects", "POST", { redundancy: 0 });
    expect(missing.status).toBe(400);
    const issues = ((await missing.json()) as { issues: Issue[] }).issues;
    expect(issues.map((i) => i.field).sort()).toEqual(["name", "redundancy"]);

    const types = await admin.json("/api/projects", "POST", { name: "Typed", completionsPerTask: "four", surprise: true });
    expect(((await types.json()) as { issues: Issue[] }).issues.map((i) => i.field).sort()).toEqual(["completionsPerTask", "surprise"]);

    const dup = await admin.json("/api/projects", "POST", { name: DEMO_PROJECT });
    expect(dup.status).toBe(400);
    const body = (await dup.json()) as { error: string; issues: Issue[] };
    expect(body.issues.map((i) => i.field)).toEqual(["name"]);
    expect(body.error).toMatch(/^name: /);
  });

  it("PATCH changes settings and its validation errors name the field", async () => {
    const created = (await (await admin.json("/api/projects", "POST", { name: "To patch" })).json()) as { project: { id: number } };
    const id = created.project.id;
    const ok = await admin.json(`/api/projects/${id}`, "PATCH", {
      guidelines: "Be kind.",
      redundancy: 5,
      completionsPerTask: 2,
      assignmentTimeoutSeconds: 600,
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { project: unknown }).project).toMatchObject({
      guidelines: "Be kind.",
      redundancy: 5,
      completionsPerTask: 2,
      assignmentTimeoutSeconds: 600,
    });

    const bad = await admin.json(`/api/projects/${id}`, "PATCH", { redundancy: 1.5, assignmentTimeoutSeconds: 1, name: "" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: Issue[] }).issues.map((i) => i.field).sort()).toEqual(["assignmentTimeoutSeconds", "name", "redundancy"]);

    const clash = await admin.json(`/api/projects/${id}`, "PATCH", { name: DEMO_PROJECT });
    expect(clash.status).toBe(400);
    expect(((await clash.json()) as { issues: Issue[] }).issues[0].field).toBe("name");

    const after = (await (await admin.fetch(`/api/projects/${id}`)).json()) as { project: { name: string; redundancy: number } };
    expect(after.project).toMatchObject({ name: "To patch", redundancy: 5 });
  });

  it("unknown ids answer 404", async () => {
    for (const path of ["/api/projects/999999", "/api/projects/999999/stats", "/api/projects/999999/tasks", "/api/projects/x1"]) {
      expect((await admin.fetch(path)).status, path).toBe(404);
    }
    expect((await admin.json("/api/projects/999999", "PATCH", { guidelines: "" })).status).toBe(404);
  });

  it("researchers read but cannot write", async () => {
    expect((await researcher.fetch("/api/projects")).status).toBe(200);
    expect((await researcher.json("/api/projects", "POST", { name: "Not mine" })).status).toBe(403);
    expect((await researcher.json(`/api/projects/${demoId}`, "PATCH", { guidelines: "changed" })).status).toBe(403);
    const project = (await (await researcher.fetch(`/api/projects/${demoId}`)).json()) as { project: { guidelines: string } };
    expect(project.project.guidelines).not.toBe("changed");
  });

  it("progress, stats and the task page follow the stored rankings", async () => {
    const list = (await (await researcher.fetch("/api/projects")).json()) as { projects: { id: number; progress: Record<string, unknown> }[] };
    const demo = list.projects.find((p) => p.id === demoId)!;
    expect(demo.progress).toMatchObject({ tasks: 24, rankings: 2, startedTasks: 1, completedTasks: 0 });

    const stats = (await (await researcher.fetch(`/api/projects/${demoId}/stats`)).json()) as {
      comparisons: number;
      annotators: { email: string; rankings: number; agreement: number }[];
      agreement: { overall: { agreed: number; total: number; sharedTasks: number } };
    };
    expect(stats.comparisons).toBe(12);
    expect(stats.agreement.overall).toMatchObject({ agreed: 5, total: 6, sharedTasks: 1 });
    expect(stats.annotators.map((a) => [a.email, a.rankings])).toEqual([
      ["annotator1@palate.local", 1],
      ["annotator2@palate.local", 1],
    ]);

    const page = (await (await researcher.fetch(`/api/projects/${demoId}/tasks?offset=0&limit=2`)).json()) as {
      total: number;
      tasks: { id: number; rankings: number; completions: number; preview: string }[];
    };
    expect(page.total).toBe(24);
    expect(page.tasks).toHaveLength(2);
    expect(page.tasks[0]).toMatchObject({ id: firstTaskId, rankings: 2, completions: 4, preview: "What is the capital of France?" });
    expect(page.tasks[1].rankings).toBe(0);
    expect((await researcher.fetch(`/api/projects/${demoId}/tasks?limit=0`)).status).toBe(400);
  });

  it("the research task page shows every ranking with flags and the admin project page renders", async () => {
    // The page's canonical letters (stored order); by default each ranking is shown in the letters its annotator saw.
    const task = await researcher.fetch(`/research/tasks/${firstTaskId}?letters=canonical`);
    expect(task.status).toBe(200);
    const html = await task.text();
    expect(html).toContain("annotator1@palate.local");
    expect(html).toContain("annotator2@palate.local");
    expect(html).toContain("B &gt; A &gt; C &gt; D");
    expect(html).toMatch(/D “[^”]*”: off topic/);
    // Head-to-head: A above B once (annotator1), B above A once (annotator2); A above C twice.
    const matrix = html.slice(html.indexOf('data-testid="head-to-head"'));
    expect(matrix).toMatch(/<th[^>]*>A<\/th><td[^>]*>·<\/td><td[^>]*>1<\/td><td[^>]*>2<\/td><td[^>]*>2<\/td>/);
    expect((await researcher.fetch("/research/tasks/999999")).status).toBe(404);

    const adminPage = await admin.fetch(`/admin/projects/${demoId}`);
    expect(adminPage.status).toBe(200);
    expect(await adminPage.text()).toContain("What is the capital of France?");
  });
});
