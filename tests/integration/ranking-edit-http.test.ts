// Editing a ranking over HTTP against the real app: GET the caller's own ranking in their display
// order, PUT a new version (version bump, the old one in ranking_revisions, flags and comparisons
// rewritten, exports see only the new one), who may do it, 409 once the task is closed, and
// identical-text completions tied on save (POST and PUT).
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { comparisons, rankingFlags, rankingRevisions, rankings } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { Client, startTestApp, type TestApp } from "@/tests/helpers/app";

interface Payload {
  assignment: { id: number };
  task: { id: number; projectId: number; completions: { id: number; text: string }[] };
}

interface OwnRanking {
  ranking: {
    id: number;
    version: number;
    groups: number[][];
    noneAcceptable: boolean;
    flags: { completionId: number; flag: string }[];
    answers: { completionId: number; questionKey: string; value: number | string[] }[];
    comment: string | null;
  };
  task: { id: number; projectId: number; messages: { role: string; content: string }[]; completions: { id: number; text: string }[] };
  editable: boolean;
  reason?: string;
}

let app: TestApp;
const project: Record<string, number> = {};
const clients: Record<string, Client> = {};

const next = async (c: Client, projectId: number) => (await (await c.json("/api/annotate/next", "POST", { projectId })).json()) as Payload;
const ids = (p: Payload) => p.task.completions.map((c) => c.id);

beforeAll(async () => {
  app = await startTestApp((db) => {
    // R = 2, ten minutes to change a ranking after submitting it once the task is full.
    const edits = createProject(db, { name: "edits", redundancy: 2, assignmentTimeoutSeconds: 600 });
    insertTask(db, edits.id, {
      messages: [{ role: "user", content: "Name a French city." }],
      completions: [{ text: "Paris." }, { text: "Lyon." }, { text: "Berlin." }, { text: "Marseille is a French city." }],
    });
    project.edits = edits.id;
    const twins = createProject(db, { name: "twins", redundancy: 1, assignmentTimeoutSeconds: 600 });
    insertTask(db, twins.id, {
      messages: [{ role: "user", content: "Say hi." }],
      completions: [{ text: "Hi there." }, { text: "Hello!" }, { text: "  Hi   there.\n" }, { text: "Go away." }],
    });
    project.twins = twins.id;
  });
  for (const who of ["annotator1", "annotator2", "annotator3", "admin", "researcher"]) clients[who] = await new Client(app.url).signIn(`${who}@palate.local`);
});
afterAll(async () => {
  await app?.stop();
});

