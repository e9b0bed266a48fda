// The `snapshot` job on a real SQLite file, run by the real job runner: by the worker in its child
// process (the same hashes as a snapshot taken in the request, progress and a line per format),
// in this process for the other outcomes (the same data again: exists; other data: fails naming
// the name; cancelled: nothing left), and the sweep of temp folders left by writers killed midway.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { users } from "@/db/schema";
import { createSnapshot, PROGRESS_EVERY_ROWS } from "@/lib/datasets/snapshot";
import { projectSnapshotsDir, verifySnapshot } from "@/lib/datasets/snapshot-store";
import { snapshotTempName } from "@/lib/datasets/snapshot-sweep";
import { JobCancelledError } from "@/lib/jobs/kind";
import { SNAPSHOT_JOB_KIND } from "@/lib/jobs/kinds/snapshot";
import { enqueueClaimedJob, enqueueJob, finishJob, getJob, jobEventsSince, requestCancel } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject, type Project } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { ended, useWorkerPool, waitFor, workerOutput } from "../helpers/jobs";

/** A project of `prompts` tasks of three completions, each ranked by two annotators (the second disagreeing on every third). */
function seedProject(db: Connection, prompts: number, name = "Snap job"): Project {
  const project = createProject(db, { name });
  const annotators = [1, 2].map(
    (n) =>
      db
        .insert(users)
        .values({ email: `${name.replace(/\W/g, "")}${n}@x`, name: `A${n}`, role: "annotator" })
        .returning()
        .get().id,
  );
  addRankings(db, project, annotators, 0, prompts);
  return project;
}

function addRankings(db: Connection, project: Project, annotators: number[], from: number, to: number) {
  db.transaction((tx) => {
    for (let i = from; i < to; i++) {
      const task = insertTask(tx, project.id, {
        messages: [{ role: "user", content: `Question ${i}?` }],
        completions: ["good", "fair", "bad"].map((t) => ({ text: `${t} answer ${i}`, model: "sft" })),
      });
      const [a, b, c] = task.completionIds;
      annotators.forEach((userId, k) => insertRanking(tx, { taskId: task.taskId, userId, groups: k === 1 && i % 3 === 0 ? [[b], [a], [c]] : [[a], [b], [c]] }));
    }
  });
}

const annotatorsOf = (db: Connection) => db.$client.prepare("select id from users where role = 'annotator' order by id").pluck().all() as number[];

