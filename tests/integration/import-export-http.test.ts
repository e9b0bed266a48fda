// The upload and download routes over real HTTP: POST /api/projects/[id]/import (admin) and
// GET /api/projects/[id]/export (admin, researcher), on the built app and a temp database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "../helpers/app";

let app: TestApp;
let admin: Client;
let researcher: Client;
let annotator: Client;
let anonymous: Client;
let projectId: number;
let emptyProjectId: number;

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Uploads: pairs & more" }).id;
    emptyProjectId = createProject(db, { name: "Empty" }).id;
  });
  [admin, researcher, annotator] = await Promise.all([
    new Client(app.url).signIn("admin@palate.local"),
    new Client(app.url).signIn("researcher@palate.local"),
    new Client(app.url).signIn("annotator1@palate.local"),
  ]);
  anonymous = new Client(app.url);
});
afterAll(async () => {
  await app?.stop();
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const TRL_ROWS = [
  { prompt: "Capital of Kenya?", chosen: "Nairobi", rejected: "Mombasa" },
  { prompt: "2+2?", chosen: "4", rejected: "5" },
  { prompt: "Best colour?", chosen: "ünïcode 😀", rejected: "line\nbreak" },
];

function tableCounts(db: Connection): Record<string, number> {
  const names = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}
const taskCount = (id: number) => app.db.$client.prepare("select count(*) from tasks where project_id = ?").pluck().get(id) as number;

describe("POST /api/projects/[id]/import", () => {
  it("answers 401 signed out, 403 to researchers and annotators, 404 for an unknown project", async () => {
    const post = (c: Client, id: number | string) => c.fetch(`/api/projects/${id}/import?format=trl`, { method: "POST", body: jsonl(TRL_ROWS) });
    expect((await post(anonymous, projectId)).status).toBe(401);
    expect((await post(researcher, projectId)).status).toBe(403);
    expect((await post(annotator, projectId)).status).toBe(403);
    expect((await post(admin, 999_999)).status).toBe(404);
    expect((await post(admin, "abc")).status).toBe(404);
    expect(taskCount(projectId)).toBe(0);
  });

  it("imports a raw trl body and reports what it wrote", async () => {
    const res = await admin.fetch(`/api/projects/${projectId}/import?format=trl`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: jsonl(TRL_ROWS),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: { tasks: 3, rankings: 3 }, errors: [], invalidLines: 0 });
    expect(taskCount(projectId)).toBe(3);
  });

  it("imports a multipart upload with `file` and `format` fields", async () => {
    const form = new FormData();
    form.set("format", "palate");
    form.set("file", new Blob([jsonl([{ prompt: "Unranked?", completions: ["a", "b", "c"] }])]), "tasks.jsonl");
    const res = await admin.fetch(`/api/projects/${emptyProjectId}/import`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: { tasks: 1, rankings: 0 } });
    expect(taskCount(emptyProjectId)).toBe(1);
  });

  it("imports a body streamed in chunks", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ prompt: `streamed ${i}`, completions: [`a${i}`, `b${i}`] }) + "\n");
    const bytes = new TextEncoder().encode(lines.join(""));
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + 4096));
        offset += 4096;
      },
    });
    const before = taskCount(emptyProjectId);
    const res = await admin.fetch(`/api/projects/${emptyProjectId}/import?format=palate`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: { tasks: 3000, rankings: 0 } });
    expect(taskCount(emptyProjectId)).toBe(before + 3000);
  });

  it("answers 400 with every bad line and writes nothing when the file is invalid", async () => {
    const before = tableCounts(app.db);
    const body = jsonl([TRL_ROWS[0]]) + '{"prompt": "x"\n' + jsonl([{ prompt: "p", chosen: "a" }, TRL_ROWS[1], { prompt: 5, chosen: "a", rejected: "b" }]);
    const res = await admin.fetch(`/api/projects/${projectId}/import?format=trl`, { method: "POST", body });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { imported: unknown; errors: { line: number; message: string }[]; invalidLines: number; error: string };
    expect(answer.imported).toEqual({ tasks: 0, rankings: 0 });
    expect(answer.invalidLines).toBe(3);
    expect(answer.errors).toEqual([
      { line: 2, message: expect.stringMatching(/^bad JSON/) },
      { line: 3, message: "rejected: missing field" },
      { line: 5, message: "prompt: expected string, got number" },
    ]);
    expect(answer.error).toMatch(/3 invalid line/);
    expect(tableCounts(app.db)).toEqual(before);
  });

  it("answers 400 naming the field when the format or the file is missing or unknown", async () => {
    const noFormat = await admin.fetch(`/api/projects/${projectId}/import`, { method: "POST", body: jsonl(TRL_ROWS) });
    expect(noFormat.status).toBe(400);
    expect(await noFormat.json()).toMatchObject({ issues: [{ field: "format" }] });
    const badFormat = await admin.fetch(`/api/projects/${projectId}/import?format=csv`, { method: "POST", body: jsonl(TRL_ROWS) });
    expect(badFormat.status).toBe(400);
    expect(await badFormat.json()).toMatchObject({ issues: [{ field: "format", message: expect.stringContaining('"csv"') }] });
    const form = new FormData();
    form.set("format", "trl");
    const noFile = await admin.fetch(`/api/projects/${projectId}/import`, { method: "POST", body: form });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ issues: [{ field: "file" }] });
  });
});