describe("editing a ranking", () => {
  let payload: Payload;
  let rankingId: number;
  let path: string;

  beforeAll(async () => {
    payload = await next(clients.annotator1, project.edits);
    path = `/api/tasks/${payload.task.id}/ranking`;
  });

  it("GET answers 404 before the caller has ranked the task, 403 to staff, 401 signed out", async () => {
    expect((await clients.annotator1.fetch(path)).status).toBe(404);
    expect((await clients.researcher.fetch(path)).status).toBe(403);
    expect((await clients.admin.fetch(path)).status).toBe(403);
    expect((await new Client(app.url).fetch(path)).status).toBe(401);
    expect((await clients.annotator1.json(path, "PUT", { groups: ids(payload).map((id) => [id]) })).status).toBe(404);
  });

  it("GET gives the caller's ranking with the task in their display order, editable", async () => {
    const [a, b, c, d] = ids(payload);
    const res = await clients.annotator1.json(path, "POST", {
      groups: [[d, a], [c], [b]],
      flags: [{ completionId: b, flag: "factually_wrong" }],
      comment: "B is wrong",
    });
    expect(res.status).toBe(201);
    rankingId = (await res.json()).ranking.id;
    const own = (await (await clients.annotator1.fetch(path)).json()) as OwnRanking;
    expect(own).toEqual({
      ranking: {
        id: rankingId,
        version: 1,
        groups: [[d, a], [c], [b]],
        noneAcceptable: false,
        strength: null,
        flags: [{ completionId: b, flag: "factually_wrong" }],
        answers: [],
        comment: "B is wrong",
      },
      task: {
        id: payload.task.id,
        projectId: project.edits,
        messages: [{ role: "user", content: "Name a French city." }],
        completions: payload.task.completions,
        pairwise: false,
      },
      editable: true,
    });
  });

  it("PUT names a bad field; other annotators get 404 and staff 403", async () => {
    const [a, b, c] = ids(payload);
    const missing = await clients.annotator1.json(path, "PUT", { groups: [[a], [b], [c]] });
    expect(missing.status).toBe(400);
    expect((await missing.json()).issues.map((i: { field: string }) => i.field)).toEqual(["groups"]);
    const typo = await clients.annotator1.json(path, "PUT", { groups: ids(payload).map((id) => [id]), flags: [{ completionId: a, flag: "rude" }] });
    expect((await typo.json()).issues[0].field).toBe("flags.0.flag");
    const wrongAssignment = await clients.annotator1.json(path, "PUT", { groups: ids(payload).map((id) => [id]), assignmentId: payload.assignment.id + 1000 });
    expect((await wrongAssignment.json()).issues[0].field).toBe("assignmentId");
    const body = { groups: ids(payload).map((id) => [id]) };
    expect((await clients.annotator2.fetch(path)).status).toBe(404);
    expect((await clients.annotator2.json(path, "PUT", body)).status).toBe(404);
    expect((await clients.researcher.json(path, "PUT", body)).status).toBe(403);
    expect((await clients.admin.json(path, "PUT", body)).status).toBe(403);
    expect(app.db.select().from(rankings).where(eq(rankings.id, rankingId)).get()?.version).toBe(1); // nothing changed
  });

  it("PUT stores a new version: version + 1, the old one in the audit, flags and comparisons rewritten", async () => {
    const [a, b, c, d] = ids(payload);
    const res = await clients.annotator1.json(path, "PUT", {
      groups: [[b], [a], [c, d]],
      flags: [{ completionId: c, flag: "off_topic" }],
      comment: null,
      secondsSpent: 3,
    });
    expect(res.status).toBe(200);
    const { ranking } = await res.json();
    expect(ranking).toMatchObject({ id: rankingId, version: 2, groups: [[b], [a], [c, d]], flags: [{ completionId: c, flag: "off_topic" }], comment: null });
    expect(ranking.updatedAt).toBeGreaterThanOrEqual(ranking.createdAt);

    expect(app.db.select().from(rankings).where(eq(rankings.taskId, payload.task.id)).all()).toHaveLength(1);
    const audit = app.db.select().from(rankingRevisions).where(eq(rankingRevisions.rankingId, rankingId)).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      version: 1,
      groups: [[d, a], [c], [b]],
      flags: [{ completionId: b, flag: "factually_wrong" }],
      comment: "B is wrong",
      noneAcceptable: false,
    });
    expect(audit[0].supersededAt).toBe(ranking.updatedAt);
    expect(ranking.secondsSpent).toBeCloseTo((audit[0].secondsSpent ?? 0) + 3, 5); // seconds add up over versions
    expect(app.db.select().from(rankingFlags).where(eq(rankingFlags.rankingId, rankingId)).all()).toEqual([{ rankingId, completionId: c, flag: "off_topic" }]);
    const pairs = app.db
      .select({ chosen: comparisons.chosenId, rejected: comparisons.rejectedId })
      .from(comparisons)
      .where(eq(comparisons.rankingId, rankingId))
      .orderBy(asc(comparisons.id))
      .all();
    expect(pairs).toEqual([
      { chosen: b, rejected: a },
      { chosen: b, rejected: c },
      { chosen: b, rejected: d },
      { chosen: a, rejected: c },
      { chosen: a, rejected: d },
    ]);

    // Staff read the audit trail with the ranking; the annotator's GET shows the new version.
    const staff = await (await clients.researcher.fetch(`/api/rankings/${rankingId}`)).json();
    expect(staff.ranking).toMatchObject({ version: 2, groups: [[b], [a], [c, d]] });
    expect(staff.revisions).toEqual([expect.objectContaining({ version: 1, groups: [[d, a], [c], [b]] })]);
    expect((await clients.annotator2.fetch(`/api/rankings/${rankingId}`)).status).toBe(404);
    expect(((await (await clients.annotator1.fetch(path)).json()) as OwnRanking).ranking.version).toBe(2);
  });

  it("exports carry the current version only", async () => {
    const [a, b, c, d] = ids(payload);
    const text = (c: number) => payload.task.completions.find((x) => x.id === c)!.text;
    const rows = (await (await clients.admin.fetch(`/api/projects/${project.edits}/export?format=rankings`)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ranking_id: rankingId, groups: [[b], [a], [c, d]], flags: [{ completion_id: c, flag: "off_topic" }], comment: null });
    const trl = (await (await clients.researcher.fetch(`/api/projects/${project.edits}/export?format=trl`)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(trl.map((r) => [r.chosen, r.rejected]).sort()).toEqual(
      [
        [b, a],
        [b, c],
        [b, d],
        [a, c],
        [a, d],
      ]
        .map(([x, y]) => [text(x), text(y)])
        .sort(),
    );
  });

  it("stays editable while the task is full but inside the grace period, then answers 409", async () => {
    const other = await next(clients.annotator2, project.edits);
    expect(other.task.id).toBe(payload.task.id);
    expect((await clients.annotator2.json(path, "POST", { groups: ids(other).map((id) => [id]) })).status).toBe(201);
    // The task now has R = 2 rankings; annotator1 submitted moments ago, so may still fix a slip.
    const [a, b, c, d] = ids(payload);
    const within = await clients.annotator1.json(path, "PUT", { groups: [[a], [b], [c, d]] });
    expect(within.status).toBe(200);
    const v3 = (await within.json()).ranking;
    expect(v3.version).toBe(3);
    const v2 = app.db.select().from(rankingRevisions).where(eq(rankingRevisions.rankingId, rankingId)).all()[1];
    expect(v3.secondsSpent).toBe(v2.secondsSpent); // no seconds sent, none added

    // Eleven minutes later (the project's timeout is ten): final.
    app.db
      .update(rankings)
      .set({ createdAt: Date.now() - 660_000 })
      .where(eq(rankings.id, rankingId))
      .run();
    const own = (await (await clients.annotator1.fetch(path)).json()) as OwnRanking;
    expect(own.editable).toBe(false);
    expect(own.reason).toMatch(/all its 2 rankings, and the 10 minutes/);
    const late = await clients.annotator1.json(path, "PUT", { groups: [[d], [c], [b], [a]] });
    expect(late.status).toBe(409);
    expect((await late.json()).error).toMatch(/can no longer be edited/);
    expect(app.db.select().from(rankings).where(eq(rankings.id, rankingId)).get()).toMatchObject({ version: 3, groups: [[a], [b], [c, d]] });
    expect(
      app.db
        .select()
        .from(rankingRevisions)
        .where(eq(rankingRevisions.rankingId, rankingId))
        .all()
        .map((r) => r.version),
    ).toEqual([1, 2]);

    // The submissions page says so, and offers no edit link.
    const html = await (await clients.annotator1.fetch("/annotate/submissions")).text();
    expect(html).toContain(`data-ranking-id="${rankingId}"`);
    expect(html).toMatch(new RegExp(`data-task-id="${payload.task.id}" data-editable="false"`));
    expect(html).not.toContain(`?task=${payload.task.id}"`);
  });
});

