// `palate snapshot` through the real CLI (a child process): synchronous in its own process, it
// prints a progress line per format written on stderr (not a terminal here), then the JSON line,
// with the hash of a snapshot of the same data taken in this process.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { createSnapshot } from "@/lib/datasets/snapshot";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../helpers/app";
import { palate } from "../helpers/cli";

let temp: ReturnType<typeof tempDb>;
beforeEach(() => {
  temp = tempDb();
});
afterEach(() => temp.cleanup());

describe("palate snapshot", () => {
  it("prints a progress line per format, then the snapshot as JSON", async () => {
    const project = createProject(temp.db, { name: "cli-snap" });
    const userId = temp.db.insert(users).values({ email: "a@x", name: "A", role: "annotator" }).returning().get().id;
    for (let i = 0; i < 50; i++) {
      const task = insertTask(temp.db, project.id, {
        messages: [{ role: "user", content: `Q${i}?` }],
        completions: ["a", "b", "c", "d"].map((t) => ({ text: `${t} ${i}` })),
      });
      insertRanking(temp.db, { taskId: task.taskId, userId, groups: task.completionIds.map((c) => [c]) });
    }
    const run = await palate(temp.path, ["snapshot", "--project", "cli-snap", "--name", "v1", "--pairs", "adjacent"]);
    expect(run.status, run.stderr).toBe(0);
    const progress = run.stderr.split("\n").filter((l) => / rows written \(/.test(l));
    expect(progress).toEqual([
      "rankings: 50 rows written (1 of 5 formats, 2 files)",
      "trl: 150 rows written (2 of 5 formats, 4 files)",
      "trl-conversational: 150 rows written (3 of 5 formats, 6 files)",
      "hh: 150 rows written (4 of 5 formats, 8 files)",
      "openrlhf: 150 rows written (5 of 5 formats, 10 files)",
    ]);
    const out = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { status: string; hash: string; rankings: number; pairs: number };
    const same = createSnapshot(temp.db, project, { name: "v1", pairs: "adjacent" }, join(temp.dir, "elsewhere")).manifest;
    expect(out).toMatchObject({ status: "created", hash: same.hash, rankings: 50, pairs: 150 });
  }, 60_000);
});