describe("GET /api/projects/[id]/export", () => {
  const url = (id: number | string, query = "format=trl&pairs=all") => `/api/projects/${id}/export?${query}`;

  it("answers 401 signed out, 403 to annotators, 404 for an unknown project, 400 for a bad parameter", async () => {
    expect((await anonymous.fetch(url(projectId))).status).toBe(401);
    expect((await annotator.fetch(url(projectId))).status).toBe(403);
    expect((await admin.fetch(url(999_999))).status).toBe(404);
    const bad = await admin.fetch(url(projectId, "format=csv"));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ issues: [{ field: "format" }] });
    expect((await admin.fetch(url(projectId, "format=trl&pairs=some"))).status).toBe(400);
    expect((await admin.fetch(url(projectId, "pairs=all"))).status).toBe(400);
  });

  it("streams the uploaded pairs back as a JSONL attachment to admins and researchers", async () => {
    for (const client of [admin, researcher]) {
      const res = await client.fetch(url(projectId));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe('attachment; filename="uploads-pairs-more-trl-all.jsonl"');
      expect(res.headers.get("content-type")).toContain("application/x-ndjson");
      const rows = (await res.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows.map((r) => [r.prompt, r.chosen, r.rejected])).toEqual(TRL_ROWS.map((r) => [r.prompt, r.chosen, r.rejected]));
      for (const r of rows) expect(r).toMatchObject({ prompt_id: expect.any(Number), ranking_id: expect.any(Number), task_id: expect.any(Number) });
    }
  });

  it("offers the other formats and options", async () => {
    const conversational = await admin.fetch(url(projectId, "format=trl-conversational&pairs=adjacent&includeNoneAcceptable=true"));
    expect(conversational.headers.get("content-disposition")).toContain('filename="uploads-pairs-more-trl-conversational-adjacent.jsonl"');
    const first = JSON.parse((await conversational.text()).split("\n")[0]) as Record<string, unknown>;
    expect(first).toMatchObject({ prompt: [{ role: "user", content: "Capital of Kenya?" }], chosen: [{ role: "assistant", content: "Nairobi" }] });

    const rankings = await admin.fetch(url(projectId, "format=rankings"));
    expect(rankings.headers.get("content-disposition")).toContain('filename="uploads-pairs-more-rankings.jsonl"');
    const lines = (await rankings.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0])).toMatchObject({ source: "imported", none_acceptable: false, groups: [[expect.any(Number)], [expect.any(Number)]] });

    // Nothing to export is an error, not an empty file (more in export-empty.test.ts).
    const empty = await admin.fetch(url(emptyProjectId));
    expect(empty.status).toBe(409);
    expect(await empty.json()).toMatchObject({ error: expect.stringMatching(/^no rankings to export \(format=trl, pairs=all, includeNoneAcceptable=false\)/) });
  });
});
