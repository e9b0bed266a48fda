// The project data version end to end (issue 12, acceptance 7's "keep statistics current"): the
// built app over real HTTP on a real SQLite file, every project served from the statistics cache
// (PALATE_STATS_INLINE_MAX_TASKS=0, no wait between refreshes), the real worker refreshing it.
// Writes the old database-wide stamp missed — an assignment handed out or skipped, a project
// setting, and a change written by another process straight into the database file — each make the
// next view of that project's figures "refreshing" with a job, and the worker's refresh brings them
// up to the data; the other project's figures stay current without a job.
import type { ChildProcess } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projects, users } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { seedDemo } from "@/lib/demo/seed";
import { insertTask } from "@/lib/tasks";
import { Client, freePort, tempDb } from "@/tests/helpers/app";
import { spawnWorker, workerReady } from "@/tests/helpers/jobs";
import { startApp, type AppServer } from "@/scripts/server";

const ENV = { PALATE_STATS_INLINE_MAX_TASKS: "0", PALATE_STATS_MIN_REFRESH_MS: "0" };

interface StatsBody {
  freshness: string;
  refreshJobId: number | null;
  computedAt: number;
  activeAssignments: number;
  annotators: { email: string; name: string }[];
}

let temp: ReturnType<typeof tempDb>;
let server: AppServer;
let worker: ChildProcess | undefined;
let researcher: Client;
let admin: Client;
let annotator: Client;
let demo: number;
let other: number;

async function stats(projectId: number): Promise<StatsBody & { status: number }> {
  const res = await researcher.fetch(`/api/projects/${projectId}/stats`);
  return { status: res.status, ...((await res.json()) as StatsBody) };
}

/** Views the project's figures until the worker has brought them up to date (a minute at most). */
async function settled(projectId: number): Promise<StatsBody> {
  const until = Date.now() + 60_000;
  for (;;) {
    const body = await stats(projectId);
    if (body.status === 200 && body.freshness === "current") return body;
    if (Date.now() > until) throw new Error(`project ${projectId}'s statistics never became current: ${JSON.stringify(body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The change makes the demo project's figures stale (a refresh queued at the next view), the other project's not (unless `both`). */
async function expectStaleAfter(change: () => Promise<void>, both = false): Promise<StatsBody> {
  await settled(demo);
  await settled(other);
  await change();
  const seen = await stats(demo);
  expect(seen.status).toBe(200);
  expect(seen.freshness).toBe("refreshing");
  expect(seen.refreshJobId).toEqual(expect.any(Number));
  const elsewhere = await stats(other);
  if (both) expect(["refreshing", "current"]).toContain(elsewhere.freshness);
  else expect(elsewhere).toMatchObject({ status: 200, freshness: "current", refreshJobId: null });
  return settled(demo);
}

beforeAll(async () => {
  temp = tempDb();
  await seedDemo(temp.db);
  demo = temp.db.select().from(projects).all()[0].id;
  other = createProject(temp.db, { name: "Other project", completionsPerTask: 2 }).id;
  insertTask(temp.db, other, { messages: [{ role: "user", content: "elsewhere" }], completions: [{ text: "a" }, { text: "b" }] });
  server = await startApp({ dbPath: temp.path, port: await freePort(), host: "127.0.0.1", quiet: true, env: { ...process.env, ...ENV } });
  worker = spawnWorker(temp.path, ENV);
  await workerReady(worker);
  researcher = await new Client(server.url).signIn("researcher@palate.local");
  admin = await new Client(server.url).signIn("admin@palate.local");
  annotator = await new Client(server.url).signIn("annotator3@palate.local");
}, 120_000);

afterAll(async () => {
  worker?.kill("SIGTERM");
  await server?.stop();
  temp?.cleanup();
});

describe("statistics served from the cache follow every change", () => {
  let taskId: number;

  it("an assignment handed out (POST /api/annotate/next)", async () => {
    const before = await settled(demo);
    const after = await expectStaleAfter(async () => {
      const res = await annotator.json("/api/annotate/next", "POST", { projectId: demo });
      expect(res.status).toBe(200);
      taskId = ((await res.json()) as { task: { id: number } }).task.id;
    });
    expect(after.activeAssignments).toBe(before.activeAssignments + 1);
  }, 120_000);

  it("that assignment skipped (POST /api/tasks/[id]/skip)", async () => {
    const before = await settled(demo);
    const after = await expectStaleAfter(async () => {
      const res = await annotator.json(`/api/tasks/${taskId}/skip`, "POST", { reason: "unclear" });
      expect(res.status).toBe(200);
    });
    expect(after.activeAssignments).toBe(before.activeAssignments - 1);
    expect(JSON.stringify(after.annotators)).toContain("annotator3@palate.local");
  }, 120_000);

  it("a project setting (PATCH /api/projects/[id])", async () => {
    await expectStaleAfter(async () => {
      const res = await admin.json(`/api/projects/${demo}`, "PATCH", { goldShare: 0.5 });
      expect(res.status).toBe(200);
    });
  }, 120_000);

  it("a change written by another process straight into the database (a user renamed: every project's)", async () => {
    const after = await expectStaleAfter(async () => {
      temp.db.update(users).set({ name: "Renamed Elsewhere" }).where(eq(users.email, "annotator3@palate.local")).run();
    }, true);
    expect(after.annotators.find((a) => a.email === "annotator3@palate.local")?.name).toBe("Renamed Elsewhere");
    await settled(other);
  }, 120_000);
});
