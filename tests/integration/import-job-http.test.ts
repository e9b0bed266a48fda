// Large imports over real HTTP become jobs: POST /api/projects/[id]/import answers 202 with the
// job at once, the worker imports the file in its child process while the server keeps answering,
// and a bad line at the end of a big file fails the job naming the line and the field, with
// every table as it was (the staging tables dropped, the upload deleted). The sft format
// (demonstrations) takes the same way: a large file is imported by the job, a bad line fails it
// naming the line, with nothing imported.
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import type { JobDetail, JobView } from "@/lib/jobs/views";
import { ImportStaging } from "@/lib/datasets/import-staging";
import { createProject } from "@/lib/projects";
import { startWorker } from "@/scripts/server";
import { Client, startTestApp, type TestApp } from "../helpers/app";

let app: TestApp;
let worker: ChildProcess;
let admin: Client;
let projectId: number;
let demoProjectId: number;

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Big uploads" }).id;
    demoProjectId = createProject(db, { name: "Big demonstrations", mode: "demonstration" }).id;
  });
  worker = startWorker({ dbPath: app.dbPath, quiet: true });
  admin = await new Client(app.url).signIn("admin@palate.local");
}, 120_000);
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((done) => worker.once("exit", done));
    worker.kill("SIGTERM");
    await gone;
  }
  await app?.stop();
});

const trlLines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `${tag} question ${i}?`, chosen: `good answer ${i}`, rejected: `bad answer ${i}` }) + "\n").join(
    "",
  );

/** TRL conversational SFT rows; every third prompt with a reference answer. */
const sftLines = (n: number, tag: string) =>
  Array.from(
    { length: n },
    (_, i) =>
      JSON.stringify({
        messages: [
          { role: "user", content: `${tag}: what is ${i} + ${i}?` },
          { role: "assistant", content: `${i} + ${i} = **${2 * i}**.` },
        ],
        ...(i % 3 === 0 && { metadata: { reference: String(2 * i) } }),
      }) + "\n",
  ).join("");

/** Row counts of every table but the job queue's own (the import job itself adds rows there). */
function tableCounts(db: Connection): Record<string, number> {
  const names = db.$client
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'job%' order by name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}
const taskCount = () => app.db.$client.prepare("select count(*) from tasks where project_id = ?").pluck().get(projectId) as number;
const uploadsLeft = () => {
  const dir = join(dirname(app.dbPath), "imports");
  return existsSync(dir) ? readdirSync(dir) : [];
};

