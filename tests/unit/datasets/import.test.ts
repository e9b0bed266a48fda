import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { comparisons, completions, prompts, rankings, tasks, users } from "@/db/schema";
import { importFile, importStream, MAX_REPORTED_ERRORS } from "@/lib/datasets/import";
import { IMPORTED_ANNOTATOR_EMAIL } from "@/lib/datasets/imported-annotator";
import { createProject, getProjectByName } from "@/lib/projects";
import { tempDb } from "../../helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
beforeEach(() => {
  temp = tempDb();
  db = temp.db;
});
afterEach(() => temp.cleanup());

function file(name: string, content: string | Uint8Array): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}
const good = JSON.stringify({ prompt: "ok", completions: ["a", "b"] });
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** Row counts of every table: the whole database's visible state. */
function tableCounts(): Record<string, number> {
  const names = db.$client.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((n) => [n, db.$client.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
}

describe("importFile", () => {
  it("imports palate lines into a project it creates, skipping blank lines", () => {
    const path = file(
      "p.jsonl",
      jsonl([{ prompt: "A?", completions: ["a1", "a2", "a3"] }]) +
        "\n  \n" +
        jsonl([{ messages: [{ role: "user", content: "B?" }], completions: ["b1", { text: "b2", model: "m" }] }]),
    );
    const report = importFile(db, path, "palate", { projectName: "New project" });
    expect(report).toMatchObject({ imported: { tasks: 2, rankings: 0 }, errors: [], invalidLines: 0 });
    const project = getProjectByName(db, "New project");
    expect(project).toBeDefined();
    expect(report.projectId).toBe(project?.id);
    expect(db.select().from(tasks).all()).toHaveLength(2);
    expect(db.select({ text: completions.text, model: completions.model, position: completions.position }).from(completions).all()).toEqual([
      { text: "a1", model: null, position: 0 },
      { text: "a2", model: null, position: 1 },
      { text: "a3", model: null, position: 2 },
      { text: "b1", model: null, position: 0 },
      { text: "b2", model: "m", position: 1 },
    ]);
    expect(db.select().from(rankings).all()).toEqual([]);
  });

  it("imports trl rows with a ranking by the disabled, password-less imported annotator", () => {
    const path = file(
      "t.jsonl",
      jsonl([
        { prompt: "Sky?", chosen: "blue", rejected: "green" },
        { prompt: "Grass?", chosen: "green", rejected: "blue" },
      ]),
    );
    const project = createProject(db, { name: "P" });
    const report = importFile(db, path, "trl", { projectId: project.id });
    expect(report.imported).toEqual({ tasks: 2, rankings: 2 });
    const annotator = db.select().from(users).where(eq(users.email, IMPORTED_ANNOTATOR_EMAIL)).get();
    expect(annotator).toMatchObject({ role: "annotator", disabled: true, passwordHash: null });
    const all = db.select().from(rankings).all();
    expect(all.map((r) => ({ userId: r.userId, source: r.source }))).toEqual([
      { userId: annotator?.id, source: "imported" },
      { userId: annotator?.id, source: "imported" },
    ]);
    // chosen (position 0) beats rejected (position 1), and the comparison is stored.
    const firstTask = db.select({ id: completions.id, text: completions.text }).from(completions).all().slice(0, 2);
    expect(all[0].groups).toEqual([[firstTask[0].id], [firstTask[1].id]]);
    expect(db.select({ chosenId: comparisons.chosenId, rejectedId: comparisons.rejectedId }).from(comparisons).all()[0]).toEqual({
      chosenId: firstTask[0].id,
      rejectedId: firstTask[1].id,
    });
    // A second import reuses the account.
    importFile(db, path, "trl", { projectId: project.id });
    expect(db.select().from(users).where(eq(users.email, IMPORTED_ANNOTATOR_EMAIL)).all()).toHaveLength(1);
  });

  const malformed: [string, string | Uint8Array, RegExp][] = [
    ["bad JSON", `${good}\n{"prompt": "x", completions: []}\n`, /^bad JSON/],
    ["a missing field", `${good}\n${JSON.stringify({ prompt: "x" })}\n`, /^completions: missing field/],
    ["a wrong type", `${good}\n${JSON.stringify({ prompt: ["x"], completions: ["a", "b"] })}\n`, /^prompt: expected string, got array/],
    ["fewer than 2 completions", `${good}\n${JSON.stringify({ prompt: "x", completions: ["a"] })}\n`, /^completions: expected at least 2 completions/],
    [
      "invalid UTF-8",
      new Uint8Array([...new TextEncoder().encode(`${good}\n{"prompt": "`), 0xc3, 0x28, ...new TextEncoder().encode(`", "completions": ["a", "b"]}\n`)]),
      /^invalid UTF-8$/,
    ],
  ];
  for (const [what, content, message] of malformed) {
    it(`imports nothing from a file with ${what}, names line 2, and leaves every table unchanged`, () => {
      createProject(db, { name: "Existing" });
      const before = tableCounts();
      for (const project of [{ projectName: "Existing" }, { projectName: "Not yet created" }]) {
        const report = importFile(db, file("bad.jsonl", content), "palate", project);
        expect(report.imported).toEqual({ tasks: 0, rankings: 0 });
        expect(report.invalidLines).toBe(1);
        expect(report.errors).toHaveLength(1);
        expect(report.errors[0].line).toBe(2);
        expect(report.errors[0].message).toMatch(message);
        expect(tableCounts()).toEqual(before);
      }
    });
  }

  it("reports the first errors up to the cap and counts them all", () => {
    const lines = Array.from({ length: 250 }, (_, i) => (i % 2 === 0 ? good : "nope"));
    const report = importFile(db, file("many.jsonl", lines.join("\n")), "palate", { projectName: "P" });
    expect(report.invalidLines).toBe(125);
    expect(report.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(report.errors.slice(0, 3).map((e) => e.line)).toEqual([2, 4, 6]);
  });

  it("rolls back everything, the new project included, when a write fails midway", () => {
    const before = tableCounts();
    db.$client.exec(
      "create temp trigger fail_midway before insert on tasks when (select count(*) from tasks) >= 5 begin select raise(abort, 'disk on fire'); end",
    );
    const rows = Array.from({ length: 10 }, (_, i) => ({ prompt: `q${i}`, chosen: "a", rejected: "b" }));
    expect(() => importFile(db, file("t.jsonl", jsonl(rows)), "trl", { projectName: "Doomed" })).toThrow(/disk on fire/);
    expect(tableCounts()).toEqual(before);
    expect(getProjectByName(db, "Doomed")).toBeUndefined();
  });

  it("lands every row of a 20,000-line file", () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ prompt: `q${i}`, chosen: `good ${i}`, rejected: `bad ${i}` }));
    const report = importFile(db, file("big.jsonl", rows.join("\n")), "trl", { projectName: "Big" });
    expect(report.imported).toEqual({ tasks: 20_000, rankings: 20_000 });
    const counts = tableCounts();
    expect(counts).toMatchObject({ prompts: 20_000, tasks: 20_000, completions: 40_000, rankings: 20_000, comparisons: 20_000 });
    const last = db.select({ messages: prompts.messages }).from(prompts).where(eq(prompts.id, 20_000)).get();
    expect(last?.messages).toEqual([{ role: "user", content: "q19999" }]);
  });
});

describe("importStream", () => {
  it("imports a body streamed in small chunks exactly like the file", async () => {
    const text = jsonl(Array.from({ length: 50 }, (_, i) => ({ prompt: `ü${i}`, completions: [`a${i}`, `b${i}`] })));
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
    }
    const project = createProject(db, { name: "S" });
    const report = await importStream(db, chunks(), "palate", { projectId: project.id }, { tempDir: temp.dir });
    expect(report.imported).toEqual({ tasks: 50, rankings: 0 });
    expect(
      db
        .select({ messages: prompts.messages })
        .from(prompts)
        .all()
        .map((p) => p.messages[0].content),
    ).toEqual(Array.from({ length: 50 }, (_, i) => `ü${i}`));
  });

  it("reports bad lines of a stream and writes nothing", async () => {
    const before = tableCounts();
    const body = new Blob([`${good}\n{"prompt": 1}\n`]).stream();
    const report = await importStream(db, body, "palate", { projectName: "S2" }, { tempDir: temp.dir });
    expect(report).toMatchObject({ imported: { tasks: 0, rankings: 0 }, invalidLines: 1, errors: [{ line: 2 }] });
    expect(tableCounts()).toEqual(before);
  });
});
