// Agreement between annotators on a real project: three consistent annotators and a careless
// one (random orders) rank the same 40 tasks in a real SQLite file; `palate agreement` (a real
// child process) prints the report as its last line of JSON, GET /api/projects/[id]/agreement
// answers the same figures to a researcher over real HTTP (403 to an annotator, 400 naming a
// bad parameter, 404 for no project), and the quality page shows α, τ-b and the heat map.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/projects";
import { insertRanking } from "@/lib/labeling/save-ranking";
import type { ProjectAgreement } from "@/lib/quality/project-agreement";
import { insertTask } from "@/lib/tasks";
import { createUser, findUserByEmail } from "@/lib/users";
import { Client, DEMO_PASSWORD, startTestApp, type TestApp } from "@/tests/helpers/app";
import { lastJson, palate, palateInProcess } from "@/tests/helpers/cli";
import { simulatedRankings } from "@/tests/fixtures/simulated-rankings";

const PROJECT = "agreement check";
const CARELESS = "careless@palate.local";
const TASKS = 40;

let app: TestApp;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp(async (db) => {
    projectId = createProject(db, { name: PROJECT, redundancy: 4 }).id;
    const careless = await createUser(db, { email: CARELESS, name: "Careless Carl", role: "annotator", password: DEMO_PASSWORD });
    const ids = (email: string) => findUserByEmail(db, email)!;
    const annotators = [
      { userId: ids("annotator1@palate.local").id, noise: 0.4 },
      { userId: ids("annotator2@palate.local").id, noise: 0.4 },
      { userId: ids("annotator3@palate.local").id, noise: 0.4 },
      { userId: careless.id, noise: 1e6 },
    ];
    db.transaction((tx) => {
      const created = new Map<number, { taskId: number; completionIds: number[] }>();
      for (let t = 1; t <= TASKS; t++) {
        const task = insertTask(tx, projectId, {
          messages: [{ role: "user", content: `Question ${t}` }],
          completions: [0, 1, 2, 3].map((i) => ({ text: `Answer ${i} to question ${t}` })),
        });
        created.set(t, task);
      }
      // The fixture's task t has completions t * 100 + i; map them to the real task's.
      for (const r of simulatedRankings({ tasks: TASKS, completions: 4, annotators, seed: 2, tieShare: 0.2 })) {
        const task = created.get(r.taskId)!;
        insertRanking(tx, { taskId: task.taskId, userId: r.userId, groups: r.groups.map((g) => g.map((id) => task.completionIds[id % 100])) });
      }
    });
  });
});
afterAll(async () => {
  await app?.stop();
});

const withoutTime = ({ computedAt, ...rest }: ProjectAgreement) => {
  expect(typeof computedAt).toBe("number");
  return rest;
};

function expectCarelessSingledOut(report: ProjectAgreement) {
  expect(report.project).toEqual({ id: projectId, name: PROJECT });
  expect(report).toMatchObject({ rankings: 4 * TASKS, tasks: TASKS });
  expect(report.alpha.tasks).toBe(TASKS);
  expect(report.bootstrap).toEqual({ resamples: 200, seed: 5, level: 0.95, tasks: TASKS });
  for (const e of [report.alpha.ordinal, report.alpha.interval, report.kendallTauB.mean]) {
    expect(e.value).toBeGreaterThan(0);
    expect(e.value).toBeLessThan(1);
    expect(e.low!).toBeLessThanOrEqual(e.value!);
    expect(e.high!).toBeGreaterThanOrEqual(e.value!);
  }
  const careless = report.annotators.find((a) => a.email === CARELESS)!;
  expect(careless).toMatchObject({ name: "Careless Carl", rankings: TASKS, sharedTasks: TASKS, comparisons: 3 * TASKS });
  for (const a of report.annotators.filter((x) => x.email !== CARELESS)) {
    expect(a.email).toMatch(/^annotator\d@palate\.local$/);
    expect(a.agreement.value!).toBeGreaterThan(careless.agreement.value!);
    expect(careless.alphaOrdinalWithout!).toBeGreaterThan(a.alphaOrdinalWithout!);
  }
  const row = report.matrix.userIds.indexOf(careless.userId);
  const rowMean = (i: number) => report.matrix.meanTauB[i].filter((v): v is number => v !== null).reduce((s, v) => s + v, 0) / 3;
  for (let i = 0; i < 4; i++) if (i !== row) expect(rowMean(i)).toBeGreaterThan(rowMean(row));
  expect(report.matrix.sharedTasks[row]).toEqual([TASKS, TASKS, TASKS, TASKS]);
}

