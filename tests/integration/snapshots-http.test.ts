// The snapshot routes over real HTTP on the built app: POST/GET /api/projects/[id]/snapshots and
// GET …/snapshots/[name]/files/[...path] — roles, creation, the same data twice, a taken name with
// other data, and downloads that serve only the manifest's files.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import type { SnapshotManifest } from "@/lib/datasets/snapshot-manifest";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { getProjectByName } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "./../helpers/app";

let app: TestApp;
let admin: Client;
let researcher: Client;
let annotator: Client;
let anonymous: Client;
let projectId: number;

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
