// The snapshot routes over real HTTP on the built app: POST/GET /api/projects/[id]/snapshots and
// GET …/snapshots/[name]/files/[...path] — roles, creation, the same data twice, a taken name with
// other data, and downloads that serve only the manifest's files; a demonstration project's snapshot
// holds its accepted demonstrations as sft files, named in the card and served like the others.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import type { SnapshotManifest } from "@/lib/datasets/snapshot-manifest";
import { demonstrations } from "@/db/schema";
import { sftJson } from "@/lib/datasets/sft-writer";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject, getProjectByName } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "./../helpers/app";

let app: TestApp;
let admin: Client;
let researcher: Client;
let annotator: Client;
let anonymous: Client;
let projectId: number;
let demoProjectId: number;

/** Each of the project's first `tasks` tasks ranked by annotators 1 and 2 (the second reversed on every third task). */
function rankTasks(db: Connection, id: number, tasks: number, from = 0) {
  const userIds = ["annotator1@palate.local", "annotator2@palate.local"].map(
    (email) => db.$client.prepare("select id from users where email = ?").pluck().get(email) as number,
  );
  const taskIds = db.$client.prepare("select id from tasks where project_id = ? order by id").pluck().all(id) as number[];
  for (const taskId of taskIds.slice(from, from + tasks)) {
    const completions = db.$client.prepare("select id from completions where task_id = ? order by position").pluck().all(taskId) as number[];
    userIds.forEach((userId, k) =>
      insertRanking(db, { taskId, userId, groups: (k === 1 && taskId % 3 === 0 ? [...completions].reverse() : completions).map((c) => [c]) }),
    );
  }
}

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = getProjectByName(db, DEMO_PROJECT)!.id;
    rankTasks(db, projectId, 12);
    // A demonstration project: 12 prompts, each with one demonstration, reviewed in turn accepted, accepted, rejected, pending.
    demoProjectId = createProject(db, { name: "Ideal answers", mode: "demonstration" }).id;
    const author = db.$client.prepare("select id from users where email = 'annotator1@palate.local'").pluck().get() as number;
    for (let i = 0; i < 12; i++) {
      const { taskId } = insertTask(db, demoProjectId, { messages: [{ role: "user", content: `Explain ${i}.` }], completions: [] });
      const review = (["accepted", "accepted", "rejected", "pending"] as const)[i % 4];
      db.insert(demonstrations)
        .values({ taskId, userId: author, text: `Answer ${i}.`, status: "submitted", review, submittedAt: 1 })
        .run();
    }
  });
  [admin, researcher, annotator] = await Promise.all([
    new Client(app.url).signIn("admin@palate.local"),
    new Client(app.url).signIn("researcher@palate.local"),
    new Client(app.url).signIn("annotator1@palate.local"),
  ]);
  anonymous = new Client(app.url);
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const base = () => `/api/projects/${projectId}/snapshots`;
const post = (c: Client, body: unknown) => c.fetch(base(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const snapshotsDir = () => join(dirname(app.dbPath), "snapshots", String(projectId));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the snapshot routes", () => {
  it("answer 401 signed out and 403 to annotators, for every method", async () => {
    expect((await anonymous.fetch(base())).status).toBe(401);
    expect((await post(anonymous, { name: "v1" })).status).toBe(401);
    expect((await annotator.fetch(base())).status).toBe(403);
    expect((await post(annotator, { name: "v1" })).status).toBe(403);
    expect((await annotator.fetch(`${base()}/v1/files/README.md`)).status).toBe(403);
    expect((await anonymous.fetch(`${base()}/v1/files/README.md`)).status).toBe(401);
  });

  it("create a snapshot (201), report the same data under that name as existing (200), refuse other data (409) and bad fields (400)", async () => {
    const created = await post(admin, { name: "v1", license: "cc-by-4.0", testShare: 0.25 });
    expect(created.status).toBe(201);
    const { status, snapshot } = (await created.json()) as { status: string; snapshot: SnapshotManifest };
    expect(status).toBe("created");
    expect(snapshot).toMatchObject({ name: "v1", license: "cc-by-4.0", project: { id: projectId }, stats: { rankings: 24, annotators: 2 } });

    const again = await post(researcher, { name: "v1", license: "cc-by-4.0", testShare: 0.25 });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "exists", snapshot: { hash: snapshot.hash } });

    const manifestBefore = readFileSync(join(snapshotsDir(), "v1", "snapshot.json"), "utf8");
    rankTasks(app.db, projectId, 1, 12); // one more task ranked: other data
    const clash = await post(admin, { name: "v1", license: "cc-by-4.0", testShare: 0.25 });
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { error: string }).error).toMatch(/already exists with different data/);
    expect(readFileSync(join(snapshotsDir(), "v1", "snapshot.json"), "utf8")).toBe(manifestBefore);
    expect(readdirSync(snapshotsDir())).toEqual(["v1"]);

    for (const [body, field] of [
      [{ name: "../up" }, "name"],
      [{ name: "ok", testShare: 2 }, "testShare"],
      [{ name: "ok", license: "Not A License" }, "license"],
      [{ name: "ok", pairs: "some" }, "pairs"],
      [{ name: "ok", surprise: true }, ""],
    ] as const) {
      const res = await post(admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const issues = ((await res.json()) as { issues: { field: string }[] }).issues;
      if (field) expect(issues.map((i) => i.field)).toContain(field);
    }
    expect((await post(admin, { name: "v2" })).status).toBe(201);
    const list = (await (await researcher.fetch(base())).json()) as { snapshots: SnapshotManifest[] };
    expect(list.snapshots.map((s) => s.name).sort()).toEqual(["v1", "v2"]);
  });

  it("serve the card and data files as attachments, byte for byte what the manifest hashed", async () => {
    const manifest = JSON.parse(readFileSync(join(snapshotsDir(), "v1", "snapshot.json"), "utf8")) as SnapshotManifest;
    const card = await researcher.fetch(`${base()}/v1/files/README.md`);
    expect(card.status).toBe(200);
    expect(card.headers.get("content-disposition")).toBe('attachment; filename="v1-README.md"');
    expect(card.headers.get("content-type")).toMatch(/^text\/markdown/);
    const cardBytes = new Uint8Array(await card.arrayBuffer());
    expect(sha256(cardBytes)).toBe(manifest.card.sha256);
    expect(new TextDecoder().decode(cardBytes)).toMatch(/^---\nlicense: "cc-by-4.0"\n/);

    const file = manifest.files.find((f) => f.path === "trl/train.jsonl")!;
    const data = await admin.fetch(`${base()}/v1/files/trl/train.jsonl`);
    expect(data.status).toBe(200);
    expect(data.headers.get("content-disposition")).toBe('attachment; filename="v1-trl-train.jsonl"');
    expect(sha256(new Uint8Array(await data.arrayBuffer()))).toBe(file.sha256);
  });

  it("snapshot a demonstration project as sft files (accepted) and sft-unreviewed files, carded and served byte for byte", async () => {
    const demoBase = `/api/projects/${demoProjectId}/snapshots`;
    const created = await admin.fetch(demoBase, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "v1", testShare: 0.3 }),
    });
    expect(created.status).toBe(201);
    const { snapshot } = (await created.json()) as { snapshot: SnapshotManifest };
    expect(snapshot.stats).toMatchObject({ rankings: 0, demonstrations: { accepted: 6, unreviewed: 3, rejected: 3, prompts: 9, annotators: 1 } });
    expect([...new Set(snapshot.files.map((f) => f.format))]).toEqual(["sft", "sft-unreviewed"]);
    const sft = snapshot.files.filter((f) => f.format === "sft");
    expect(sft.reduce((n, f) => n + f.rows, 0)).toBe(6);

    const card = await (await researcher.fetch(`${demoBase}/v1/files/README.md`)).text();
    expect(card).toContain("- `sft`: TRL's conversational SFT format");
    expect(card).toContain("6 accepted demonstrations in `sft/`");
    for (const f of sft) expect(card).toContain(`| sft | ${f.split} | ${f.path} | ${f.rows} |`);

    // Served as the manifest hashed it; the rows are the export's (accepted only), whichever split each is in.
    const served: string[] = [];
    for (const f of sft) {
      const res = await researcher.fetch(`${demoBase}/v1/files/${f.path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename="v1-sft-${f.split}.jsonl"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(sha256(bytes)).toBe(f.sha256);
      served.push(...new TextDecoder().decode(bytes).trimEnd().split("\n"));
    }
    expect(served.sort()).toEqual([...sftJson(app.db, demoProjectId, { onlyAccepted: true })].sort());
    expect((await annotator.fetch(`${demoBase}/v1/files/sft/train.jsonl`)).status).toBe(403);
  });

  it("refuse any path the manifest does not list: traversal, other files, unknown snapshots and projects", async () => {
    for (const path of [
      "..%2F..%2F..%2Fpalate.db",
      "%2E%2E/%2E%2E/%2E%2E/palate.db",
      "trl/..%2F..%2Fv2%2Fsnapshot.json",
      "trl",
      "trl/other.jsonl",
      "%2Fetc%2Fpasswd",
    ]) {
      const res = await admin.fetch(`${base()}/v1/files/${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-disposition"), path).toBeNull();
    }
    expect((await admin.fetch(`${base()}/nope/files/README.md`)).status).toBe(404);
    expect((await admin.fetch(`${base()}/..%2Fv1/files/README.md`)).status).toBe(404);
    expect((await admin.fetch(`/api/projects/999999/snapshots/v1/files/README.md`)).status).toBe(404);
    expect((await admin.fetch(`/api/projects/999999/snapshots`)).status).toBe(404);
  });
});