describe("palate agreement", () => {
  let cli: ProjectAgreement;

  it("prints a summary and the whole report as JSON on its last line", async () => {
    const run = await palate(app.dbPath, ["agreement", "--project", PROJECT, "--bootstrap", "200", "--seed", "5"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Krippendorff's α ordinal");
    expect(run.stdout).toContain(CARELESS);
    cli = lastJson(run.stdout) as unknown as ProjectAgreement;
    expectCarelessSingledOut(cli);
  });

  it("names a bad flag or an unknown project", async () => {
    const bad = await palateInProcess(app.dbPath, ["agreement", "--project", PROJECT, "--bootstrap", "20000"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--bootstrap: .*10000/);
    const seed = await palateInProcess(app.dbPath, ["agreement", "--project", PROJECT, "--seed", "1.5"]);
    expect(seed.status).toBe(1);
    expect(seed.stderr).toMatch(/--seed: /);
    const missing = await palateInProcess(app.dbPath, ["agreement", "--project", "no such"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/--project: no project named "no such"/);
    expect((await palateInProcess(app.dbPath, ["agreement"])).stderr).toMatch(/--project is required/);
  });

  it("the API answers the same report to a researcher, with the same seed", async () => {
    const researcher = await new Client(app.url).signIn("researcher@palate.local");
    const res = await researcher.fetch(`/api/projects/${projectId}/agreement?bootstrap=200&seed=5`);
    expect(res.status).toBe(200);
    const api = (await res.json()) as ProjectAgreement;
    expectCarelessSingledOut(api);
    expect(withoutTime(api)).toEqual(withoutTime(cli));

    const bad = await researcher.fetch(`/api/projects/${projectId}/agreement?bootstrap=lots`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(["bootstrap"]);
    expect((await researcher.fetch(`/api/projects/${projectId}/agreement?bootstraps=5`)).status).toBe(400);
    expect((await researcher.fetch(`/api/projects/99999/agreement`)).status).toBe(404);
  });

  it("refuses annotators (403) and the signed-out (401)", async () => {
    const annotator = await new Client(app.url).signIn("annotator1@palate.local");
    expect((await annotator.fetch(`/api/projects/${projectId}/agreement`)).status).toBe(403);
    expect((await new Client(app.url).fetch(`/api/projects/${projectId}/agreement`)).status).toBe(401);
  });

  it("the quality page shows α, τ-b, the annotators against the rest and the heat map", async () => {
    const researcher = await new Client(app.url).signIn("researcher@palate.local");
    const res = await researcher.fetch(`/research/projects/${projectId}/quality`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const id of ["alpha-ordinal", "alpha-interval", "mean-tau-b", "annotator-agreement", "agreement-heat-map", `heat-map-row-${CARELESS}`]) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    // The default report (1000 resamples, seed 0) has the same point figures as the CLI's.
    expect(html).toContain(cli.alpha.ordinal.value!.toFixed(3));
    expect(html).toContain(cli.kendallTauB.mean.value!.toFixed(3));
    expect(html).toMatch(/on 40 shared tasks/);
    // The project page links to it.
    expect(await (await researcher.fetch(`/research/projects/${projectId}`)).text()).toContain(`href="/research/projects/${projectId}/quality"`);
  });
});
