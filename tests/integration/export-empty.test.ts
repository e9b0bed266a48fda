// An export with nothing to write is an error, not an empty file: GET /api/projects/[id]/export
// over real HTTP answers 409 "no rankings to export (<filters>): <why>", and `palate export`
// fails with the same message (exit 1, nothing on stdout, no --out file).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/projects";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";
import { palate, palateInProcess } from "@/tests/helpers/cli";

let app: TestApp;
let admin: Client;
let researcher: Client;
let annotator: Client;
const ids = { empty: 0, none: 0, tied: 0 };

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const sql = (text: string, ...params: unknown[]) => app.db.$client.prepare(text).run(...params);
const projectRankings = "select id from rankings where task_id in (select id from tasks where project_id = ?)";

beforeAll(async () => {
  app = await startTestApp((db) => {
    ids.empty = createProject(db, { name: "Nothing yet" }).id;
    ids.none = createProject(db, { name: "All rejected" }).id;
    ids.tied = createProject(db, { name: "All tied" }).id;
  });
  [admin, researcher, annotator] = await Promise.all([
    new Client(app.url).signIn("admin@palate.local"),
    new Client(app.url).signIn("researcher@palate.local"),
    new Client(app.url).signIn("annotator1@palate.local"),
  ]);
  const rows = [
    { prompt: "Capital of Kenya?", chosen: "Nairobi", rejected: "Mombasa" },
    { prompt: "2+2?", chosen: "4", rejected: "5" },
  ];
  for (const id of [ids.none, ids.tied]) {
    const res = await admin.fetch(`/api/projects/${id}/import?format=trl`, { method: "POST", body: jsonl(rows) });
    expect(res.status).toBe(200);
  }
  // "All rejected": both rankings marked none acceptable. "All tied": both rankings one group.
  sql(`update rankings set none_acceptable = 1 where id in (${projectRankings})`, ids.none);
  sql(
    `update rankings set groups = json_array(json((select json_group_array(c.id) from completions c where c.task_id = rankings.task_id))) where id in (${projectRankings})`,
    ids.tied,
  );
});
afterAll(async () => {
  await app?.stop();
});

const url = (id: number, query: string) => `/api/projects/${id}/export?${query}`;

async function expectNothing(client: Client, id: number, query: string, error: string) {
  const res = await client.fetch(url(id, query));
  expect(res.status).toBe(409);
  expect(res.headers.get("content-disposition")).toBeNull();
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: string };
  expect(body.error).toBe(error);
  return body;
}

describe("GET /api/projects/[id]/export with nothing to write", () => {
  it("answers 409 naming the filters when the project has no rankings", async () => {
    for (const client of [admin, researcher]) {
      const body = await expectNothing(
        client,
        ids.empty,
        "format=trl&pairs=all",
        'no rankings to export (format=trl, pairs=all, includeNoneAcceptable=false): project "Nothing yet" has no rankings yet',
      );
      expect(body).toMatchObject({ filters: { format: "trl", pairs: "all", includeNoneAcceptable: false }, rankings: { rankings: 0, noneAcceptable: 0 } });
    }
    await expectNothing(
      admin,
      ids.empty,
      "format=rankings&includeNoneAcceptable=true",
      'no rankings to export (format=rankings, includeNoneAcceptable=true): project "Nothing yet" has no rankings yet',
    );
  });

  it("says when the filter leaves out every ranking, and exports them once included", async () => {
    await expectNothing(
      admin,
      ids.none,
      "format=rankings",
      'no rankings to export (format=rankings, includeNoneAcceptable=false): all 2 rankings of project "All rejected" are marked "none acceptable" (includeNoneAcceptable=true exports them)',
    );
    const included = await admin.fetch(url(ids.none, "format=rankings&includeNoneAcceptable=true"));
    expect(included.status).toBe(200);
    expect((await included.text()).trimEnd().split("\n")).toHaveLength(2);
  });

  it("says when the rankings give no pair, while the rankings format still downloads them", async () => {
    await expectNothing(
      admin,
      ids.tied,
      "format=trl-conversational&pairs=adjacent",
      'no rankings to export (format=trl-conversational, pairs=adjacent, includeNoneAcceptable=false): the 2 rankings of project "All tied" give no pair (their completions are tied or have identical texts)',
    );
    const rankings = await admin.fetch(url(ids.tied, "format=rankings"));
    expect(rankings.status).toBe(200);
    expect(rankings.headers.get("content-disposition")).toBe('attachment; filename="all-tied-rankings.jsonl"');
    expect((await rankings.text()).trimEnd().split("\n")).toHaveLength(2);
  });

  it("still checks the role first", async () => {
    expect((await annotator.fetch(url(ids.empty, "format=trl"))).status).toBe(403);
    expect((await new Client(app.url).fetch(url(ids.empty, "format=trl"))).status).toBe(401);
  });
});

describe("palate export with nothing to write", () => {
  it("fails with the same reason, writes no file and prints nothing on stdout", async () => {
    const out = join(dirname(app.dbPath), "empty.jsonl");
    const toFile = await palateInProcess(app.dbPath, ["export", "--project", "Nothing yet", "--format", "trl", "--out", out]);
    expect(toFile.status).toBe(1);
    expect(toFile.stderr.trim()).toBe('palate export: no rankings to export (--format trl --pairs all): project "Nothing yet" has no rankings yet');
    expect(existsSync(out)).toBe(false);

    // The real CLI, spawned: nothing on stdout, exit 1.
    const toStdout = await palate(app.dbPath, ["export", "--project", "All rejected", "--format", "rankings"]);
    expect(toStdout.status).toBe(1);
    expect(toStdout.stdout).toBe("");
    expect(toStdout.stderr.trim()).toBe(
      'palate export: no rankings to export (--format rankings): all 2 rankings of project "All rejected" are marked "none acceptable" (--include-none-acceptable exports them)',
    );

    const included = await palateInProcess(app.dbPath, [
      "export",
      "--project",
      "All rejected",
      "--format",
      "rankings",
      "--include-none-acceptable",
      "--out",
      out,
    ]);
    expect(included.status).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(2);
  });
});
