// The task list's search, filters, sort and paging over HTTP against the real app: GET
// /api/projects/[id]/tasks answers the filtered page with totals that count the matches, 400
// naming the parameter for a bad value (never a 500), and the project page renders the same
// list from its URL, ignoring bad values with a notice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { findUserByEmail } from "@/lib/users";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";

interface Page {
  total: number;
  projectTotal: number;
  offset: number;
  limit: number;
  tasks: { id: number; flags: number; rankings: number; round: number; agreement: { rate: number | null }; models: (string | null)[] }[];
  query: Record<string, unknown>;
}

let app: TestApp;
let projectId: number;
const t: Record<string, CreatedTask> = {};
let researcher: Client;
let admin: Client;

function seed(db: Connection) {
  projectId = createProject(db, { name: "filters", redundancy: 2 }).id;
  const user = (email: string) => findUserByEmail(db, email)!.id;
  t.capital = insertTask(db, projectId, {
    messages: [{ role: "user", content: "What is the capital of France?" }],
    completions: ["Paris.", "Lyon.", "Berlin."].map((text) => ({ text, model: "sft" })),
  });
  t.rate = insertTask(db, projectId, {
    messages: [{ role: "user", content: "What is 100% of 7?" }],
    completions: ["7", "700", "Seven"].map((text) => ({ text, model: "ppo-1", metadata: { round: 2 } })),
  });
  t.poem = insertTask(db, projectId, {
    messages: [{ role: "user", content: "Write a poem." }],
    completions: ["Roses are red.", "A poem."].map((text) => ({ text })),
  });
  const rank = (task: CreatedTask, email: string, order: number[], extra: { flag?: [number, "harmful" | "off_topic"]; noneAcceptable?: boolean } = {}) =>
    insertRanking(db, {
      taskId: task.taskId,
      userId: user(email),
      groups: order.map((i) => [task.completionIds[i]]),
      flags: extra.flag ? [{ completionId: task.completionIds[extra.flag[0]], flag: extra.flag[1] }] : [],
      noneAcceptable: extra.noneAcceptable,
    });
  rank(t.capital, "annotator1@palate.local", [0, 1, 2]);
  rank(t.capital, "annotator2@palate.local", [0, 2, 1], { flag: [2, "harmful"] });
  rank(t.rate, "annotator1@palate.local", [0, 1, 2], { flag: [1, "off_topic"] });
  rank(t.rate, "annotator2@palate.local", [2, 1, 0], { noneAcceptable: true, flag: [1, "harmful"] });
}

beforeAll(async () => {
  app = await startTestApp(seed);
  researcher = await new Client(app.url).signIn("researcher@palate.local");
  admin = await new Client(app.url).signIn("admin@palate.local");
});
afterAll(async () => {
  await app?.stop();
});

const get = async (client: Client, qs: string) => {
  const res = await client.fetch(`/api/projects/${projectId}/tasks${qs ? `?${qs}` : ""}`);
  return { status: res.status, body: (await res.json()) as Page & { error?: string; issues?: { field: string; message: string }[] } };
};
const ids = async (qs: string) => {
  const { status, body } = await get(researcher, qs);
  expect(status, `${qs}: ${body.error}`).toBe(200);
  return body.tasks.map((r) => r.id);
};

