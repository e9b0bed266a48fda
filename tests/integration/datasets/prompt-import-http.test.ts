// POST /api/projects/[id]/import with the prompt formats (gsm8k, qa) over real HTTP on the built
// app: prompts with reference answers and no tasks, a bad line answered 400 naming the line and
// field with nothing written, and the admin's import panel offering both formats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { referencePrompts } from "@/lib/datasets/reference-prompts";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "../../helpers/app";

let app: TestApp;
let admin: Client;
let researcher: Client;
let projectId: number;

beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Math with references" }).id;
  });
  [admin, researcher] = await Promise.all([new Client(app.url).signIn("admin@palate.local"), new Client(app.url).signIn("researcher@palate.local")]);
}, 120_000);
afterAll(async () => {
  await app?.stop();
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
function tableCounts(db: Connection): Record<string, number> {
  const names = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}
const post = (client: Client, format: string, body: string) =>
  client.fetch(`/api/projects/${projectId}/import?format=${format}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", origin: app.url },
    body,
  });

describe("importing prompts with reference answers over HTTP", () => {
  it("imports gsm8k and qa files as prompts with references, skipping repeats", async () => {
    const gsm8k = jsonl([
      { question: "Tom has 3 apples and buys 4 more. How many apples does he have?", answer: "3 + 4 = <<3+4=7>>7\n#### 7" },
      { question: "A farm has 1,200 hens and sells 200. How many are left?", answer: "1,200 - 200 = 1,000\n#### 1,000" },
    ]);
    const res = await post(admin, "gsm8k", gsm8k);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: { prompts: 2, tasks: 0, rankings: 0 }, duplicates: 0, errors: [], invalidLines: 0 });

    const qa = await post(admin, "qa", jsonl([{ prompt: "Capital of Peru?", answer: "Lima" }]));
    expect(qa.status).toBe(200);
    expect(await qa.json()).toMatchObject({ imported: { prompts: 1 }, duplicates: 0 });

    const again = await post(admin, "gsm8k", gsm8k);
    expect(await again.json()).toMatchObject({ imported: { prompts: 0 }, duplicates: 2 });
    expect(referencePrompts(app.db, projectId).map((p) => p.reference)).toEqual(["7", "1000", "Lima"]);
    expect(app.db.$client.prepare("select count(*) from tasks where project_id = ?").pluck().get(projectId)).toBe(0);
  });

  it("answers 400 naming each bad line's field, and writes nothing", async () => {
    const before = tableCounts(app.db);
    const res = await post(admin, "qa", jsonl([{ prompt: "Fine?", answer: "yes" }, { prompt: "No answer?" }, { prompt: "Typo?", anwser: "x" }]));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { imported: unknown; errors: { line: number; message: string }[]; invalidLines: number; error: string };
    expect(answer.imported).toEqual({ prompts: 0, tasks: 0, rankings: 0 });
    expect(answer.errors).toEqual([
      { line: 2, message: "answer: missing field" },
      { line: 3, message: 'answer: missing field; unknown field "anwser"' },
    ]);
    expect(answer.error).toMatch(/2 invalid line\(s\), nothing imported \(first: line 2: answer: missing field\)/);
    expect(tableCounts(app.db)).toEqual(before);
  });

  it("lists the formats in the error for an unknown one, and refuses non-admins", async () => {
    const res = await post(admin, "gsm9k", "{}\n");
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("expected one of palate, trl, oasst, rankings, hh, openrlhf, gsm8k, qa");
    expect((await post(researcher, "qa", jsonl([{ prompt: "q", answer: "a" }]))).status).toBe(403);
  });

  it("offers gsm8k and qa in the admin's import panel", async () => {
    const res = await admin.fetch(`/admin/projects/${projectId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<option value="gsm8k">');
    expect(html).toContain('<option value="qa">');
  });
});
