import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completions, tasks, type Message } from "@/db/schema";
import { generateJobParamsSchema, type GenerateJobParams, type Sampling } from "@/lib/generation/job-params";
import { completedPromptIndexes, runGeneration } from "@/lib/generation/run-generation";
import type { CompletionSource, SampledCompletion } from "@/lib/generation/source";
import { JobCancelledError, type JobContext } from "@/lib/jobs/kind";
import { enqueueJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";
import { completionKey } from "@/lib/generation/distinct";
import { PalateSource } from "@/lib/generation/palate-source";
import { makeTinyModel } from "./tiny-model";

/** A source that echoes each prompt, and can fail on the N-th call (a crash mid-job). */
class EchoSource implements CompletionSource {
  readonly modelName = "echo";
  calls: Message[][][] = [];
  constructor(private readonly failOnCall = Infinity) {}
  async generate(prompts: readonly Message[][], sampling: Sampling): Promise<SampledCompletion[][]> {
    this.calls.push([...prompts]);
    if (this.calls.length === this.failOnCall) throw new Error("engine crashed");
    return prompts.map((m) =>
      Array.from({ length: sampling.k }, (_, i) => ({ text: `${m.at(-1)!.content} #${i}`, finishReason: "stop", tokenIds: [1, 2], logprobs: [-0.5, -0.25] })),
    );
  }
  async close() {}
}

describe("runGeneration", () => {
  let temp: ReturnType<typeof tempDb>;
  let projectId: number;
  let modelId: number;
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "gen" }).id;
    modelId = registerModel(temp.db, { name: "echo", kind: "policy", source: "palate", path: "/nowhere" }).id;
  });
  afterEach(() => temp.cleanup());

  type Context = JobContext<GenerateJobParams> & {
    logs: string[];
    points: { step: number; values: Record<string, number> }[];
    outputs: Map<string, unknown>;
    messages: string[];
  };
  function context(params: GenerateJobParams, attempt = 1, jobId?: number): Context {
    const id = jobId ?? enqueueJob(temp.db, { kind: "generate", params: params as unknown as Record<string, unknown> }).id;
    const logs: string[] = [];
    const points: Context["points"] = [];
    const outputs = new Map<string, unknown>();
    const messages: string[] = [];
    return {
      jobId: id,
      params,
      attempt,
      db: temp.db,
      artifactDir: temp.dir,
      signal: new AbortController().signal,
      throwIfCancelled() {},
      progress: (_, message) => void (message && messages.push(message)),
      log: (t) => void logs.push(t),
      metrics: (step, values) => void points.push({ step, values }),
      output: (name, value) => void outputs.set(name, value),
      logs,
      points,
      outputs,
      messages,
    };
  }

  const taskRows = () => temp.db.select().from(tasks).all();

  it("writes one task per prompt with K completions, reusing existing prompts and creating typed ones", async () => {
    const existing = insertTask(temp.db, projectId, { messages: [{ role: "user", content: "old question" }], completions: [{ text: "a" }, { text: "b" }] });
    const params = generateJobParamsSchema.parse({ projectId, modelId, promptIds: [existing.promptId], prompts: ["new one", "new two"], sampling: { k: 3 } });
    const ctx = context(params);
    const result = await runGeneration(ctx, async () => new EchoSource());
    expect(result).toMatchObject({ prompts: 3, tasksCreated: 3, resumed: 0, completionsPerTask: 3, model: "echo" });
    const created = taskRows().slice(1);
    expect(created).toHaveLength(3);
    expect(created[0].promptId).toBe(existing.promptId);
    const list = temp.db.select().from(completions).where(eq(completions.taskId, created[1].id)).all();
    expect(list.map((c) => c.text)).toEqual(["new one #0", "new one #1", "new one #2"]);
    expect(list[0].model).toBe("echo");
    expect(list[0].metadata).toMatchObject({ jobId: ctx.jobId, promptIndex: 1, tokenIds: [1, 2], logprobs: [-0.5, -0.25], sumLogprob: -0.75 });
  });

  it("after a crash, the next attempt writes only the prompts without a task: none twice", async () => {
    const prompts = Array.from({ length: 80 }, (_, i) => `prompt ${i}`);
    const params = generateJobParamsSchema.parse({ projectId, modelId, prompts, sampling: { k: 4 } }); // 8 prompts per batch
    const first = context(params);
    await expect(runGeneration(first, async () => new EchoSource(2))).rejects.toThrow("engine crashed");
    expect(completedPromptIndexes(temp.db, projectId, first.jobId)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));

    const again = context(params, 2, first.jobId);
    const source = new EchoSource();
    const result = await runGeneration(again, async () => source);
    expect(result).toMatchObject({ tasksCreated: 72, resumed: 8 });
    expect(source.calls.flat().map((m) => m[0].content)).toEqual(prompts.slice(8));
    expect(again.logs[0]).toContain("Resuming: 8 of 80 prompts");
    expect(taskRows()).toHaveLength(80);
    expect(completedPromptIndexes(temp.db, projectId, first.jobId).size).toBe(80);
  });

  it("stops between batches when cancelled, leaving whole tasks only", async () => {
    const params = generateJobParamsSchema.parse({ projectId, modelId, prompts: Array.from({ length: 80 }, (_, i) => `p${i}`), sampling: { k: 4 } }); // 8 prompts per batch
    const ctx = context(params);
    let checks = 0;
    ctx.throwIfCancelled = () => {
      if (++checks === 3) throw new JobCancelledError();
    };
    await expect(runGeneration(ctx, async () => new EchoSource())).rejects.toBeInstanceOf(JobCancelledError);
    expect(taskRows()).toHaveLength(8);
    expect(temp.db.select().from(completions).all()).toHaveLength(32);
  });

  it("fails naming the field for a prompt of another project, a missing model, or a reward model", async () => {
    const other = createProject(temp.db, { name: "other" }).id;
    const foreign = insertTask(temp.db, other, { messages: [{ role: "user", content: "x" }], completions: [{ text: "a" }, { text: "b" }] });
    const open = async () => new EchoSource();
    await expect(runGeneration(context(generateJobParamsSchema.parse({ projectId, modelId, promptIds: [foreign.promptId] })), open)).rejects.toThrow(
      `promptIds: prompt ${foreign.promptId} is not a prompt of project ${projectId}`,
    );
    await expect(runGeneration(context(generateJobParamsSchema.parse({ projectId, modelId: 999, prompts: ["x"] })), open)).rejects.toThrow(
      "modelId: model 999 is not registered",
    );
    const rm = registerModel(temp.db, { name: "rm", kind: "reward", source: "palate", path: "/x" }).id;
    await expect(runGeneration(context(generateJobParamsSchema.parse({ projectId, modelId: rm, prompts: ["x"] })), open)).rejects.toThrow(
      /^modelId: "rm" is a reward model/,
    );
  });

  describe("with the engine (a tiny model directory)", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await makeTinyModel();
    });
    const open = () => PalateSource.open(dir, "tiny");
    const jobTasks = () =>
      taskRows().map((t) =>
        temp.db
          .select()
          .from(completions)
          .where(eq(completions.taskId, t.id))
          .all()
          .map((c) => c.text),
      );

    it("resamples duplicates so each task has K distinct completions, and charts a point per batch", async () => {
      const prompts = Array.from({ length: 12 }, (_, i) => `Question ${i}: name a color.`);
      const params = generateJobParamsSchema.parse({ projectId, modelId, prompts, sampling: { k: 4, topK: 6, maxTokens: 1, seed: 5 } });
      const ctx = context(params);
      const result = await runGeneration(ctx, open);
      expect(result).toMatchObject({ tasksCreated: 12, unfilled: 0, tasksShort: 0, promptsSkipped: 0, resampleRounds: 4 });
      expect(result.duplicatesFound).toBeGreaterThan(0);
      expect(result.duplicatesResampled).toBe(result.duplicatesFound);
      for (const texts of jobTasks()) {
        expect(texts).toHaveLength(4);
        expect(new Set(texts.map(completionKey)).size).toBe(4);
      }
      // 12 prompts: 2 per batch, a metric point per batch.
      expect(ctx.points.map((p) => p.step)).toEqual([2, 4, 6, 8, 10, 12]);
      expect(ctx.points.map((p) => p.values.tasks_done)).toEqual([2, 4, 6, 8, 10, 12]);
      expect(ctx.points.at(-1)!.values.duplicates_resampled).toBe(result.duplicatesResampled);
      for (const p of ctx.points)
        expect(Object.keys(p.values)).toEqual(expect.arrayContaining(["completions_per_second", "duplicate_rate", "unfilled_prompts", "tokens_per_second"]));
      expect(ctx.logs.at(-1)).toContain(`Every prompt got 4 distinct completions (${result.duplicatesResampled} duplicates resampled)`);
    });

    it("writes a prompt it cannot fill with its distinct completions, skips one with a single text, and says how many", async () => {
      const prompts = Array.from({ length: 6 }, (_, i) => `Question ${i}: name a color.`);
      // Top-k 2 and one token: at most two texts exist, so no prompt can get 4.
      const params = generateJobParamsSchema.parse({ projectId, modelId, prompts, sampling: { k: 4, topK: 2, maxTokens: 1, seed: 5 }, resampleRounds: 2 });
      const ctx = context(params);
      const result = await runGeneration(ctx, open);
      expect(result.unfilled).toBe(6);
      expect(result.tasksShort + result.promptsSkipped).toBe(6);
      expect(result.tasksCreated).toBe(result.tasksShort);
      for (const texts of jobTasks()) {
        expect(texts).toHaveLength(2);
        expect(new Set(texts.map(completionKey)).size).toBe(2);
      }
      expect(ctx.logs.at(-1)).toBe(
        `Wrote ${result.tasksCreated} tasks (4 distinct completions each, ${result.tasksShort} with fewer). 6 prompts could not be filled with 4 distinct completions after 2 resampling rounds: ${result.tasksShort} written with fewer, ${result.promptsSkipped} skipped (a single distinct text); ${result.duplicatesResampled} duplicate${result.duplicatesResampled === 1 ? "" : "s"} resampled.`,
      );
      expect(ctx.outputs.get("distinct completions")).toMatchObject({
        completionsPerTask: 4,
        tasksShort: result.tasksShort,
        promptsSkipped: result.promptsSkipped,
      });
      expect(ctx.points.at(-1)!.values.unfilled_prompts).toBe(6);
      expect(ctx.messages.at(-1)).toBe("6/6 prompts · 6 short of 4 distinct completions");
    });

    it("at temperature 0 does not resample (greedy draws the same text), and still never writes two equal texts", async () => {
      const params = generateJobParamsSchema.parse({
        projectId,
        modelId,
        prompts: ["Name a color.", "One two"],
        sampling: { k: 3, temperature: 0, maxTokens: 4 },
      });
      const ctx = context(params);
      const result = await runGeneration(ctx, open);
      expect(result).toMatchObject({ resampleRounds: 0, duplicatesResampled: 0, duplicatesFound: 4, promptsSkipped: 2, tasksCreated: 0, unfilled: 2 });
      expect(ctx.logs.join("\n")).toContain("Temperature 0 samples greedily");
      expect(taskRows()).toHaveLength(0);
    });
  });
});
