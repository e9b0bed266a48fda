import { describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { BulkTaskWriter } from "@/lib/datasets/bulk-insert";
import type { ImportRecord } from "@/lib/datasets/record";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const records: ImportRecord[] = [
  {
    messages: [
      { role: "system", content: "S" },
      { role: "user", content: "Q" },
    ],
    completions: [{ text: "a", model: "m", metadata: { k: 1 } }, { text: "b" }, { text: "c", model: null }],
    externalId: "ext-1",
    promptMetadata: { source: "test" },
    ranking: [[2], [0, 1]],
  },
  { messages: [{ role: "user", content: "Q2" }], completions: [{ text: "x" }, { text: "y" }] },
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

describe("BulkTaskWriter", () => {
  it("writes exactly the rows insertTask and insertRanking write", () => {
    const viaLib = tempDb();
    const viaBulk = tempDb();
    try {
      for (const { db } of [viaLib, viaBulk]) db.$client.prepare("insert into users (email, name, role) values ('i@x', 'I', 'annotator')").run();
      const libProject = createProject(viaLib.db, { name: "P" }).id;
      for (const record of records) {
        const created = insertTask(viaLib.db, libProject, record);
        if (record.ranking) {
          insertRanking(viaLib.db, {
            taskId: created.taskId,
            userId: 1,
            groups: record.ranking.map((g) => g.map((i) => created.completionIds[i])),
            source: "imported",
          });
        }
      }
      const bulkProject = createProject(viaBulk.db, { name: "P" }).id;
      viaBulk.db.transaction((tx) => {
        const writer = new BulkTaskWriter(tx, bulkProject);
        for (const record of records) writer.write(record, 1);
      });
      const written = dump(viaBulk.db);
      expect(written.comparisons).toHaveLength(2);
      expect(written).toEqual(dump(viaLib.db));
    } finally {
      viaLib.cleanup();
      viaBulk.cleanup();
    }
  });

  it("refuses a ranked record without a ranking owner", () => {
    const t = tempDb();
    try {
      const project = createProject(t.db, { name: "P" }).id;
      expect(() => new BulkTaskWriter(t.db, project).write(records[0])).toThrow(/needs the user/);
    } finally {
      t.cleanup();
    }
  });
});
