// The "generate" job through the real worker (`palate worker`, a child process per job), and
// acceptance 5: the worker is killed with SIGKILL mid-job; after a restart the job ends
// succeeded (or failed with a reason) and every prompt has exactly one task from the job.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completions, prompts, tasks } from "@/db/schema";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "@/lib/generation/job-params";
import { enqueueJob, getJob, jobEventsSince, jobMetricsSince, jobOutputsOf } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";
import { WorkerPool, ended, stopped, waitFor } from "../../helpers/jobs";
import { makeTinyModel } from "../../unit/generation/tiny-model";

describe("generate jobs in the worker", () => {
  let modelDir: string;
  let temp: ReturnType<typeof tempDb>;
  const workers = new WorkerPool();
  let projectId: number;
  let modelId: number;
  beforeAll(async () => {
    modelDir = await makeTinyModel({ nPositions: 96 });
  });
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "gen" }).id;
    modelId = registerModel(temp.db, { name: "tiny", kind: "policy", source: "palate", path: modelDir }).id;
  });
  afterEach(async () => {
    await workers.killAll();
    temp.cleanup();
  });

  const startWorker = () => workers.start(temp.path);

  /** Tasks of the job per prompt id. */
  const tasksPerPrompt = (jobId: number) =>
    temp.db
      .select({ promptId: tasks.promptId, n: sql<number>`count(*)` })
      .from(tasks)
      .innerJoin(completions, eq(completions.taskId, tasks.id))
      .where(sql`${completions.position} = 0 and json_extract(${completions.metadata}, '$.jobId') = ${jobId}`)
      .groupBy(tasks.promptId)
      .all();

  it("samples K completions per prompt from a Palate model into new tasks, with progress, messages and metrics", async () => {
    const old = insertTask(temp.db, projectId, {
      messages: [{ role: "user", content: "What is the capital of France?" }],
      completions: [{ text: "Paris" }, { text: "Lyon" }],
    });
    startWorker();
    const params = generateJobParamsSchema.parse({
      projectId,
      modelId,
      promptIds: [old.promptId],
      prompts: ["Name a color.", "One two"],
      sampling: { k: 4, maxTokens: 12, seed: 3 },
    });
    const job = enqueueJob(temp.db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId });
    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: "succeeded", progress: 1, result: { prompts: 3, tasksCreated: 3, resumed: 0, completionsPerTask: 4, model: "tiny" } });
    expect(tasksPerPrompt(job.id).map((r) => r.n)).toEqual([1, 1, 1]);
    const newTasks = temp.db
      .select()
      .from(tasks)
      .where(sql`${tasks.id} > ${old.taskId}`)
      .all();
    expect(newTasks[0].promptId).toBe(old.promptId);
    const list = temp.db.select().from(completions).where(eq(completions.taskId, newTasks[1].id)).all();
    expect(list).toHaveLength(4);
    const meta = list[0].metadata as { tokenIds: number[]; logprobs: number[]; promptIndex: number };
    expect(meta.promptIndex).toBe(1);
    expect(meta.logprobs).toHaveLength(meta.tokenIds.length);
    expect(list[0].model).toBe("tiny");
    expect(temp.db.select().from(prompts).all()).toHaveLength(3);
    const metrics = jobMetricsSince(temp.db, job.id);
    expect(metrics.map((m) => m.name)).toEqual(expect.arrayContaining(["tokens_per_second", "tasks_done", "duplicates_resampled", "unfilled_prompts"]));
    // A point per batch: 3 prompts make 3 batches, so the charts draw lines.
    expect(metrics.filter((m) => m.name === "tasks_done").map((m) => m.value)).toEqual([1, 2, 3]);
    expect(
      jobEventsSince(temp.db, job.id)
        .map((e) => e.text)
        .join("\n"),
    ).toContain("Wrote 3 tasks");
  });

  it("reports the prompts it could not fill with K distinct completions: in the result, the log, its output and its metrics", async () => {
    startWorker();
    // One-token completions from the top 2 tokens: at most two distinct texts per prompt, K = 4.
    const prompts = Array.from({ length: 8 }, (_, i) => `Question ${i}: name a color.`);
    const params = generateJobParamsSchema.parse({ projectId, modelId, prompts, sampling: { k: 4, topK: 2, maxTokens: 1, seed: 5 }, resampleRounds: 2 });
    const job = enqueueJob(temp.db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId });
    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    const result = done.result as { unfilled: number; tasksShort: number; promptsSkipped: number; tasksCreated: number; resampleRounds: number };
    expect(result).toMatchObject({ prompts: 8, unfilled: 8, resampleRounds: 2 });
    expect(result.tasksShort + result.promptsSkipped).toBe(8);
    expect(result.tasksCreated).toBe(result.tasksShort);
    expect(jobOutputsOf(temp.db, job.id)["distinct completions"]?.value).toMatchObject({
      completionsPerTask: 4,
      tasksShort: result.tasksShort,
      promptsSkipped: result.promptsSkipped,
    });
    const log = jobEventsSince(temp.db, job.id);
    const summary = log.find((e) => e.text.includes("could not be filled"));
    expect(summary?.level).toBe("warn");
    expect(summary?.text).toContain("8 prompts could not be filled with 4 distinct completions after 2 resampling rounds");
    // Every task the job wrote has only distinct texts.
    const rows = temp.db
      .select({ taskId: completions.taskId, text: completions.text })
      .from(completions)
      .where(sql`json_extract(${completions.metadata}, '$.jobId') = ${job.id}`)
      .all();
    const byTask = new Map<number, typeof rows>();
    for (const r of rows) byTask.set(r.taskId, [...(byTask.get(r.taskId) ?? []), r]);
    expect(byTask.size).toBe(result.tasksShort);
    for (const list of byTask.values()) expect(new Set(list.map((r) => r.text.trim())).size).toBe(list.length);
    // A metric point per batch (8 prompts: 1 per batch), the shortfall among them.
    const unfilled = jobMetricsSince(temp.db, job.id).filter((m) => m.name === "unfilled_prompts");
    expect(unfilled.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(unfilled.at(-1)!.value).toBe(8);
  });

  it("a bad prompt id fails the job with the field named", async () => {
    startWorker();
    const job = enqueueJob(temp.db, { kind: GENERATE_JOB_KIND, params: { projectId, modelId, promptIds: [424242] }, projectId });
    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(`promptIds: prompt 424242 is not a prompt of project ${projectId}`);
  });

  it("survives SIGKILL of the worker mid-job: after a restart the job ends, and no prompt has two tasks from it", async () => {
    const n = 240;
    const first = startWorker();
    const params = generateJobParamsSchema.parse({
      projectId,
      modelId,
      prompts: Array.from({ length: n }, (_, i) => `Question number ${i}: what comes next?`),
      sampling: { k: 4, maxTokens: 48 },
    });
    const job = enqueueJob(temp.db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId });
    const midway = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => ended(j) || (j.status === "running" && j.progress > 0),
    );
    first.kill("SIGKILL");
    await stopped(first);
    expect(midway.status).toBe("running"); // killed mid-job, not after it
    const before = tasksPerPrompt(job.id).length;
    expect(before).toBeLessThan(n);

    startWorker();
    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    if (done.status === "failed") expect(done.error).toMatch(/\w/);
    else {
      expect(done.status).toBe("succeeded");
      expect(done.attempts).toBe(2);
      const result = done.result as { resumed: number; tasksCreated: number };
      expect(result.resumed).toBeGreaterThan(0);
      expect(result.resumed + result.tasksCreated).toBe(n);
    }
    const counts = tasksPerPrompt(job.id);
    expect(counts.every((r) => r.n === 1)).toBe(true);
    if (done.status === "succeeded") expect(counts).toHaveLength(n);
    // Whole tasks only: every task of the job has its 4 completions.
    const sizes = temp.db
      .select({ n: sql<number>`count(*)` })
      .from(completions)
      .where(sql`json_extract(${completions.metadata}, '$.jobId') = ${job.id}`)
      .groupBy(completions.taskId)
      .all();
    expect(sizes.every((s) => s.n === 4)).toBe(true);
  });
});
