// Per-completion quality labels over HTTP against the real app: the admin sets a project's
// questions (400 naming the field), an annotator submits a ranking with answers (400s name the
// answer and its part; required ones must be there unless none acceptable), an edit keeps the old
// answers in the audit trail, the `rankings` export carries each completion's current answers, and
// the researcher's task and project pages show them.
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rankingAnswers, rankingRevisions } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";

interface Payload {
  assignment: { id: number };
  task: { id: number; completions: { id: number; text: string }[] };
}
interface Answer {
  completionId: number;
  questionKey: string;
  value: number | string[];
}

const QUESTIONS = [
  { kind: "rating", key: "quality", prompt: "Overall quality", required: true, minLabel: "useless", maxLabel: "excellent" },
  { kind: "tags", key: "issues", prompt: "Problems", tags: ["verbose", "wrong", "rude"] },
];

let app: TestApp;
let projectId: number;
const clients: Record<string, Client> = {};

beforeAll(async () => {
  app = await startTestApp((db) => {
    // R = 1: each task goes to one annotator; an hour to change a ranking after submitting it.
    projectId = createProject(db, { name: "labels", redundancy: 1, assignmentTimeoutSeconds: 3600 }).id;
    for (const [q, answers] of [
      ["Name a French city.", ["Paris.", "Lyon.", "Berlin."]],
      ["Name a colour.", ["Red.", "Blue.", "Seven."]],
    ] as const) {
      insertTask(db, projectId, {
        messages: [{ role: "user", content: q }],
        completions: answers.map((text) => ({ text, model: text === "Berlin." ? "bad-model" : "good-model" })),
      });
    }
  });
  for (const who of ["annotator1", "admin", "researcher"]) clients[who] = await new Client(app.url).signIn(`${who}@palate.local`);
});
afterAll(async () => {
  await app?.stop();
});

const fieldsOf = async (res: Response) => ((await res.json()) as { issues: { field: string }[] }).issues.map((i) => i.field);

describe("the project's questions", () => {
  const path = () => `/api/projects/${projectId}/questions`;

  it("an admin saves them; defaults are filled; a bad one is named", async () => {
    const bad = await clients.admin.json(path(), "PUT", { questions: [QUESTIONS[0], { ...QUESTIONS[1], tags: [] }] });
    expect(bad.status).toBe(400);
    expect(await fieldsOf(bad)).toEqual(["questions.1.tags"]);
    const backwards = await clients.admin.json(path(), "PUT", { questions: [{ ...QUESTIONS[0], min: 7, max: 1 }] });
    expect(await fieldsOf(backwards)).toEqual(["questions.0.max"]);
    const res = await clients.admin.json(path(), "PUT", { questions: QUESTIONS });
    expect(res.status).toBe(200);
    expect((await res.json()).questions).toEqual([
      { kind: "rating", key: "quality", prompt: "Overall quality", required: true, min: 1, max: 7, minLabel: "useless", maxLabel: "excellent" },
      { kind: "tags", key: "issues", prompt: "Problems", required: false, tags: ["verbose", "wrong", "rude"] },
    ]);
  });

  it("researchers read them; only admins change them; 404 for an unknown project", async () => {
    const read = await clients.researcher.fetch(path());
    expect((await read.json()).questions.map((q: { key: string }) => q.key)).toEqual(["quality", "issues"]);
    expect((await clients.researcher.json(path(), "PUT", { questions: [] })).status).toBe(403);
    expect((await clients.annotator1.fetch(path())).status).toBe(403);
    expect((await clients.admin.json(`/api/projects/99999/questions`, "PUT", { questions: [] })).status).toBe(404);
  });
});

