// The model leaderboard on a real project: 150 tasks of 4 completions, each from one of three
// models of known quality (a fourth completion per some tasks carries no model), ranked by three
// annotators through Plackett–Luce (pairwise marginals exactly Bradley–Terry), stored in a real
// SQLite file. `palate leaderboard` (a real child process) prints the order as its last line of
// JSON; GET /api/projects/[id]/leaderboard answers the same figures to a researcher over real
// HTTP (403 to an annotator, 400 naming a bad parameter, 404 for no project); the page shows it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import type { ProjectLeaderboard } from "@/lib/quality/project-leaderboard";
import { mixSeed, mulberry32, samplePlackettLuce } from "@/lib/simulate/plackett-luce";
import { insertTask } from "@/lib/tasks";
import { findUserByEmail } from "@/lib/users";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";
import { lastJson, palate, palateInProcess } from "@/tests/helpers/cli";

const PROJECT = "arena";
const TRUE_ELO: Record<string, number> = { "model-strong": 1200, "model-middling": 1000, "model-weak": 750 };
const MODELS = Object.keys(TRUE_ELO);
const TASKS = 150;

let app: TestApp;
let projectId: number;
let modelless = 0;

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: PROJECT, redundancy: 3 }).id;
    const annotators = ["annotator1", "annotator2", "annotator3"].map((who) => findUserByEmail(db, `${who}@palate.local`)!.id);
    const random = mulberry32(99);
    db.transaction((tx) => {
      for (let t = 0; t < TASKS; t++) {
        // Every tenth task has a fourth completion whose model is unknown (null): its pairs are left out.
        const models: (string | null)[] = [0, 1, 2].map(() => MODELS[Math.floor(random() * MODELS.length)]);
        if (t % 10 === 0) models.push(null);
        const task = insertTask(tx, projectId, {
          messages: [{ role: "user", content: `Question ${t}` }],
          completions: models.map((model, i) => ({ text: `Answer ${i} to ${t}`, model })),
        });
        if (t % 10 === 0) modelless++;
        const utilities = models.map((m) => (m === null ? 0 : (TRUE_ELO[m] * Math.LN10) / 400));
        annotators.forEach((userId, a) => {
          const order = samplePlackettLuce(utilities, 1, mulberry32(mixSeed(7, t, a)));
          insertRanking(tx, { taskId: task.taskId, userId, groups: order.map((g) => g.map((i) => task.completionIds[i])) });
        });
      }
    });
  });
});
afterAll(async () => {
  await app?.stop();
});

describe("palate leaderboard", () => {
  let fromCli: ProjectLeaderboard;

  it("prints a table and, as its last line, the leaderboard as JSON in the true order", async () => {
    const run = await palate(app.dbPath, ["leaderboard", "--project", PROJECT, "--bootstrap", "100", "--seed", "5"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/rank\s+model\s+elo\s+95% interval/);
    fromCli = lastJson(run.stdout) as unknown as ProjectLeaderboard;
    expect(fromCli.project).toEqual({ id: projectId, name: PROJECT });
    expect(fromCli.models.map((m) => m.model)).toEqual(["model-strong", "model-middling", "model-weak"]);
    expect(fromCli.rankings).toBe(TASKS * 3);
    // Each modelless completion's 3 pairs, in each of the 3 rankings of its task.
    expect(fromCli.unattributedPairs).toBe(modelless * 3 * 3);
    expect(fromCli.comparisons + fromCli.sameModelPairs).toBe(TASKS * 3 * 3);
    expect(fromCli.bootstrap).toEqual({ resamples: 100, seed: 5, level: 0.95 });
    // Each interval holds its rating, and the strong and weak models (450 Elo apart) do not
    // overlap. (Whether the intervals cover the true ratings is tests/unit/quality/leaderboard.test.ts.)
    for (const m of fromCli.models) {
      expect(m.lower!).toBeLessThan(m.rating);
      expect(m.upper!).toBeGreaterThan(m.rating);
    }
    expect(fromCli.models[0].lower!).toBeGreaterThan(fromCli.models[2].upper!);
    const total = fromCli.models.reduce((s, m) => s + m.comparisons, 0);
    expect(total).toBe(2 * fromCli.comparisons);
  });

  it("names a bad flag and an unknown project", async () => {
    const bad = await palateInProcess(app.dbPath, ["leaderboard", "--project", PROJECT, "--bootstrap", "lots"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--bootstrap: .*"lots"/);
    const missing = await palateInProcess(app.dbPath, ["leaderboard", "--project", "no such"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--project: no project named "no such"/);
  });

  describe("GET /api/projects/[id]/leaderboard", () => {
    it("answers a researcher with the CLI's figures for the same seed", async () => {
      const researcher = await new Client(app.url).signIn("researcher@palate.local");
      const res = await researcher.fetch(`/api/projects/${projectId}/leaderboard?bootstrap=100&seed=5`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(fromCli);
    });

    it("403 to an annotator, 400 naming a bad parameter, 404 for no project", async () => {
      const annotator = await new Client(app.url).signIn("annotator1@palate.local");
      expect((await annotator.fetch(`/api/projects/${projectId}/leaderboard`)).status).toBe(403);
      const researcher = await new Client(app.url).signIn("researcher@palate.local");
      const bad = await researcher.fetch(`/api/projects/${projectId}/leaderboard?bootstrap=5000`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(["bootstrap"]);
      const unknown = await researcher.fetch(`/api/projects/${projectId}/leaderboard?resamples=5`);
      expect(unknown.status).toBe(400);
      expect((await researcher.fetch(`/api/projects/99999/leaderboard`)).status).toBe(404);
    });

    it("the page shows the table and the chart, linked from the project page", async () => {
      const researcher = await new Client(app.url).signIn("researcher@palate.local");
      const page = await researcher.fetch(`/research/projects/${projectId}/leaderboard`);
      expect(page.status).toBe(200);
      const html = await page.text();
      for (const model of MODELS) expect(html).toContain(`data-testid="leaderboard-${model}"`);
      expect(html.indexOf("leaderboard-model-strong")).toBeLessThan(html.indexOf("leaderboard-model-weak"));
      expect(html).toContain('data-testid="leaderboard-chart"');
      const project = await (await researcher.fetch(`/research/projects/${projectId}`)).text();
      expect(project).toContain(`href="/research/projects/${projectId}/leaderboard"`);
    });
  });
});