describe("the snapshot job", () => {
  const setup = useWorkerPool();

  it("is run by the worker in its child process: the same hashes as a snapshot taken in the request, with progress and a line per format", async () => {
    const { db, dir, path } = setup.temp;
    const project = seedProject(db, 1500); // 3,000 rankings, 9,000 pairs: several progress reports per format
    const job = enqueueJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name: "v1", license: "cc-by-4.0" }, projectId: project.id });
    const worker = setup.pool.start(path);
    const done = await waitFor(() => getJob(db, job.id), ended, 120_000);
    expect(done.status, `${done.error}\n${workerOutput(worker)}`).toBe("succeeded");

    // The same data taken synchronously, into another data folder: the same files, the same hash.
    const elsewhere = join(dir, "elsewhere");
    const sync = createSnapshot(db, project, { name: "v1", license: "cc-by-4.0" }, elsewhere);
    expect(done.result).toMatchObject({ status: "created", snapshot: "v1", hash: sync.manifest.hash, rankings: 3000, pairs: 9000, files: 10 });
    const written = await verifySnapshot(join(projectSnapshotsDir(dir, project.id), "v1"));
    expect(written.files.map((f) => [f.path, f.sha256])).toEqual(sync.manifest.files.map((f) => [f.path, f.sha256]));
    expect(readdirSync(projectSnapshotsDir(dir, project.id))).toEqual(["v1"]);

    const events = jobEventsSince(db, job.id).map((e) => e.text);
    for (const format of ["rankings", "trl", "trl-conversational", "hh", "openrlhf"])
      expect(
        events.some((t) => t.startsWith(`${format}: ${format === "rankings" ? "3,000" : "9,000"} rows written`)),
        events.join("\n"),
      ).toBe(true);
    expect(events.at(-1)).toMatch(new RegExp(`^Snapshot v1 written: 10 files, 3,000 rankings, 9,000 pairs, hash ${sync.manifest.hash}`));
    expect(done.progress).toBe(1);
  }, 180_000);

  it("ends 'exists' for the same data under that name, and fails naming the name for other data, leaving the snapshot as it was", async () => {
    const { db, dir } = setup.temp;
    const project = seedProject(db, 30);
    const run = async (name: string) => {
      const job = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name }, projectId: project.id });
      await runJob(db, job.id, { dataDir: dir });
      return getJob(db, job.id)!;
    };
    const first = await run("v1");
    expect(first.status).toBe("succeeded");
    const again = await run("v1");
    expect(again.status).toBe("succeeded");
    expect(again.result).toMatchObject({ status: "exists", hash: (first.result as { hash: string }).hash });

    addRankings(db, project, annotatorsOf(db), 30, 31);
    const clash = await run("v1");
    expect(clash.status).toBe("failed");
    expect(clash.error).toMatch(/^name: snapshot "v1" already exists with different data/);
    expect(readdirSync(projectSnapshotsDir(dir, project.id))).toEqual(["v1"]);
    expect((await verifySnapshot(join(projectSnapshotsDir(dir, project.id), "v1"))).hash).toBe((first.result as { hash: string }).hash);

    // No project: the job fails saying so.
    const orphan = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: 9999, name: "v1" } });
    await runJob(db, orphan.id, { dataDir: dir });
    expect(getJob(db, orphan.id)).toMatchObject({ status: "failed", error: "project 9999 does not exist" });
  }, 60_000);

  it("leaves no folder when cancelled, and a cancel in the middle of a file removes what was written", async () => {
    const { db, dir } = setup.temp;
    const project = seedProject(db, 1200);
    const job = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name: "v1" }, projectId: project.id });
    requestCancel(db, job.id);
    expect(await runJob(db, job.id, { dataDir: dir })).toBe("cancelled");
    expect(getJob(db, job.id)).toMatchObject({ status: "cancelled" });
    expect(readdirSync(projectSnapshotsDir(dir, project.id))).toEqual([]);

    // Stopped by its progress callback (what a cancelled job throws) after rows of the third format were written.
    const seen: string[] = [];
    expect(() =>
      createSnapshot(db, project, { name: "v2" }, dir, new Date(), {
        onProgress(p) {
          seen.push(`${p.format}:${p.rows}`);
          const temps = readdirSync(projectSnapshotsDir(dir, project.id));
          expect(temps).toHaveLength(1);
          expect(temps[0]).toMatch(/^\.tmp-v2-pid\d+-[0-9a-f]{8}$/);
          if (p.formatsDone === 2 && p.rows >= PROGRESS_EVERY_ROWS) throw new JobCancelledError();
        },
      }),
    ).toThrow(JobCancelledError);
    expect(seen).toContain(`rankings:2400`);
    expect(readdirSync(projectSnapshotsDir(dir, project.id))).toEqual([]);
  }, 60_000);

  it("removes the temp folders of writers killed midway when it runs again, keeping those still being written", async () => {
    const { db, dir } = setup.temp;
    const project = seedProject(db, 10);
    const root = projectSnapshotsDir(dir, project.id);
    const job = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name: "v1" }, projectId: project.id });
    const other = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name: "v2" }, projectId: project.id });
    const finished = enqueueClaimedJob(db, { kind: SNAPSHOT_JOB_KIND, params: { projectId: project.id, name: "v3" }, projectId: project.id });
    finishJob(db, finished.id, { status: "failed", error: "interrupted" });
    const leftovers = {
      ownEarlierAttempt: snapshotTempName("v1", { job: job.id }, "0000aaaa"),
      finishedJob: snapshotTempName("v3", { job: finished.id }, "0000bbbb"),
      deadProcess: snapshotTempName("v4", { pid: 2 ** 22 + 1 }, "0000cccc"),
      runningJob: snapshotTempName("v2", { job: other.id }, "0000dddd"),
      liveProcess: snapshotTempName("v5", { pid: process.pid }, "0000eeee"),
    };
    for (const name of Object.values(leftovers)) {
      mkdirSync(join(root, name, "trl"), { recursive: true });
      writeFileSync(join(root, name, "trl", "train.jsonl"), "{}\n", { mode: 0o444 });
    }
    expect(await runJob(db, job.id, { dataDir: dir })).toBe("succeeded");
    expect(readdirSync(root).sort()).toEqual([leftovers.runningJob, leftovers.liveProcess, "v1"].sort());
    expect(jobEventsSince(db, job.id).map((e) => e.text)).toContainEqual(expect.stringMatching(/^Removed 3 unfinished snapshot folder\(s\)/));
  }, 60_000);
});