describe("answers with a ranking", () => {
  let first: Payload;
  let rankingPath: string;
  let rankingId: number;
  const ids = () => first.task.completions.map((c) => c.id);
  const byText = (t: string) => first.task.completions.find((c) => c.text === t)!.id;

  beforeAll(async () => {
    first = (await (await clients.annotator1.json("/api/annotate/next", "POST", { projectId })).json()) as Payload;
    rankingPath = `/api/tasks/${first.task.id}/ranking`;
  });

  it("400 names the bad answer, or the required question left out, and nothing is stored", async () => {
    const groups = ids().map((id) => [id]);
    const [a, b, c] = ids();
    const rate = (cid: number, value: number): Answer => ({ completionId: cid, questionKey: "quality", value });
    const cases: [Answer[], string[]][] = [
      [[rate(a, 5), rate(b, 4), rate(c, 8)], ["answers.2.value"]],
      [[rate(a, 5), { completionId: b, questionKey: "issues", value: ["wrong", "boring"] }, rate(b, 4), rate(c, 1)], ["answers.1.value.1"]],
      [[rate(a, 5), rate(b, 4), rate(c, 1), { completionId: c, questionKey: "tone", value: 3 }], ["answers.3.questionKey"]],
      [[rate(a, 5), rate(b, 4), rate(999_999, 1)], ["answers.2.completionId"]],
      [[rate(a, 5), rate(b, 4)], ["answers"]],
    ];
    for (const [answers, fields] of cases) {
      const res = await clients.annotator1.json(rankingPath, "POST", { groups, answers });
      expect(res.status).toBe(400);
      expect(await fieldsOf(res)).toEqual(fields);
    }
    const missing = await clients.annotator1.json(rankingPath, "POST", { groups, answers: [rate(a, 5)] });
    const [x, y] = [b, c].sort((p, q) => p - q); // named in the task's stored order (ids ascend with it here)
    expect((await missing.json()).error).toBe(`answers: "quality" is required: answer it for completion ${x}, completion ${y} (or mark none acceptable)`);
    expect(app.db.select().from(rankingAnswers).all()).toEqual([]);
  });

  it("a sound submission stores the answers with the ranking, in one go", async () => {
    const [paris, lyon, berlin] = ["Paris.", "Lyon.", "Berlin."].map(byText);
    const res = await clients.annotator1.json(rankingPath, "POST", {
      groups: [[paris], [lyon], [berlin]],
      answers: [
        { completionId: berlin, questionKey: "issues", value: ["wrong"] },
        { completionId: berlin, questionKey: "quality", value: 1 },
        { completionId: paris, questionKey: "quality", value: 7 },
        { completionId: lyon, questionKey: "quality", value: 6 },
        { completionId: lyon, questionKey: "issues", value: [] }, // no tags: no answer
      ],
    });
    expect(res.status).toBe(201);
    const { ranking } = await res.json();
    rankingId = ranking.id;
    // In the task's stored order (Paris, Lyon, Berlin), then the questions' order.
    expect(ranking.answers).toEqual([
      { completionId: paris, questionKey: "quality", value: 7 },
      { completionId: lyon, questionKey: "quality", value: 6 },
      { completionId: berlin, questionKey: "quality", value: 1 },
      { completionId: berlin, questionKey: "issues", value: ["wrong"] },
    ]);
    expect(app.db.select().from(rankingAnswers).where(eq(rankingAnswers.rankingId, rankingId)).all()).toHaveLength(4);
    const own = await (await clients.annotator1.fetch(rankingPath)).json();
    expect(own.ranking.answers).toEqual(ranking.answers);
  });

  it("an edit replaces the answers and keeps the old ones in the audit trail; the export carries the current ones", async () => {
    const [paris, lyon, berlin] = ["Paris.", "Lyon.", "Berlin."].map(byText);
    const before = (await (await clients.annotator1.fetch(rankingPath)).json()).ranking.answers as Answer[];
    const res = await clients.annotator1.json(rankingPath, "PUT", {
      groups: [[paris, lyon], [berlin]],
      answers: [
        { completionId: paris, questionKey: "quality", value: 6 },
        { completionId: lyon, questionKey: "quality", value: 6 },
        { completionId: berlin, questionKey: "quality", value: 2 },
        { completionId: berlin, questionKey: "issues", value: ["rude", "wrong"] },
      ],
    });
    expect(res.status).toBe(200);
    expect((await res.json()).ranking.version).toBe(2);
    const revisions = app.db.select().from(rankingRevisions).where(eq(rankingRevisions.rankingId, rankingId)).orderBy(asc(rankingRevisions.version)).all();
    expect(revisions.map((r) => [r.version, r.answers])).toEqual([[1, before]]);
    const now = app.db.select().from(rankingAnswers).where(eq(rankingAnswers.rankingId, rankingId)).all();
    expect(now.find((r) => r.completionId === berlin && r.questionKey === "issues")?.value).toEqual(["wrong", "rude"]); // the question's tag order

    const badEdit = await clients.annotator1.json(rankingPath, "PUT", {
      groups: [[paris], [lyon], [berlin]],
      answers: [{ completionId: paris, questionKey: "quality", value: 0 }],
    });
    expect(await fieldsOf(badEdit)).toEqual(["answers.0.value"]);

    const exported = await clients.researcher.fetch(`/api/projects/${projectId}/export?format=rankings`);
    expect(exported.status).toBe(200);
    const rows = (await exported.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(Object.fromEntries(rows[0].completions.map((c: { text: string; answers: object }) => [c.text, c.answers]))).toEqual({
      "Paris.": { quality: 6 },
      "Lyon.": { quality: 6 },
      "Berlin.": { quality: 2, issues: ["wrong", "rude"] },
    });
    const trl = (await (await clients.researcher.fetch(`/api/projects/${projectId}/export?format=trl`)).text()).trim().split("\n");
    expect(Object.keys(JSON.parse(trl[0])).sort()).toEqual(["chosen", "prompt", "prompt_id", "ranking_id", "rejected", "task_id"]);
  });

  it("none acceptable needs no answers", async () => {
    const second = (await (await clients.annotator1.json("/api/annotate/next", "POST", { projectId })).json()) as Payload;
    const res = await clients.annotator1.json(`/api/tasks/${second.task.id}/ranking`, "POST", {
      groups: second.task.completions.map((c) => [c.id]),
      noneAcceptable: true,
    });
    expect(res.status).toBe(201);
    expect((await res.json()).ranking.answers).toEqual([]);
  });

  it("the researcher sees each ranking's answers, the earlier version's, and the summaries per completion and per model", async () => {
    const page = await (await clients.researcher.fetch(`/research/tasks/${first.task.id}?letters=canonical`)).text();
    // Canonical letters: stored order Paris = A, Lyon = B, Berlin = C.
    expect(page).toContain("Quality labels");
    expect(page).toMatch(/A: Overall quality 6; B: Overall quality 6; C: Overall quality 2 · Problems wrong, rude/);
    expect(page).toMatch(/labels: A: Overall quality 7; B: Overall quality 6; C: Overall quality 1 · Problems wrong/);
    expect(page).toContain("wrong 1/1 · rude 1/1");
    const project = await (await clients.researcher.fetch(`/research/projects/${projectId}`)).text();
    expect(project).toContain("Quality labels by model");
    expect(project).toContain("6.00 ± 0.00 (n = 2)"); // good-model: Paris 6, Lyon 6
    expect(project).toContain("2.00 (n = 1)"); // bad-model: Berlin 2
  });
});
