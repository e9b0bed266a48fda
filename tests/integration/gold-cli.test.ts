// palate gold: marks a project's gold tasks from a JSONL file (last line JSON with the counts and
// each annotator's accuracy), all or nothing with the bad line named, and unpauses an annotator.
// The real command through its dispatcher, on a real SQLite file.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask, type CreatedTask } from "@/lib/tasks";
import { tempDb } from "@/tests/helpers/app";
import { lastJson, palateInProcess } from "@/tests/helpers/cli";

let temp: ReturnType<typeof tempDb>;
let t: CreatedTask[];
let annotator: number;

beforeAll(() => {
  temp = tempDb();
  const projectId = createProject(temp.db, { name: "cli-gold", goldMinAnswers: 1 }).id;
  t = [0, 1].map((i) =>
    insertTask(temp.db, projectId, {
      messages: [{ role: "user", content: `Q${i}?` }],
      completions: ["right", "wrong"].map((text) => ({ text: `${text} ${i}` })),
      externalId: `q${i}`,
    }),
  );
  annotator = temp.db.insert(users).values({ email: "careless@t.local", name: "Careless", role: "annotator" }).returning().get().id;
  insertRanking(temp.db, { taskId: t[0].taskId, userId: annotator, groups: [[t[0].completionIds[1]], [t[0].completionIds[0]]] });
});
afterAll(() => temp.cleanup());

const file = (name: string, lines: object[]) => {
  const path = join(temp.dir, name);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return path;
};

describe("palate gold", () => {
  it("a bad line is named and nothing is marked", async () => {
    const path = file("bad.jsonl", [
      { external_id: "q0", first: 0 },
      { external_id: "q9", first: 0 },
    ]);
    const run = await palateInProcess(temp.path, ["gold", "--project", "cli-gold", "--file", path]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bad\.jsonl: line 2: external_id: the project has no task with external id "q9"/);
    expect(temp.db.$client.prepare("SELECT count(*) FROM tasks WHERE gold IS NOT NULL").pluck().get()).toBe(0);
  });

  it("marks the tasks and reports each annotator's accuracy; the careless one is paused, then unpaused", async () => {
    const path = file("gold.jsonl", [
      { external_id: "q0", first: 0 },
      { prompt: "Q1?", completions: ["wrong 1", "right 1"], first: 1 },
    ]);
    const run = await palateInProcess(temp.path, ["gold", "--project", "cli-gold", "--file", path]);
    expect(run.status, run.stderr).toBe(0);
    const out = lastJson(run.stdout);
    expect(out).toMatchObject({ project: "cli-gold", marked: 2, unmarked: 0, goldTasks: 2 });
    expect(out.annotators).toEqual([expect.objectContaining({ email: "careless@t.local", answered: 1, correct: 0, paused: true })]);

    const unpaused = lastJson((await palateInProcess(temp.path, ["gold", "--project", "cli-gold", "--unpause", "careless@t.local"])).stdout);
    expect(unpaused.annotators).toEqual([expect.objectContaining({ email: "careless@t.local", answered: 0, paused: false })]);
    const unknown = await palateInProcess(temp.path, ["gold", "--project", "cli-gold", "--unpause", "nobody@t.local"]);
    expect(unknown.stderr).toMatch(/--unpause: no user with email "nobody@t.local"/);
  });
});
