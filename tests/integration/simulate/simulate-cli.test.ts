// `palate simulate` against the real app over HTTP: the demo seed (24 tasks, redundancy 3),
// three simulated annotators created through the admin API, the real CLI as a child process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PROJECT, demoTasks } from "@/lib/demo/seed";
import { createProject } from "@/lib/projects";
import { correctness } from "@/lib/simulate/oracles";
import { insertTask } from "@/lib/tasks";
import { freePort, startTestApp, type TestApp } from "../../helpers/app";
import { lastJson, palate, palateInProcess } from "../../helpers/cli";

/** A second project with the demo's tasks, for --tasks. */
const LIMITED = "Simulate: a limited run";
/** A third, for judged rankings (--judge-error). */
const JUDGED = "Simulate: judged rankings";

describe("palate simulate", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp((db) => {
      const project = createProject(db, { name: LIMITED, completionsPerTask: 4, redundancy: 3 });
      for (const task of demoTasks()) insertTask(db, project.id, task);
      const judged = createProject(db, { name: JUDGED, completionsPerTask: 4, redundancy: 1 });
      for (const task of demoTasks()) insertTask(db, judged.id, task);
    });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("three annotators rank every task three times, then find nothing left", async () => {
    const args = ["simulate", "--project", DEMO_PROJECT, "--annotators", "3", "--oracle", "correctness", "--noise", "0.7", "--url", app.url];
    const run = await palate(app.dbPath, args);
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);

    const sql = app.db.$client;
    const sims = sql.prepare("SELECT id, email, role FROM users WHERE email LIKE 'sim%@palate.local' ORDER BY email").all() as {
      id: number;
      email: string;
      role: string;
    }[];
    expect(sims.map((u) => [u.email, u.role])).toEqual([1, 2, 3].map((i) => [`sim${i}@palate.local`, "annotator"]));

    const perTask = sql
      .prepare(
        "SELECT t.id, COUNT(r.id) AS n FROM tasks t JOIN projects p ON p.id = t.project_id LEFT JOIN rankings r ON r.task_id = t.id WHERE p.name = ? GROUP BY t.id",
      )
      .all(DEMO_PROJECT) as { id: number; n: number }[];
    expect(perTask).toHaveLength(24);
    expect(perTask.every((t) => t.n === 3)).toBe(true);

    const counts = sql
      .prepare(
        "SELECT COUNT(*) AS rankings, COUNT(DISTINCT r.task_id) AS tasks, SUM(r.none_acceptable) AS none FROM rankings r " +
          "JOIN tasks t ON t.id = r.task_id JOIN projects p ON p.id = t.project_id JOIN users u ON u.id = r.user_id " +
          "WHERE p.name = ? AND u.email LIKE 'sim%@palate.local'",
      )
      .get(DEMO_PROJECT) as { rankings: number; tasks: number; none: number };
    expect(result).toMatchObject({
      project: DEMO_PROJECT,
      oracle: "correctness",
      noise: 0.7,
      annotators: 3,
      rankings: counts.rankings,
      tasks: counts.tasks,
      noneAcceptable: counts.none,
    });
    expect(counts.rankings).toBe(72);
    // The demo's capital and sum tasks have one or two right answers among four: pairs to judge.
    expect(result.pairs as number).toBeGreaterThan(0);
    expect(result.agreement as number).toBeGreaterThan(0.5);
    expect(result.agreement as number).toBeLessThan(1);
    // Every annotator ranked a task at most once.
    const repeats = sql.prepare("SELECT COUNT(*) AS n FROM (SELECT task_id, user_id FROM rankings GROUP BY task_id, user_id HAVING COUNT(*) > 1)").get() as {
      n: number;
    };
    expect(repeats.n).toBe(0);

    const again = await palate(app.dbPath, args);
    expect(again.status, again.stderr).toBe(0);
    expect(lastJson(again.stdout)).toMatchObject({ rankings: 0, tasks: 0, pairs: 0, agreement: null });
  });

  it("stops after --tasks rankings in total", async () => {
    const run = await palateInProcess(null, ["simulate", "--project", LIMITED, "--annotators", "2", "--oracle", "brevity", "--tasks", "5", "--url", app.url]);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({ project: LIMITED, rankings: 5, annotators: 2, oracle: "brevity" });
    const n = app.db.$client
      .prepare("SELECT COUNT(*) AS n FROM rankings r JOIN tasks t ON t.id = r.task_id JOIN projects p ON p.id = t.project_id WHERE p.name = ?")
      .get(LIMITED) as { n: number };
    expect(n.n).toBe(5);
  });

  it("--judge-error 0 submits the correctness verdicts as they are: right answers tied above wrong ones", async () => {
    const run = await palateInProcess(null, [
      "simulate",
      "--project",
      JUDGED,
      "--annotators",
      "1",
      "--oracle",
      "correctness",
      "--judge-error",
      "0",
      "--url",
      app.url,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const result = lastJson(run.stdout);
    expect(result).toMatchObject({ project: JUDGED, judgeError: 0, rankings: 24, agreement: 1 });
    const rows = app.db.$client
      .prepare(
        "SELECT r.groups AS groups, r.none_acceptable AS none, p.messages AS messages, r.task_id AS task FROM rankings r " +
          "JOIN tasks t ON t.id = r.task_id JOIN projects j ON j.id = t.project_id JOIN prompts p ON p.id = t.prompt_id WHERE j.name = ?",
      )
      .all(JUDGED) as { groups: string; none: number; messages: string; task: number }[];
    expect(rows).toHaveLength(24);
    let tiedGroups = 0;
    for (const row of rows) {
      const texts = new Map(
        (app.db.$client.prepare("SELECT id, text FROM completions WHERE task_id = ?").all(row.task) as { id: number; text: string }[]).map((c) => [
          c.id,
          c.text,
        ]),
      );
      const messages = JSON.parse(row.messages) as { role: "user"; content: string }[];
      const verdicts = (JSON.parse(row.groups) as number[][]).map((g) => g.map((id) => correctness.score(messages, texts.get(id)!)));
      // Each group holds one verdict, groups best first; none acceptable exactly when no answer to a
      // question correctness recognises is right (error 0: the judgements are the verdicts).
      for (const g of verdicts) expect(new Set(g).size).toBe(1);
      expect(verdicts.map((g) => g[0])).toEqual([...verdicts.map((g) => g[0])].sort((a, b) => b - a));
      expect(row.none === 1).toBe(correctness.noneAcceptable!(messages, verdicts.flat()));
      if (row.none === 1) expect(verdicts).toEqual([[0, 0, 0, 0]]);
      if (verdicts.some((g) => g.length > 1)) tiedGroups++;
    }
    expect(tiedGroups).toBeGreaterThan(0);
  });

  it("fails naming the flag: unknown project, unknown oracle, unreachable app, wrong password", async () => {
    const base = ["simulate", "--annotators", "1", "--url", app.url];
    const project = await palateInProcess(null, [...base, "--project", "Nope", "--oracle", "correctness"]);
    expect(project.status).toBe(1);
    expect(project.stderr).toMatch(/--project: no project named "Nope"/);

    const oracle = await palateInProcess(null, [...base, "--project", DEMO_PROJECT, "--oracle", "taste"]);
    expect(oracle.status).toBe(1);
    expect(oracle.stderr).toMatch(/--oracle: unknown oracle "taste" \(oracles: correctness, brevity\)/);

    const url = `http://127.0.0.1:${await freePort()}`;
    const down = await palateInProcess(null, ["simulate", "--annotators", "1", "--project", DEMO_PROJECT, "--oracle", "correctness", "--url", url]);
    expect(down.status).toBe(1);
    expect(down.stderr).toContain(`cannot reach ${url}`);

    const password = await palateInProcess(null, [...base, "--project", DEMO_PROJECT, "--oracle", "correctness", "--password", "not-it"]);
    expect(password.status).toBe(1);
    expect(password.stderr).toMatch(/sign-in as sim1@palate\.local failed/);

    const taste = await palateInProcess(null, [...base, "--project", DEMO_PROJECT, "--oracle", "brevity", "--judge-error", "0.1"]);
    expect(taste.status).toBe(1);
    expect(taste.stderr).toMatch(/--judge-error: the brevity oracle's scores are not verdicts/);
    const high = await palateInProcess(null, [...base, "--project", DEMO_PROJECT, "--oracle", "correctness", "--judge-error", "0.5"]);
    expect(high.status).toBe(1);
    expect(high.stderr).toMatch(/--judge-error: expected a probability ≥ 0 and < 0\.5/);
    const both = await palateInProcess(null, [...base, "--project", DEMO_PROJECT, "--oracle", "correctness", "--judge-error", "0.1", "--noise", "1"]);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/--judge-error and --noise/);
  });
});
