// `palate export --out FILE` writes its 1 MiB chunks with one write in flight while the next is
// built, through two buffers in turn: an export of several MiB (so both buffers are filled again,
// and some lines hold multi-byte characters) is byte for byte the export's lines, in every pair
// format, and the count it reports is the file's.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { exportLines, type ExportFormat } from "@/lib/datasets/export";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../helpers/app";
import { palateInProcess } from "../helpers/cli";

let temp: ReturnType<typeof tempDb>;
let out: string;
let project: number;

beforeAll(() => {
  temp = tempDb();
  out = mkdtempSync(join(tmpdir(), "palate-export-file-"));
  const annotator = temp.db.insert(users).values({ email: "a@x", name: "a", role: "annotator" }).returning().get().id;
  project = createProject(temp.db, { name: "big" }).id;
  const filler = 'Long answer with "quotes", a\nnewline and ünïcödé 😀. '.repeat(12);
  temp.db.transaction((tx) => {
    for (let t = 0; t < 800; t++) {
      const task = insertTask(tx, project, {
        messages: [{ role: "user", content: `Question ${t}: ${filler.slice(0, 200)}` }],
        completions: [0, 1, 2].map((i) => ({ text: `${i} ${t} ${filler}` })),
      });
      const [a, b, c] = task.completionIds;
      insertRanking(tx, { taskId: task.taskId, userId: annotator, groups: [[a], [b], [c]] });
    }
  });
});
afterAll(() => {
  temp.cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe("palate export --out", () => {
  it("writes a file of several chunks that is byte for byte the export's lines", async () => {
    for (const format of ["trl", "openrlhf"] as ExportFormat[]) {
      const file = join(out, `${format}.jsonl`);
      const run = await palateInProcess(temp.path, ["export", "--project", "big", "--format", format, "--out", file]);
      expect(run.status, run.stderr).toBe(0);
      const expected = Buffer.from([...exportLines(temp.db, project, { format })].join(""), "utf8");
      expect(expected.length).toBeGreaterThan(3 << 20);
      const written = readFileSync(file);
      expect(written.length).toBe(expected.length);
      expect(written.equals(expected)).toBe(true);
      expect(run.stderr).toContain(`Wrote ${2400} rows to ${file}.`);
    }
  });
});
