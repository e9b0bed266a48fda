// `palate export --format rankings` then `palate import --format rankings`, both through the
// real CLI (node scripts/palate.mjs, child processes) on temp databases: several annotators'
// rankings of one task come back as one task with a ranking per annotator, each an imported
// identity; a file with one annotator twice on a task exits 1 naming both lines.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../helpers/app";
import { palate, palateInProcess } from "../helpers/cli";

const temps: ReturnType<typeof tempDb>[] = [];
afterAll(() => temps.forEach((t) => t.cleanup()));
function freshDb() {
  const t = tempDb();
  temps.push(t);
  return t;
}

describe("palate import --format rankings", () => {
  it("reads back what palate export --format rankings wrote: one task, one ranking per annotator, by name", async () => {
    const from = freshDb();
    const project = createProject(from.db, { name: "labels" }).id;
    const task = insertTask(from.db, project, {
      messages: [{ role: "user", content: "Best colour?" }],
      completions: [{ text: "blue" }, { text: "green" }, { text: "red" }],
    });
    const [blue, green, red] = task.completionIds;
    for (const [name, groups] of [
      ["Ada", [[blue], [green, red]]],
      ["Bo", [[green], [blue], [red]]],
    ] as const) {
      const id = from.db
        .insert(users)
        .values({ email: `${name}@x`, name, role: "annotator" })
        .returning()
        .get().id;
      insertRanking(from.db, { taskId: task.taskId, userId: id, groups: groups.map((g) => [...g]) });
    }
    const file = join(from.dir, "rankings.jsonl");
    const exported = await palate(from.path, ["export", "--project", "labels", "--format", "rankings", "--out", file]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(2);

    const to = freshDb();
    const imported = await palate(to.path, ["import", "--project", "copy", "--format", "rankings", file]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 1 tasks and 2 rankings into "copy".');
    const rows = to.db.$client
      .prepare(
        `select u.name, u.email, u.disabled, r.groups, (select json_group_array(text) from (select text from completions where task_id = r.task_id order by position)) texts
         from rankings r join users u on u.id = r.user_id order by u.name`,
      )
      .all() as { name: string; email: string; disabled: number; groups: string; texts: string }[];
    const texts = JSON.parse(rows[0].texts) as string[];
    const ids = to.db.$client.prepare("select id from completions order by position").pluck().all() as number[];
    const named = (groups: string) => (JSON.parse(groups) as number[][]).map((g) => g.map((id) => texts[ids.indexOf(id)]));
    expect(rows.map((r) => [r.name, r.email, r.disabled, named(r.groups)])).toEqual([
      ["Ada", "imported+ada@palate.local", 1, [["blue"], ["green", "red"]]],
      ["Bo", "imported+bo@palate.local", 1, [["green"], ["blue"], ["red"]]],
    ]);
  });

  it("exits 1 naming both lines when one annotator ranks a task twice, and imports nothing", async () => {
    const t = freshDb();
    const line = {
      prompt: "Q",
      completions: [
        { id: 1, text: "a" },
        { id: 2, text: "b" },
      ],
      groups: [[1], [2]],
      annotator: "Ada",
    };
    const file = join(t.dir, "dup.jsonl");
    writeFileSync(file, [line, { ...line, groups: [[2], [1]] }].map((l) => JSON.stringify(l)).join("\n") + "\n");
    const run = await palateInProcess(t.path, ["import", "--project", "never", "--format", "rankings", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}:2: annotator: annotator "Ada" already ranked this task (the same prompt and completion texts) on line 1`);
    expect(t.db.$client.prepare("select count(*) from projects").pluck().get()).toBe(0);
  });
});