describe("identical completions are tied on save", () => {
  it("POST and PUT store identical texts in one group, the better one's, and no comparison between them", async () => {
    const p = await next(clients.annotator3, project.twins);
    const byText = (t: string) => p.task.completions.find((c) => c.text === t)!.id;
    const [twin1, hello, twin2, away] = [byText("Hi there."), byText("Hello!"), byText("  Hi   there.\n"), byText("Go away.")];
    const path = `/api/tasks/${p.task.id}/ranking`;
    const res = await clients.annotator3.json(path, "POST", { groups: [[hello], [twin2], [away], [twin1]] });
    expect(res.status).toBe(201);
    const { ranking } = await res.json();
    expect(ranking.groups).toEqual([[hello], [twin2, twin1], [away]]);
    const between = (rows: { chosenId: number; rejectedId: number }[]) =>
      rows.filter((r) => [twin1, twin2].includes(r.chosenId) && [twin1, twin2].includes(r.rejectedId));
    const stored = () => app.db.select().from(comparisons).where(eq(comparisons.rankingId, ranking.id)).all();
    expect(stored()).toHaveLength(5); // hello > twin×2, hello > away, twin×2 > away
    expect(between(stored())).toEqual([]);

    const edit = await clients.annotator3.json(path, "PUT", { groups: [[twin1], [away], [hello], [twin2]] });
    expect(edit.status).toBe(200);
    expect((await edit.json()).ranking).toMatchObject({ version: 2, groups: [[twin1, twin2], [away], [hello]] });
    expect(between(stored())).toEqual([]);
    expect(stored()).toHaveLength(5);
  });
});
