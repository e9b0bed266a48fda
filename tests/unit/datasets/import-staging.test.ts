// The staged import's switch-in writes exactly the rows insertTask and insertRanking write, at
// the ids they would get, also after other rows were written and deleted (AUTOINCREMENT never
// reuses an id), and leaves no staging table behind.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { importFile } from "@/lib/datasets/import";
import { ensureImportedAnnotator } from "@/lib/datasets/imported-annotator";
import { ImportStaging } from "@/lib/datasets/import-staging";
import type { ImportRecord } from "@/lib/datasets/record";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const records: ImportRecord[] = [
  {
    messages: [
      { role: "system", content: "S" },
      { role: "user", content: "Q ü 😀" },
    ],
    completions: [{ text: "a", model: "m", metadata: { k: 1 } }, { text: "b" }, { text: "c", model: null }],
    externalId: "ext-1",
    promptMetadata: { source: "test" },
    ranking: [[2], [0, 1]],
  },
  { messages: [{ role: "user", content: "Q2" }], completions: [{ text: "x" }, { text: "y" }] },
  { messages: [{ role: "user", content: "Q3" }], completions: [{ text: "p" }, { text: "q" }, { text: "r" }, { text: "s" }], ranking: [[3], [1], [0, 2]] },
];

function dump(db: Connection): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const table of ["prompts", "tasks", "completions", "rankings", "comparisons", "ranking_flags"]) {
    out[table] = db.$client
      .prepare(`select * from ${table} order by rowid`)
      .all()
      .map((row) => {
        const { created_at: _createdAt, ...rest } = row as Record<string, unknown>;
        return rest;
      });
  }
  return out;
}

/** A project, and ids already handed out: a task with a ranking written and then deleted. */
function prepare(db: Connection): number {
  const project = createProject(db, { name: "P" }).id;
  const user = ensureImportedAnnotator(db);
  const gone = insertTask(db, project, records[0]);
  insertRanking(db, { taskId: gone.taskId, userId: user, groups: [gone.completionIds], source: "imported" });
  insertTask(db, project, records[1]);
  db.$client.prepare("delete from prompts where id = ?").run(gone.promptId);
  return project;
}

