// `palate generate` says in its closing summary how many prompts it could not fill with K
// distinct completions (the tiny model, one-token answers from its top 2 tokens: at most two
// texts per prompt), and --resample-rounds sets the budget.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { tempDb } from "@/tests/helpers/app";
import { palateInProcess } from "@/tests/helpers/cli";
import { makeTinyModel } from "@/tests/unit/generation/tiny-model";

describe("palate generate and distinct completions", () => {
  let temp: ReturnType<typeof tempDb>;
  beforeEach(async () => {
    temp = tempDb();
    createProject(temp.db, { name: "gen" });
    registerModel(temp.db, { name: "tiny", kind: "policy", source: "palate", path: await makeTinyModel() });
  });
  afterEach(() => temp.cleanup());

  it("prints how many prompts fell short, with the budget it was given", async () => {
    const file = join(temp.dir, "prompts.txt");
    writeFileSync(file, ["Name a color.", "One two three", "What is the capital of France?"].join("\n"));
    const args = ["generate", "--project", "gen", "--model", "tiny", "--prompts", file, "--k", "4", "--top-k", "2", "--max-tokens", "1", "--seed", "5"];
    const run = await palateInProcess(temp.path, [...args, "--resample-rounds", "1"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const job = getJob(temp.db, 1)!;
    const result = job.result as { unfilled: number; tasksShort: number; promptsSkipped: number; resampleRounds: number };
    expect(result).toMatchObject({ unfilled: 3, resampleRounds: 1 });
    expect(run.stdout).toContain(
      `3 prompts could not be filled with 4 distinct completions: ${result.tasksShort} tasks have fewer, ${result.promptsSkipped} prompts were skipped (a single distinct text).`,
    );
    const bad = await palateInProcess(temp.path, [...args, "--resample-rounds", "99"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain("--resample-rounds:");
  });
});