describe("GET /api/projects/[id]/tasks with a query", () => {
  it("answers the whole list without one, with its counts, rounds and agreement", async () => {
    const { status, body } = await get(admin, "");
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 3, projectTotal: 3, offset: 0, limit: 50, query: { sort: "oldest", offset: 0, limit: 50 } });
    expect(body.tasks.map((r) => [r.id, r.rankings, r.flags, r.round, r.agreement.rate])).toEqual([
      [t.capital.taskId, 2, 1, 1, 2 / 3],
      [t.rate.taskId, 2, 2, 2, 0],
      [t.poem.taskId, 0, 0, 1, null],
    ]);
    expect(body.tasks[1].models).toEqual(["ppo-1"]);
  });

  it("searches and filters", async () => {
    expect(await ids("q=100%25")).toEqual([t.rate.taskId]);
    expect(await ids("q=roses")).toEqual([t.poem.taskId]);
    expect(await ids("q=paris")).toEqual([t.capital.taskId]);
    expect(await ids("flag=any")).toEqual([t.capital.taskId, t.rate.taskId]);
    expect(await ids("flag=off_topic")).toEqual([t.rate.taskId]);
    expect(await ids("none=1")).toEqual([t.rate.taskId]);
    expect(await ids("model=sft")).toEqual([t.capital.taskId]);
    expect(await ids("round=2")).toEqual([t.rate.taskId]);
    expect(await ids("status=unranked")).toEqual([t.poem.taskId]);
    expect(await ids("status=complete&agreementBelow=0.5")).toEqual([t.rate.taskId]);
    expect(await ids("agreementAbove=0.5")).toEqual([t.capital.taskId]);
    expect(await ids("edited=1")).toEqual([]);
  });

  it("sorts, and pages the filtered list with a total that counts the matches", async () => {
    expect(await ids("sort=newest")).toEqual([t.poem.taskId, t.rate.taskId, t.capital.taskId]);
    expect(await ids("sort=lowest-agreement")).toEqual([t.rate.taskId, t.capital.taskId, t.poem.taskId]);
    expect(await ids("sort=most-flags")).toEqual([t.rate.taskId, t.capital.taskId, t.poem.taskId]);
    const { body } = await get(researcher, "flag=any&limit=1&offset=1");
    expect(body).toMatchObject({ total: 2, projectTotal: 3, offset: 1, limit: 1, query: { flag: "any", limit: 1, offset: 1 } });
    expect(body.tasks.map((r) => r.id)).toEqual([t.rate.taskId]);
  });

  it("answers 400 naming the parameter for each bad value, never 500", async () => {
    const cases: [string, string][] = [
      ["offset=1.5", "offset"],
      ["offset=1e300", "offset"],
      ["offset=-1", "offset"],
      ["limit=0", "limit"],
      ["limit=501", "limit"],
      ["sort=best", "sort"],
      ["status=done", "status"],
      ["flag=rude", "flag"],
      ["none=yes", "none"],
      ["round=two", "round"],
      ["agreementBelow=2", "agreementBelow"],
      ["agreementBelow=0.2&agreementAbove=0.8", "agreementAbove"],
      ["offset=1&offset=2", "offset"],
      [`q=${"a".repeat(201)}`, "q"],
    ];
    for (const [qs, field] of cases) {
      const { status, body } = await get(researcher, qs);
      expect(status, qs).toBe(400);
      expect(
        body.issues?.map((i) => i.field),
        qs,
      ).toEqual([field]);
      expect(body.error, qs).toContain(`${field}: `);
    }
    expect((await get(researcher, "offset=1000000000")).body).toMatchObject({ total: 3, tasks: [] });
  });

  it("checks the role and the project first", async () => {
    expect((await get(await new Client(app.url).signIn("annotator1@palate.local"), "flag=any")).status).toBe(403);
    expect((await new Client(app.url).fetch(`/api/projects/${projectId}/tasks?offset=1.5`)).status).toBe(401);
    expect((await researcher.fetch(`/api/projects/999999/tasks?flag=any`)).status).toBe(404);
  });
});

describe("the project page's task list", () => {
  const page = async (qs: string) => {
    const res = await researcher.fetch(`/research/projects/${projectId}?${qs}`);
    expect(res.status, qs).toBe(200);
    const html = await res.text();
    const table = html.slice(html.indexOf('data-testid="task-table"'));
    return { html, rows: [...table.matchAll(/data-task-id="(\d+)"/g)].map((m) => Number(m[1])) };
  };

  it("renders the list its URL asks for", async () => {
    const { html, rows } = await page("flag=harmful&sort=newest");
    expect(rows).toEqual([t.rate.taskId, t.capital.taskId]);
    expect(html).toContain("2 of 3 tasks match.");
    expect(html).not.toContain('data-testid="task-filter-notice"');
  });

  it("ignores bad values with a notice naming them, and keeps the good ones", async () => {
    const { html, rows } = await page("offset=1.5&flag=off_topic&sort=sideways");
    expect(rows).toEqual([t.rate.taskId]);
    const notice = html.slice(html.indexOf('data-testid="task-filter-notice"'), html.indexOf("</p>", html.indexOf('data-testid="task-filter-notice"')));
    expect(notice).toContain("<code>offset</code>");
    expect(notice).toContain("<code>sort</code>");
    expect(notice).not.toContain("<code>flag</code>");
    expect((await page("offset=1e300")).rows).toEqual([t.capital.taskId, t.rate.taskId, t.poem.taskId]);
  });

  it("says so when a page lies past the end of the matches", async () => {
    const { html, rows } = await page("status=complete&offset=50");
    expect(rows).toEqual([]);
    expect(html).toContain("No tasks this far into the list.");
  });
});
