// A large project's snapshot over real HTTP on the built app: POST /api/projects/[id]/snapshots
// answers 202 with a queued job (the threshold lowered to 10 rankings through
// PALATE_SNAPSHOT_SYNC_MAX_RANKINGS), a second request of that name gets the same job (another
// setting: 409), the worker writes the snapshot with the same hashes as one taken synchronously of
// the same data, the same name again answers 200 at once, other data under that name fails the
// job naming the name, and a cancelled job leaves no folder.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { DEMO_PROJECT, seedDemo } from "@/lib/demo/seed";
import { createSnapshot } from "@/lib/datasets/snapshot";
import type { SnapshotManifest } from "@/lib/datasets/snapshot-manifest";
import { insertRanking } from "@/lib/labeling/save-ranking";
import type { JobDetail, JobView } from "@/lib/jobs/views";
import { getProjectByName, type Project } from "@/lib/projects";
import { freePort, startApp, startWorker, type AppServer } from "@/scripts/server";
import { Client, tempDb } from "../helpers/app";

let temp: ReturnType<typeof tempDb>;
let server: AppServer;
let worker: ChildProcess | undefined;
let admin: Client;
let researcher: Client;
let project: Project;

/** Each of the project's tasks `from`…`from + tasks` ranked by annotators 1 and 2. */
function rankTasks(db: Connection, tasks: number, from = 0) {
  const userIds = ["annotator1@palate.local", "annotator2@palate.local"].map(
    (email) => db.$client.prepare("select id from users where email = ?").pluck().get(email) as number,
  );
  const taskIds = db.$client.prepare("select id from tasks where project_id = ? order by id").pluck().all(project.id) as number[];
  for (const taskId of taskIds.slice(from, from + tasks)) {
    const completions = db.$client.prepare("select id from completions where task_id = ? order by position").pluck().all(taskId) as number[];
    userIds.forEach((userId, k) => insertRanking(db, { taskId, userId, groups: (k === 1 ? [...completions].reverse() : completions).map((c) => [c]) }));
  }
}

beforeAll(async () => {
  temp = tempDb();
  await seedDemo(temp.db);
  project = getProjectByName(temp.db, DEMO_PROJECT)!;
  rankTasks(temp.db, 12); // 24 rankings: over the threshold of 10
  server = await startApp({
    dbPath: temp.path,
    port: await freePort(),
    host: "127.0.0.1",
    quiet: true,
    env: { ...process.env, PALATE_SNAPSHOT_SYNC_MAX_RANKINGS: "10" },
  });
  [admin, researcher] = await Promise.all([new Client(server.url).signIn("admin@palate.local"), new Client(server.url).signIn("researcher@palate.local")]);
}, 120_000);
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((done) => worker!.once("exit", done));
    worker.kill("SIGTERM");
    await gone;
  }
  await server?.stop();
  temp?.cleanup();
});

const base = () => `/api/projects/${project.id}/snapshots`;
const post = (c: Client, body: unknown) => c.fetch(base(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const folders = () => readdirSync(join(dirname(temp.path), "snapshots", String(project.id))).sort();

async function waitForEnd(id: number): Promise<JobView> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await admin.fetch(`/api/jobs/${id}?params=false`);
    expect(res.status).toBe(200);
    const { job } = (await res.json()) as JobDetail;
    if (["succeeded", "failed", "cancelled"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not end: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a large project's snapshot through the API", () => {
  it("is a job (202): the worker writes it with the hashes of a synchronous snapshot of the same data", async () => {
    // No worker yet: the job stays queued while the requests below are answered.
    const queued = await post(researcher, { name: "v1", license: "cc-by-4.0" });
    expect(queued.status).toBe(202);
    const { status, job } = (await queued.json()) as { status: string; job: JobView };
    expect(status).toBe("queued");
    expect(job).toMatchObject({
      kind: "snapshot",
      status: "queued",
      projectId: project.id,
      params: { name: "v1", license: "cc-by-4.0", projectId: project.id },
    });

    const same = await post(admin, { name: "v1", license: "cc-by-4.0" });
    expect(same.status).toBe(202);
    expect(((await same.json()) as { job: JobView }).job.id).toBe(job.id);
    const other = await post(admin, { name: "v1", testShare: 0.3 });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toMatch(new RegExp(`^name: snapshot "v1" is being written by job ${job.id}`));
    const listed = (await (await researcher.fetch(base())).json()) as { snapshots: SnapshotManifest[]; jobs: JobView[] };
    expect(listed).toMatchObject({ snapshots: [], jobs: [{ id: job.id, status: "queued" }] });

    worker = startWorker({ dbPath: temp.path, quiet: true });
    const done = await waitForEnd(job.id);
    expect(done.status, done.error ?? "").toBe("succeeded");

    const elsewhere = mkdtempSync(join(tmpdir(), "palate-snapshot-sync-"));
    try {
      const sync = createSnapshot(temp.db, project, { name: "v1", license: "cc-by-4.0" }, elsewhere).manifest;
      expect(done.result).toMatchObject({ status: "created", snapshot: "v1", hash: sync.hash, rankings: 24 });
      const after = (await (await researcher.fetch(base())).json()) as { snapshots: SnapshotManifest[]; jobs: JobView[] };
      expect(after.jobs).toEqual([]);
      expect(after.snapshots).toHaveLength(1);
      expect(after.snapshots[0]).toMatchObject({ name: "v1", hash: sync.hash, license: "cc-by-4.0" });
      expect(after.snapshots[0].files.map((f) => [f.path, f.sha256])).toEqual(sync.files.map((f) => [f.path, f.sha256]));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(folders()).toEqual(["v1"]);
  }, 180_000);

  it("answers the same data under that name with 200 at once; other data fails the job naming the name", async () => {
    const again = await post(admin, { name: "v1", license: "cc-by-4.0" });
    expect(again.status).toBe(200);
    const { status, snapshot } = (await again.json()) as { status: string; snapshot: SnapshotManifest };
    expect(status).toBe("exists");
    expect(snapshot.name).toBe("v1");

    rankTasks(temp.db, 1, 12); // one more task ranked: other data
    const clash = await post(admin, { name: "v1", license: "cc-by-4.0" });
    expect(clash.status).toBe(202);
    const failed = await waitForEnd(((await clash.json()) as { job: JobView }).job.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^name: snapshot "v1" already exists with different data/);
    expect(folders()).toEqual(["v1"]);
    expect(((await (await admin.fetch(base())).json()) as { snapshots: SnapshotManifest[] }).snapshots[0].hash).toBe(snapshot.hash);
  }, 120_000);

  it("leaves no folder when the job is cancelled", async () => {
    const queued = await post(researcher, { name: "v2" });
    expect(queued.status).toBe(202);
    const { job } = (await queued.json()) as { job: JobView };
    const cancel = await researcher.fetch(`/api/jobs/${job.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    const done = await waitForEnd(job.id);
    expect(done.status).toBe("cancelled");
    // Queued, it never ran; running, its child removed its temp folder before the job ended cancelled.
    expect(folders()).toEqual(["v1"]);
    expect(((await (await admin.fetch(base())).json()) as { jobs: JobView[] }).jobs).toEqual([]);
  }, 120_000);
});
