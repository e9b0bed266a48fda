// The JSON statistics routes on a project served from the statistics cache (issue 12, acceptance
// 7): they answer at once whatever the project's size. With nothing computed yet, the stats,
// agreement and leaderboard routes answer 202 {status: "computing", refreshJobId} with
// Retry-After (the project routes give `progress: null` and say so in `statistics`), and
// ?wait=SECONDS waits for the figures (computing them in the request when no worker takes the
// job). An import queues the refresh at once, so the worker computes the figures before anyone asks.
//
// The built app over real HTTP on a real SQLite file, with PALATE_STATS_INLINE_MAX_TASKS=0 so
// that the demo project is served from the cache as a 200k-task one is; the real worker later.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs, projects, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { DEMO_PASSWORD } from "@/lib/demo/seed";
import { Client, freePort, tempDb } from "@/tests/helpers/app";
import { ended, spawnWorker, waitFor, workerReady } from "@/tests/helpers/jobs";
import { getJob } from "@/lib/jobs/queue";
import { seedDemo } from "@/lib/demo/seed";
import { startApp, type AppServer } from "@/scripts/server";

const ENV = { PALATE_STATS_INLINE_MAX_TASKS: "0" };

let temp: ReturnType<typeof tempDb>;
let server: AppServer;
let worker: ChildProcess | undefined;
let researcher: Client;
let admin: Client;
let projectId: number;

const statsJobs = () =>
  temp.db
    .select()
    .from(jobs)
    .all()
    .filter((j) => j.kind === "project-stats" && j.projectId === projectId);

beforeAll(async () => {
  temp = tempDb();
  await seedDemo(temp.db);
  projectId = temp.db.select().from(projects).all()[0].id;
  temp.db
    .insert(users)
    .values({ email: "reviewer@palate.local", name: "Rae Viewer", role: "reviewer", passwordHash: await hashPassword(DEMO_PASSWORD) })
    .run();
  server = await startApp({ dbPath: temp.path, port: await freePort(), host: "127.0.0.1", quiet: true, env: { ...process.env, ...ENV } });
  researcher = await new Client(server.url).signIn("researcher@palate.local");
  admin = await new Client(server.url).signIn("admin@palate.local");
}, 60_000);

afterAll(async () => {
  worker?.kill("SIGTERM");
  await server?.stop();
  temp?.cleanup();
});

