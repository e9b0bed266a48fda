// A pair file's margin survives an import: trl and openrlhf rows with `margin` become rankings
// with that strength (the staging carries it through the switch-in, in one go or by steps), and
// the export writes it back as `margin`; rows without one export 0 once any row has one.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportRows } from "@/lib/datasets/export";
import { importFile } from "@/lib/datasets/import";
import { createProject } from "@/lib/projects";
import { tempDb } from "../../helpers/app";

describe("margins through an import", () => {
  for (const chunkedSwitchIn of [false, true]) {
    it(`trl and openrlhf margins become strengths and export back (${chunkedSwitchIn ? "by steps" : "one transaction"})`, () => {
      const t = tempDb();
      try {
        const project = createProject(t.db, { name: "P" }).id;
        const trl = join(t.dir, "pairs.jsonl");
        writeFileSync(
          trl,
          [
            { prompt: "q1", chosen: "a1", rejected: "b1", margin: 2 },
            { prompt: "q2", chosen: "a2", rejected: "b2", margin: 1 },
            { prompt: "q3", chosen: "a3", rejected: "b3" },
          ]
            .map((r) => JSON.stringify(r))
            .join("\n") + "\n",
        );
        const openrlhf = join(t.dir, "openrlhf.jsonl");
        writeFileSync(openrlhf, JSON.stringify({ prompt: "q4", chosen: "a4", rejected: "b4", margin: 1.5 }) + "\n");
        expect(importFile(t.db, trl, "trl", { projectId: project }, { stagingName: "m1", chunkedSwitchIn }).imported).toEqual({ tasks: 3, rankings: 3 });
        expect(importFile(t.db, openrlhf, "openrlhf", { projectId: project }, { stagingName: "m2", chunkedSwitchIn }).imported).toEqual({
          tasks: 1,
          rankings: 1,
        });
        const stored = t.db.$client.prepare("select strength from rankings order by id").pluck().all();
        expect(stored).toEqual([2, 1, null, 1.5]);
        const rows = [...exportRows(t.db, project, { format: "trl" })] as { prompt: string; margin?: number }[];
        expect(rows.map((r) => [r.prompt, r.margin])).toEqual([
          ["q1", 2],
          ["q2", 1],
          ["q3", 0],
          ["q4", 1.5],
        ]);
      } finally {
        t.cleanup();
      }
    });
  }
});
