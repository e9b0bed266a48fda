// What an import leaves when it stops midway goes again: a cancel between switch-in steps deletes
// the rows already switched in, and the worker's sweep clears the staging of imports whose process
// or job is gone (deleting a half-done switch-in's rows), leaving live ones alone.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Connection } from "@/db/client";
import { importFile } from "@/lib/datasets/import";
import { ImportStaging } from "@/lib/datasets/import-staging";
import { stagingIsLive, sweepImportStaging } from "@/lib/datasets/import-sweep";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";

const count = (db: Connection, table: string) => db.$client.prepare(`select count(*) from ${table}`).pluck().get() as number;
/** Staging tables in the database, and staging names with a scratch file beside it. */
const stagingTables = (db: Connection) => [
  ...(db.$client.prepare("select name from sqlite_master where name like 'import_staging_%'").pluck().all() as string[]),
  ...ImportStaging.namesIn(db.$client),
];

function trlFile(dir: string, n: number): string {
  const file = join(dir, `in-${n}.jsonl`);
  writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `p${i}`, chosen: `good ${i}`, rejected: `bad ${i}` }) + "\n").join(""));
  return file;
}

describe("an import stopped midway", () => {
  it("cancelled between switch-in steps, deletes what it had written and its staging", () => {
    const t = tempDb();
    try {
      const project = createProject(t.db, { name: "P" }).id;
      insertTask(t.db, project, { messages: [{ role: "user", content: "kept" }], completions: [{ text: "a" }, { text: "b" }] });
      const cancelled = new Error("cancelled");
      let sawRows = false;
      expect(() =>
        importFile(
          t.db,
          trlFile(t.dir, 12_000),
          "trl",
          { projectId: project },
          {
            stagingName: "c1",
            chunkedSwitchIn: true,
            betweenBatches: () => {
              if (count(t.db, "tasks") > 1) {
                sawRows = true;
                throw cancelled;
              }
            },
          },
        ),
      ).toThrow(cancelled);
      expect(sawRows).toBe(true);
      for (const [table, n] of Object.entries({ prompts: 1, tasks: 1, completions: 2, rankings: 0, comparisons: 0 })) expect(count(t.db, table)).toBe(n);
      expect(stagingTables(t.db)).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  it("the sweep rolls back a switch-in whose job is gone, drops a dead process's staging, keeps live ones", () => {
    const t = tempDb();
    try {
      const project = createProject(t.db, { name: "P" }).id;
      // a job's import that died after its first switch-in step
      expect(() =>
        importFile(
          t.db,
          trlFile(t.dir, 9000),
          "trl",
          { projectId: project },
          {
            stagingName: "job_41",
            chunkedSwitchIn: true,
            onSwitchInStep: () => {
              throw new Error("killed");
            },
          },
        ),
      ).toThrow("killed");
      expect(count(t.db, "tasks")).toBeGreaterThan(0);
      const dead = new ImportStaging(t.db.$client, "999999999_abcd");
      dead.create();
      const mine = new ImportStaging(t.db.$client, `${process.pid}_abcd`);
      mine.create();
      const queued = new ImportStaging(t.db.$client, "job_42");
      queued.create();
      const status = (id: number) => (id === 42 ? "queued" : id === 41 ? "cancelled" : undefined);
      expect(ImportStaging.namesIn(t.db.$client).sort()).toEqual([`${process.pid}_abcd`, "999999999_abcd", "job_41", "job_42"].sort());

      const swept = sweepImportStaging(t.db.$client, (name) => stagingIsLive(name, status));
      expect(swept.dropped.sort()).toEqual(["999999999_abcd", "job_41"]);
      expect(swept.rolledBack).toEqual(["job_41"]);
      for (const table of ["prompts", "tasks", "completions", "rankings", "comparisons"]) expect(count(t.db, table)).toBe(0);
      expect(ImportStaging.namesIn(t.db.$client).sort()).toEqual([`${process.pid}_abcd`, "job_42"].sort());
    } finally {
      t.cleanup();
    }
  });

  it("rejected after batches were staged, gives the reserved completion ids back: sqlite_sequence is as it was", () => {
    const t = tempDb();
    try {
      const project = createProject(t.db, { name: "P" }).id;
      const sequence = () => t.db.$client.prepare("select name, seq from sqlite_sequence order by name").all();
      for (const existing of [false, true]) {
        // first on a database with no completion yet (no counter row), then with one
        if (existing) insertTask(t.db, project, { messages: [{ role: "user", content: "kept" }], completions: [{ text: "a" }, { text: "b" }] });
        const before = sequence();
        const file = trlFile(t.dir, 5000);
        writeFileSync(file, readFileSync(file, "utf8") + "{broken\n");
        const report = importFile(t.db, file, "trl", { projectId: project }, { stagingName: `bad_${existing}` });
        expect(report.invalidLines).toBe(1);
        expect(report.errors[0].line).toBe(5001);
        expect(sequence()).toEqual(before);
        expect(stagingTables(t.db)).toEqual([]);
      }
    } finally {
      t.cleanup();
    }
  });
});