describe("statistics routes while a cached project's figures are first computed", () => {
  it("answer 202 computing with Retry-After and the refresh job, at once", async () => {
    for (const path of [
      `/api/projects/${projectId}/stats`,
      `/api/projects/${projectId}/agreement`,
      `/api/projects/${projectId}/leaderboard`,
      `/api/projects/${projectId}/review`,
    ]) {
      const res = await researcher.fetch(path);
      expect(res.status, path).toBe(202);
      expect(res.headers.get("retry-after"), path).toBe("2");
      const body = (await res.json()) as { status: string; freshness: string; refreshJobId: number | null; computedAt: null };
      expect(body, path).toMatchObject({ status: "computing", freshness: "computing", computedAt: null });
      expect(body.refreshJobId, path).toEqual(expect.any(Number));
    }
    // One refresh job for the project, however many views asked.
    expect(statsJobs().filter((j) => j.status === "queued")).toHaveLength(1);

    // The review page says the queue is being computed, with its job: a link for staff, the
    // number alone for a reviewer (who cannot open /research/jobs).
    const reviewer = await new Client(server.url).signIn("reviewer@palate.local");
    const forReviewer = await (await reviewer.fetch(`/review/${projectId}`)).text();
    expect(forReviewer).toContain('data-freshness="computing"');
    expect(forReviewer).not.toContain('href="/research/jobs/');
    expect(await (await researcher.fetch(`/review/${projectId}`)).text()).toContain('href="/research/jobs/');

    const list = (await (await researcher.fetch("/api/projects")).json()) as {
      projects: { id: number; progress: unknown; statistics: { freshness: string } }[];
    };
    expect(list.projects.find((p) => p.id === projectId)).toMatchObject({ progress: null, statistics: { freshness: "computing" } });
    const one = (await (await researcher.fetch(`/api/projects/${projectId}`)).json()) as { project: { progress: unknown; statistics: { freshness: string } } };
    expect(one.project).toMatchObject({ progress: null, statistics: { freshness: "computing" } });
  });

  it("name a bad wait", async () => {
    for (const wait of ["abc", "61", "-1"]) {
      const res = await researcher.fetch(`/api/projects/${projectId}/stats?wait=${wait}`);
      expect(res.status, wait).toBe(400);
      expect(JSON.stringify(await res.json()), wait).toContain("wait");
    }
    expect((await researcher.fetch(`/api/projects?wait=x`)).status).toBe(400);
    expect((await researcher.fetch(`/api/projects/${projectId}/agreement?wait=x`)).status).toBe(400);
  });

  it("with ?wait and no worker to take the job, compute the figures in the request; later views are served from the cache", async () => {
    const res = await researcher.fetch(`/api/projects/${projectId}/stats?wait=1`);
    expect(res.status).toBe(200);
    const stats = (await res.json()) as { progress: { tasks: number }; freshness: string; project: { id: number } };
    expect(stats.progress.tasks).toBeGreaterThan(0);
    expect(stats.project.id).toBe(projectId);
    const again = await researcher.fetch(`/api/projects/${projectId}/stats`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { freshness: string }).freshness).toBe("current");
    // The other statistics were not computed by that: still 202.
    expect((await researcher.fetch(`/api/projects/${projectId}/leaderboard`)).status).toBe(202);
    expect((await researcher.fetch(`/api/projects/${projectId}/agreement?wait=1`)).status).toBe(200);
  });

  it("an import queues the refresh at once; the worker computes every statistic, and the routes answer 200 without waiting", async () => {
    // Let the queued refresh be taken by a worker first, so that the import's own refresh is what we see.
    worker = spawnWorker(temp.path, ENV);
    await workerReady(worker);
    for (const j of statsJobs()) await waitFor(() => getJob(temp.db, j.id), ended);
    const before = new Set(statsJobs().map((j) => j.id));

    const rows = [
      { prompt: "Which is larger, 7 or 9?", chosen: "9 is larger.", rejected: "7 is larger." },
      { prompt: "Spell 'cat' backwards.", chosen: "tac", rejected: "cta" },
    ];
    const res = await admin.fetch(`/api/projects/${projectId}/import?format=trl`, {
      method: "POST",
      body: rows.map((r) => JSON.stringify(r)).join("\n") + "\n",
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const queued = statsJobs().filter((j) => !before.has(j.id));
    expect(queued.length).toBeGreaterThanOrEqual(1);
    const job = await waitFor(() => getJob(temp.db, queued[0].id), ended);
    expect(job.status, JSON.stringify(job)).toBe("succeeded");

    for (const path of [
      `/api/projects/${projectId}/stats`,
      `/api/projects/${projectId}/agreement`,
      `/api/projects/${projectId}/leaderboard`,
      `/api/projects/${projectId}/review`,
    ]) {
      const r = await researcher.fetch(path);
      expect(r.status, path).toBe(200);
      expect(((await r.json()) as { freshness: string }).freshness, path).toBe("current");
    }
    // The review queue's candidates come from the cache, the decisions live: a final ranking shows
    // at once, before any refresh.
    const review = async () =>
      (await (await researcher.fetch(`/api/projects/${projectId}/review`)).json()) as { freshness: string; tasks: { taskId: number; state: string }[] };
    expect((await review()).freshness).toBe("current");
    const task = temp.db.$client.prepare("SELECT id FROM tasks WHERE project_id = ? ORDER BY id LIMIT 1").get(projectId) as { id: number };
    const ids = temp.db.$client.prepare("SELECT id FROM completions WHERE task_id = ? ORDER BY position").pluck().all(task.id) as number[];
    const decided = await researcher.json(`/api/projects/${projectId}/review/${task.id}`, "POST", { action: "final", groups: ids.map((id) => [id]) });
    expect(decided.status, await decided.clone().text()).toBe(201);
    const after = await review();
    expect(after.freshness).not.toBe("current");
    expect(after.tasks.find((t) => t.taskId === task.id)?.state).toBe("reviewed");
    // Pages of the queue, with the totals.
    const page = (await (await researcher.fetch(`/api/projects/${projectId}/review?limit=1&offset=0`)).json()) as {
      total: number;
      counts: { open: number; waiting: number; reviewed: number };
      tasks: unknown[];
    };
    expect(page.tasks).toHaveLength(1);
    expect(page.total).toBe(after.tasks.length);
    expect(page.counts.reviewed).toBeGreaterThanOrEqual(1);
    expect((await researcher.fetch(`/api/projects/${projectId}/review?limit=0`)).status).toBe(400);

    const stats = (await (await researcher.fetch(`/api/projects/${projectId}/stats`)).json()) as { progress: { tasks: number } };
    // The figures include the imported tasks.
    const tasks = (temp.db.$client.prepare("SELECT count(*) AS n FROM tasks WHERE project_id = ?").get(projectId) as { n: number }).n;
    expect(stats.progress.tasks).toBe(tasks);
  }, 120_000);
});
