// A fresh demo (`palate demo --no-serve` on an empty database) samples its tasks from the
// embedded default SFT model: its first ten tasks have no duplicate completions, whatever the
// model answers (the generation job resamples duplicates and never writes two equal texts),
// and the job says how many prompts it could not fill with four distinct completions.
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completions, jobs, tasks } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { demoPromptTexts } from "@/lib/demo/generate-demo-tasks";
import { completionKey } from "@/lib/generation/distinct";
import { getProjectByName } from "@/lib/projects";
import { tempDb } from "@/tests/helpers/app";
import { palate, type Run } from "@/tests/helpers/cli";

describe("a fresh demo", () => {
  let temp: ReturnType<typeof tempDb>;
  let run: Run;
  beforeAll(async () => {
    temp = tempDb();
    run = await palate(temp.path, ["demo", "--no-serve"]);
  }, 300_000);
  afterAll(() => temp.cleanup());

  it("samples its tasks from the default model, the first ten without duplicate completions", () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/with \d+ tasks sampled from default-sft/);
    const project = getProjectByName(temp.db, DEMO_PROJECT)!;
    const list = temp.db.select().from(tasks).where(eq(tasks.projectId, project.id)).orderBy(asc(tasks.id)).all();
    expect(list.length).toBeGreaterThanOrEqual(10);
    for (const task of list.slice(0, 10)) {
      const texts = temp.db
        .select({ text: completions.text })
        .from(completions)
        .where(eq(completions.taskId, task.id))
        .all()
        .map((c) => c.text);
      expect(texts.length).toBeGreaterThanOrEqual(2);
      expect(texts.length).toBeLessThanOrEqual(4);
      expect(new Set(texts.map(completionKey)).size).toBe(texts.length);
    }
  });

  it("its generation job reports how many prompts it could not fill with four distinct completions", () => {
    const [job] = temp.db.select().from(jobs).where(eq(jobs.kind, "generate")).all();
    const result = job.result as {
      prompts: number;
      tasksCreated: number;
      unfilled: number;
      tasksShort: number;
      promptsSkipped: number;
      resampleRounds: number;
    };
    expect(result.prompts).toBe(demoPromptTexts().length);
    expect(result.tasksShort + result.promptsSkipped).toBe(result.unfilled);
    expect(result.tasksCreated + result.promptsSkipped).toBe(result.prompts);
    expect(result.resampleRounds).toBeGreaterThan(0);
  });
});