describe("ImportStaging", () => {
  it("switches in exactly the rows insertTask and insertRanking write", () => {
    const viaLib = tempDb();
    const viaStaging = tempDb();
    try {
      const libProject = prepare(viaLib.db);
      for (const record of records) {
        const created = insertTask(viaLib.db, libProject, record);
        if (record.ranking) {
          insertRanking(viaLib.db, {
            taskId: created.taskId,
            userId: ensureImportedAnnotator(viaLib.db),
            groups: record.ranking.map((g) => g.map((i) => created.completionIds[i])),
            source: "imported",
          });
        }
      }
      const project = prepare(viaStaging.db);
      const staging = new ImportStaging(viaStaging.db.$client, "t1");
      staging.create();
      staging.stage(records.slice(0, 2));
      staging.stage(records.slice(2));
      expect(dump(viaStaging.db).tasks).toHaveLength(1);
      const counts = viaStaging.db.transaction((tx) => staging.switchIn(project, ensureImportedAnnotator(tx)), { behavior: "immediate" });
      expect(counts).toEqual({ tasks: 3, rankings: 2 });
      staging.drop();
      const written = dump(viaStaging.db);
      expect(written.comparisons).toHaveLength(2 + 5);
      expect(written).toEqual(dump(viaLib.db));
      const tables = viaStaging.db.$client.prepare("select name from sqlite_master where name like 'import_staging_%'").pluck().all();
      expect(tables).toEqual([]);
      expect(ImportStaging.namesIn(viaStaging.db.$client)).toEqual([]);
    } finally {
      viaLib.cleanup();
      viaStaging.cleanup();
    }
  });

  it("a chunked switch-in writes the same rows, at ids reserved up front, whatever another writer adds between its steps", () => {
    const atOnce = tempDb();
    const chunked = tempDb();
    try {
      const many = Array.from({ length: 12 }, (_, i) => records[i % records.length]);
      for (const { db } of [atOnce, chunked]) {
        const project = prepare(db);
        const staging = new ImportStaging(db.$client, "t2");
        staging.create();
        staging.stage(many);
        if (db === atOnce.db) {
          db.transaction((tx) => staging.switchIn(project, ensureImportedAnnotator(tx)), { behavior: "immediate" });
        } else {
          const state = db.transaction((tx) => staging.beginSwitchIn(project, ensureImportedAnnotator(tx)), { behavior: "immediate" });
          let left = Infinity;
          while (left > 0) {
            left = db.transaction(() => staging.switchInRecords(state, 5), { behavior: "immediate" });
            // A request's task, written between two steps, gets an id after every reserved one.
            if (left > 0) insertTask(db, project, { messages: [{ role: "user", content: `between ${left}` }], completions: [{ text: "z" }] });
          }
        }
        staging.drop();
      }
      const a = dump(atOnce.db);
      const b = dump(chunked.db);
      const between = (b.prompts as { messages: string }[]).filter((p) => p.messages.includes("between"));
      expect(between).toHaveLength(2);
      const imported = (rows: unknown[]) => rows.filter((row) => !JSON.stringify(row).includes("between"));
      expect(imported(b.prompts)).toEqual(a.prompts);
      expect(b.tasks.slice(0, a.tasks.length)).toEqual(a.tasks);
      expect(b.rankings).toEqual(a.rankings);
      // comparisons' own ids are not reserved; everything else about them is the same
      const strip = (rows: unknown[]) => rows.map((row) => ({ ...(row as object), id: undefined }));
      expect(strip(b.comparisons)).toEqual(strip(a.comparisons));
      const firstBetween = (b.tasks as { id: number }[])[a.tasks.length].id;
      expect(firstBetween).toBeGreaterThan(Math.max(...(a.tasks as { id: number }[]).map((t) => t.id)));
    } finally {
      atOnce.cleanup();
      chunked.cleanup();
    }
  });

  it("a chunked import that dies midway is finished by a rerun from its staging, without the file, and counted once", () => {
    const t = tempDb();
    try {
      const project = prepare(t.db);
      const before = dump(t.db).tasks.length;
      const file = join(t.dir, "in.jsonl");
      const lines = Array.from({ length: 9000 }, (_, i) => JSON.stringify({ prompt: `p${i}`, chosen: `good ${i}`, rejected: `bad ${i}` }));
      writeFileSync(file, lines.join("\n") + "\n");
      let steps = 0;
      const crash = new Error("the process died");
      expect(() =>
        importFile(
          t.db,
          file,
          "trl",
          { projectId: project },
          {
            stagingName: "rerun",
            chunkedSwitchIn: true,
            onSwitchInStep: () => {
              steps += 1;
              throw crash;
            },
          },
        ),
      ).toThrow(crash);
      expect(steps).toBe(1);
      const partly = dump(t.db).tasks.length - before;
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThan(9000);
      rmSync(file);
      let recorded = 0;
      const report = importFile(t.db, file, "trl", { projectId: project }, { stagingName: "rerun", chunkedSwitchIn: true, inSwitchIn: () => (recorded += 1) });
      expect(report.imported).toEqual({ tasks: 9000, rankings: 9000 });
      expect(recorded).toBe(1);
      const after = dump(t.db);
      expect(after.tasks.length - before).toBe(9000);
      expect(new Set((after.prompts as { messages: string }[]).map((p) => p.messages)).size).toBe(after.prompts.length);
      expect(after.comparisons.length).toBeGreaterThanOrEqual(9000);
      const tables = t.db.$client.prepare("select name from sqlite_master where name like 'import_staging_%'").pluck().all();
      expect(tables).toEqual([]);
      expect(ImportStaging.namesIn(t.db.$client)).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it("switches in with the foreign-key checks off and turns them back on, also when a step fails", () => {
    const t = tempDb();
    try {
      const project = prepare(t.db);
      const sqlite = t.db.$client;
      const staging = new ImportStaging(sqlite, "t4");
      staging.create();
      staging.stage(records);
      const seen: unknown[] = [];
      staging.withoutForeignKeyChecks(() => {
        seen.push(sqlite.pragma("foreign_keys", { simple: true }));
        t.db.transaction((tx) => staging.switchIn(project, ensureImportedAnnotator(tx)), { behavior: "immediate" });
      });
      expect(seen).toEqual([0]);
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      expect(sqlite.pragma("foreign_key_check")).toEqual([]);
      expect(() =>
        staging.withoutForeignKeyChecks(() => {
          throw new Error("step failed");
        }),
      ).toThrow("step failed");
      expect(sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
      // Inside a transaction the pragma could not change: the checks stay on.
      sqlite.transaction(() => staging.withoutForeignKeyChecks(() => seen.push(sqlite.pragma("foreign_keys", { simple: true }))))();
      expect(seen).toEqual([0, 1]);
      staging.drop();
    } finally {
      t.cleanup();
    }
  });

  it("a chunked switch-in whose project is deleted between steps fails naming it, writing nothing after", () => {
    const t = tempDb();
    try {
      const project = prepare(t.db);
      const staging = new ImportStaging(t.db.$client, "t5");
      staging.create();
      staging.stage(Array.from({ length: 12 }, (_, i) => records[i % records.length]));
      const state = t.db.transaction((tx) => staging.beginSwitchIn(project, ensureImportedAnnotator(tx)), { behavior: "immediate" });
      const step = () => staging.withoutForeignKeyChecks(() => t.db.transaction(() => staging.switchInRecords(state, 5), { behavior: "immediate" }));
      expect(step()).toBe(7);
      t.db.$client.prepare("DELETE FROM projects WHERE id = ?").run(project);
      const before = dump(t.db);
      expect(before.tasks).toEqual([]);
      expect(step).toThrow(`project ${project} no longer exists`);
      expect(dump(t.db)).toEqual(before);
      expect(t.db.$client.pragma("foreign_key_check")).toEqual([]);
      staging.drop();
    } finally {
      t.cleanup();
    }
  });
});
