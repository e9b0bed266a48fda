// The staged import's switch-in writes exactly the rows insertTask and insertRanking write, at
// the ids they would get, also after other rows were written and deleted (AUTOINCREMENT never
// reuses an id), and leaves no staging table behind.
import { describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
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
    } finally {
      viaLib.cleanup();
      viaStaging.cleanup();
    }
  });
});
