// The sft format's writer and import on a real SQLite file: a prompt's reference answer
// (metadata.reference) is written on its rows as `"metadata": {"reference": …}` — in exports and
// in snapshots, so `palate sft --snapshot` has the references its exact-answer check needs — and
// import(export(x)) gives the same rows back. The import's hooks for its job: a cancel between
// batches writes nothing, and the transaction hook sees what was written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { demonstrations, users } from "@/db/schema";
import { sftRow } from "@/lib/datasets/sft-format";
import { importSftFile } from "@/lib/datasets/sft-import";
import { sftJson } from "@/lib/datasets/sft-writer";
import { createSnapshot } from "@/lib/datasets/snapshot";
import { createProject, getProjectByName } from "@/lib/projects";
import { snapshotDemonstrations } from "@/lib/sft/training-set";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

let temp: ReturnType<typeof tempDb>;
let db: Connection;
let dir: string;

beforeEach(() => {
  temp = tempDb();
  db = temp.db;
  dir = mkdtempSync(join(tmpdir(), "palate-sft-"));
});
afterEach(() => {
  temp.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const user = (content: string) => ({ role: "user" as const, content });
const row = (q: string, a: string, metadata?: Record<string, unknown>) =>
  JSON.stringify({ messages: [user(q), { role: "assistant", content: a }], ...(metadata && { metadata }) });
const rowCount = (table: string) => db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => l + "\n").join(""));
  return path;
}

describe("sftRow", () => {
  it("adds metadata.reference only when there is a reference", () => {
    expect(sftRow([user("7 + 5?")], "12.")).toEqual({ messages: [user("7 + 5?"), { role: "assistant", content: "12." }] });
    expect(sftRow([user("7 + 5?")], "12.", null)).not.toHaveProperty("metadata");
    expect(JSON.stringify(sftRow([user("7 + 5?")], "12.", "12"))).toBe(
      '{"messages":[{"role":"user","content":"7 + 5?"},{"role":"assistant","content":"12."}],"metadata":{"reference":"12"}}',
    );
  });
});

describe("the sft export and import", () => {
  it("writes a prompt's reference answer on its row (nothing else of its metadata), and rows without one carry no metadata", () => {
    const project = createProject(db, { name: "Demos", mode: "demonstration" });
    const annotator = db.insert(users).values({ email: "a@x", name: "A", role: "annotator", passwordHash: "x" }).returning().get().id;
    const withReference = insertTask(db, project.id, { messages: [user("7 + 5?")], completions: [], promptMetadata: { reference: "12", source: "gsm8k" } });
    const numeric = insertTask(db, project.id, { messages: [user("2 + 2?")], completions: [], promptMetadata: { reference: 4 } });
    const without = insertTask(db, project.id, { messages: [user("Say hi.")], completions: [], promptMetadata: { source: "typed" } });
    for (const [task, text] of [
      [withReference, "**12**"],
      [numeric, "4"],
      [without, "Hi!"],
    ] as const)
      db.insert(demonstrations).values({ taskId: task.taskId, userId: annotator, text, status: "submitted", submittedAt: 1 }).run();

    expect([...sftJson(db, project.id)]).toEqual([row("7 + 5?", "**12**", { reference: "12" }), row("2 + 2?", "4", { reference: "4" }), row("Say hi.", "Hi!")]);
  });

  it("round-trips: import(export(x)) has the same prompts, answers and references, and exports to the same bytes", () => {
    const lines = [
      row("What is 7 + 5?", "7 + 5 = **12**.", { reference: "12" }),
      row("Greet me.", "Hello!"),
      JSON.stringify({
        messages: [{ role: "system", content: "Be brief." }, user("3 * 3?"), { role: "assistant", content: "9" }],
        metadata: { reference: "9" },
      }),
    ];
    const first = importSftFile(db, file("in.jsonl", lines), { projectName: "First" });
    expect(first).toMatchObject({ imported: { prompts: 3, tasks: 3, rankings: 0, demonstrations: 3 }, invalidLines: 0 });
    const exported = [...sftJson(db, first.projectId!)];
    expect(exported).toEqual(lines);
    const prompts = db.$client.prepare("select metadata from prompts where project_id = ? order by id").pluck().all(first.projectId) as (string | null)[];
    expect(prompts.map((m) => (m === null ? null : JSON.parse(m)))).toEqual([{ reference: "12" }, null, { reference: "9" }]);

    const second = importSftFile(db, file("again.jsonl", exported), { projectName: "Second" });
    expect([...sftJson(db, second.projectId!)]).toEqual(exported);
  });

  it("a snapshot's sft rows carry the references, and palate sft --snapshot reads them", () => {
    const lines = Array.from({ length: 10 }, (_, i) => row(`What is ${i} + ${i}?`, `${2 * i}`, i % 2 === 0 ? { reference: String(2 * i) } : undefined));
    const { projectId } = importSftFile(db, file("in.jsonl", lines), { projectName: "Snap" });
    const project = getProjectByName(db, "Snap")!;
    expect(project.id).toBe(projectId);
    const { dir: snapshot, manifest } = createSnapshot(db, project, { name: "v1", testShare: 0.3 }, join(dir, "data"));
    const written = manifest.files.flatMap((f) => readFileSync(join(snapshot, f.path), "utf8").split("\n").filter(Boolean));
    expect(written.sort()).toEqual([...lines].sort());
    const data = snapshotDemonstrations(snapshot);
    expect(data.examples).toHaveLength(10);
    for (const e of data.examples) {
      const i = Number(/What is (\d+)/.exec(e.prompt[0].content)![1]);
      expect(e.reference).toBe(i % 2 === 0 ? String(2 * i) : null);
    }
  });
});

describe("importSftFile's hooks for the import job", () => {
  it("stops at a cancel between batches with nothing written, and calls inTransaction with what it wrote", () => {
    const lines = Array.from({ length: 1200 }, (_, i) => row(`Question ${i}?`, `Answer ${i}.`));
    const path = file("big.jsonl", lines);
    const project = createProject(db, { name: "Target", mode: "demonstration" });
    let calls = 0;
    expect(() =>
      importSftFile(
        db,
        path,
        { projectId: project.id },
        {
          betweenBatches: () => {
            if (++calls === 2) throw new Error("cancelled");
          },
        },
      ),
    ).toThrow("cancelled");
    expect(rowCount("prompts") + rowCount("tasks") + rowCount("demonstrations")).toBe(0);

    const seen: unknown[] = [];
    const report = importSftFile(db, path, { projectId: project.id }, { inTransaction: (_tx, imported) => seen.push(imported) });
    expect(report.imported).toEqual({ prompts: 1200, tasks: 1200, rankings: 0, demonstrations: 1200 });
    expect(seen).toEqual([{ prompts: 1200, tasks: 1200, rankings: 0, demonstrations: 1200, projectId: project.id }]);
    expect(rowCount("demonstrations")).toBe(1200);
  });
});