async function jobDetail(id: number): Promise<JobDetail> {
  const res = await admin.fetch(`/api/jobs/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as JobDetail;
}

async function waitForEnd(id: number, onTick?: () => Promise<void>): Promise<JobDetail> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const detail = await jobDetail(id);
    if (["succeeded", "failed", "cancelled"].includes(detail.job.status)) return detail;
    if (Date.now() > deadline) throw new Error(`job ${id} did not end: ${JSON.stringify(detail.job)}`);
    if (onTick) await onTick();
    else await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a large import through the API", () => {
  it("answers 202 with a job at once; the job imports every line while the server keeps answering", async () => {
    const body = trlLines(50_000, "big");
    const started = Date.now();
    // Cheap reads while the upload is sent and imported: none may wait for the import.
    const latencies: number[] = [];
    let importing = true;
    const probe = (async () => {
      while (importing) {
        const t = Date.now();
        const res = await admin.fetch("/api/jobs?limit=1");
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        latencies.push(Date.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const res = await admin.fetch(`/api/projects/${projectId}/import?format=trl`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body,
      });
      expect(res.status).toBe(202);
      const { job } = (await res.json()) as { job: JobView };
      expect(job).toMatchObject({ kind: "import", status: "queued", projectId });
      const done = await waitForEnd(job.id);
      const importMs = Date.now() - started;
      expect(done.job.error).toBeNull();
      expect(done.job.status).toBe("succeeded");
      expect(done.job.result).toEqual({ projectId, tasks: 50_000, rankings: 50_000 });
      expect(taskCount()).toBe(50_000);
      importing = false;
      await probe;
      // Generous: the server was never blocked for a sizeable part of the import.
      expect(latencies.length).toBeGreaterThan(5);
      expect(Math.max(...latencies)).toBeLessThan(Math.max(1500, importMs * 0.35));
    } finally {
      importing = false;
      await probe.catch(() => {});
    }
    expect(app.db.$client.prepare("select count(*) from sqlite_master where name like 'import_staging_%'").pluck().get()).toBe(0);
    expect(ImportStaging.namesIn(app.db.$client)).toEqual([]);
    expect(uploadsLeft()).toEqual([]);
  }, 240_000);

  it("a bad line at the end of a big multipart upload fails the job with its line and field, and changes no table", async () => {
    const before = tableCounts(app.db);
    const form = new FormData();
    form.set("format", "trl");
    form.set("file", new Blob([trlLines(20_000, "doomed") + JSON.stringify({ prompt: "last", chosen: "a", rejected: 5 }) + "\n"]), "big.jsonl");
    const res = await admin.fetch(`/api/projects/${projectId}/import`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: JobView };
    const done = await waitForEnd(job.id);
    expect(done.job.status).toBe("failed");
    expect(done.job.error).toBe("1 invalid line(s), nothing imported (first: line 20001: rejected: expected string, got number)");
    expect(done.outputs.errors.value).toEqual({ errors: [{ line: 20001, message: "rejected: expected string, got number" }], invalidLines: 1 });
    expect(tableCounts(app.db)).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  }, 240_000);

  it("a large sft file is imported by the job: its demonstrations, their prompts' references, the upload gone", async () => {
    const body = sftLines(5000, "big");
    expect(body.length).toBeGreaterThan(256 * 1024); // above the synchronous size: a job
    const res = await admin.fetch(`/api/projects/${demoProjectId}/import?format=sft`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body,
    });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: JobView };
    expect(job).toMatchObject({ kind: "import", status: "queued", projectId: demoProjectId });
    const done = await waitForEnd(job.id);
    expect(done.job.error).toBeNull();
    expect(done.job.status).toBe("succeeded");
    expect(done.job.result).toEqual({ projectId: demoProjectId, prompts: 5000, tasks: 5000, rankings: 0, demonstrations: 5000 });
    expect(done.job.progress).toBe(1);
    const q = app.db.$client.prepare(
      `select count(*) as n, sum(d.source = 'imported' and d.status = 'submitted') as imported, sum(json_extract(p.metadata, '$.reference') is not null) as refs
       from demonstrations d join tasks t on t.id = d.task_id join prompts p on p.id = t.prompt_id where t.project_id = ?`,
    );
    expect(q.get(demoProjectId)).toEqual({ n: 5000, imported: 5000, refs: 1667 });
    expect(uploadsLeft()).toEqual([]);
    // The job's answer is what the request's would have been: an export gives the file back.
    const exported = await admin.fetch(`/api/projects/${demoProjectId}/export?format=sft`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).toBe(body);
  }, 240_000);

  it("a bad line at the end of a large sft file fails the job naming the line and the field, and changes no table", async () => {
    const before = tableCounts(app.db);
    const bad = JSON.stringify({
      messages: [
        { role: "user", content: "last?" },
        { role: "user", content: "no answer" },
      ],
    });
    const res = await admin.fetch(`/api/projects/${demoProjectId}/import?format=sft`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: sftLines(5000, "doomed") + bad + "\n",
    });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: JobView };
    const done = await waitForEnd(job.id);
    expect(done.job.status).toBe("failed");
    const message = 'messages[1].role: the last message is the demonstration: expected "assistant", got "user"';
    expect(done.job.error).toBe(`1 invalid line(s), nothing imported (first: line 5001: ${message})`);
    expect(done.outputs.errors.value).toEqual({ errors: [{ line: 5001, message }], invalidLines: 1 });
    expect(tableCounts(app.db)).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  }, 240_000);
});
