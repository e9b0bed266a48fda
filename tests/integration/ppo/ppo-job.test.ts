// The "ppo" job through the real worker (`palate worker`, a child process per job), and issue 9's
// acceptance 5: the PPO child is killed with SIGKILL mid-run; the worker queues the job again, it
// resumes from its last checkpoint and finishes, each iteration logged once (metrics.jsonl and the
// job's metric table), and the policy is registered. And a cancelled run: status cancelled, its
// checkpoint left to resume from.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, getJob, jobEventsSince, jobMetricsSince, requestCancel } from "@/lib/jobs/queue";
import { PPO_METRICS_LOG_FILE, PPO_VALUE_DIR } from "@/lib/ml/rl/train-ppo";
import { getModelByName, listModels, modelDir, registerModel } from "@/lib/models/registry";
import { PPO_JOB_KIND, ppoJobParamsSchema } from "@/lib/ppo/job-params";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { tempDb } from "../../helpers/app";
import { WorkerPool, jobChildrenOf, ended, waitFor } from "../../helpers/jobs";
import { ppoPrompts, tinyRewardModelDir } from "../../unit/ml/rl/ppo-fixtures";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

/** 10 iterations of 4 episodes; 1 epoch × 2 minibatches; checkpoints every 2, evaluations at 4 and 8 (and the end). */
const ITERATIONS = 10;
const CONFIG = {
  totalEpisodes: 4 * ITERATIONS,
  batchSize: 4,
  numMiniBatches: 2,
  numPpoEpochs: 1,
  responseLength: 8,
  learningRate: 3e-3,
  temperature: 1,
  checkpointEvery: 2,
  evalEvery: 4,
  evalPrompts: 4,
  seed: 3,
};

describe("the ppo job in the worker", () => {
  let temp: ReturnType<typeof tempDb>;
  const workers = new WorkerPool();
  let projectId: number;
  let policyId: number;
  let rewardId: number;
  let policyDir: string;
  let rewardDir: string;
  beforeAll(async () => {
    policyDir = await tinyLmDir();
    rewardDir = await tinyRewardModelDir();
  });
  beforeEach(() => {
    temp = tempDb();
    projectId = createProject(temp.db, { name: "ppo" }).id;
    for (const text of ppoPrompts(40)) insertTask(temp.db, projectId, { messages: [{ role: "user", content: text }], completions: [] });
    policyId = registerModel(temp.db, { name: "tiny-sft", kind: "policy", source: "palate", path: policyDir }).id;
    rewardId = registerModel(temp.db, { name: "tiny-rm", kind: "reward", source: "palate", path: rewardDir }).id;
  });
  afterEach(async () => {
    await workers.killAll();
    temp.cleanup();
  });

  const params = (config: Record<string, unknown> = {}) =>
    ppoJobParamsSchema.parse({ projectId, policyModelId: policyId, rewardModelId: rewardId, config: { ...CONFIG, ...config } }) as unknown as Record<
      string,
      unknown
    >;
  /** The highest iteration the job has logged (its "objective/kl" points). */
  const lastIteration = (jobId: number) =>
    Math.max(
      0,
      ...jobMetricsSince(temp.db, jobId)
        .filter((m) => m.name === "objective/kl")
        .map((m) => m.step),
    );

  it("survives SIGKILL of the PPO child: the job resumes from its checkpoint, logs each iteration once and registers the policy", async () => {
    const worker = workers.start(temp.path);
    const job = enqueueJob(temp.db, { kind: PPO_JOB_KIND, params: params(), projectId });
    // Past the first checkpoint (iteration 2), well before the end (iteration 10).
    const mid = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => ended(j) || lastIteration(job.id) >= 3,
    );
    expect(mid.status, `job ended early: ${mid.error ?? ""}`).toBe("running");
    const children = jobChildrenOf(worker.pid!);
    expect(children).toHaveLength(1);
    process.kill(children[0], "SIGKILL");
    const killedAt = lastIteration(job.id);
    expect(killedAt).toBeLessThan(ITERATIONS);

    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(2);
    const events = jobEventsSince(temp.db, job.id)
      .map((e) => e.text)
      .join("\n");
    expect(events).toMatch(/killed \(SIGKILL\)/);
    const resumed = /Resumed from the checkpoint at iteration (\d+)\./.exec(events);
    expect(resumed, events).not.toBeNull();
    const from = Number(resumed![1]);
    expect(from).toBeGreaterThanOrEqual(2);
    expect(from).toBeLessThanOrEqual(killedAt);
    expect(from % CONFIG.checkpointEvery).toBe(0);

    const result = done.result as {
      modelId: number;
      modelName: string;
      outDir: string;
      round: number;
      iterations: number;
      resumedFrom: number | null;
      metrics: Record<string, number>;
    };
    expect(result).toMatchObject({ modelName: `ppo-ppo-${job.id}`, round: 1, iterations: ITERATIONS, resumedFrom: from });
    expect(result.outDir).toBe(join(temp.dir, "jobs", String(job.id), "model"));

    // metrics.jsonl: every iteration once, none twice across the restart; evaluations at 4 and 8 (and the end).
    const lines = jsonl(join(result.outDir, PPO_METRICS_LOG_FILE));
    const trainIterations = lines.filter((l) => "objective/kl" in l).map((l) => l.iteration);
    expect(trainIterations).toEqual(Array.from({ length: ITERATIONS }, (_, i) => i + 1));
    const evalIterations = lines.filter((l) => "eval_scores" in l).map((l) => l.iteration);
    expect(evalIterations).toEqual([4, 8, 10]);
    expect(lines.filter((l) => "objective/kl" in l).map((l) => l.episode)).toEqual(trainIterations.map((i) => i * CONFIG.batchSize));

    // The job's metric table: the same points, each once (the killed attempt's points after the
    // checkpoint are replaced by the resumed attempt's), and the same values as metrics.jsonl.
    const db = jobMetricsSince(temp.db, job.id);
    const klPoints = db.filter((m) => m.name === "objective/kl");
    expect(klPoints.map((m) => m.step).sort((a, b) => a - b)).toEqual(trainIterations);
    const evalPoints = db.filter((m) => m.name === "eval_scores");
    expect(evalPoints.map((m) => m.step).sort((a, b) => a - b)).toEqual(evalIterations);
    for (const l of lines.filter((l) => "objective/kl" in l)) {
      expect(klPoints.find((m) => m.step === l.iteration)!.value).toBeCloseTo(l["objective/kl"], 6);
    }

    // The policy: registered with its lineage, a language-model directory with the value model beside it.
    const model = getModelByName(temp.db, result.modelName)!;
    expect(model).toMatchObject({ id: result.modelId, kind: "policy", parentId: policyId, projectId, jobId: job.id });
    const dir = modelDir(model);
    for (const file of ["model.onnx", "model.safetensors", "config.json", "tokenizer.json", join(PPO_VALUE_DIR, "model.safetensors")]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    // Finished: no optimizer tensors left; the trainer state says finished (a rerun returns the run as it is).
    expect(existsSync(join(dir, "optimizer.safetensors"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "trainer_state.json"), "utf8"))).toMatchObject({ finished: true, step: ITERATIONS, totalSteps: ITERATIONS });
    const meta = model.metadata as { lineage: Record<string, unknown>; metrics: Record<string, number>; config: Record<string, unknown> };
    expect(meta.lineage).toMatchObject({
      round: 1,
      sftModel: { id: policyId, name: "tiny-sft" },
      startPolicy: { id: policyId, name: "tiny-sft" },
      reference: { id: policyId, name: "tiny-sft" },
      rewardModel: { id: rewardId, name: "tiny-rm" },
      project: { id: projectId, name: "ppo" },
      trainPrompts: 36,
      evalPrompts: 4,
      promptSplit: "seeded",
    });
    expect(meta.metrics.episode).toBe(CONFIG.totalEpisodes);
    expect(typeof meta.metrics.eval_scores).toBe("number");
    expect(meta.config).toMatchObject({ totalEpisodes: CONFIG.totalEpisodes, checkpointEvery: 2 });
  });

  it("a cancelled run stops at an iteration, is cancelled and leaves its checkpoint; no policy is registered", async () => {
    workers.start(temp.path);
    const job = enqueueJob(temp.db, { kind: PPO_JOB_KIND, params: params({ totalEpisodes: 4 * 40 }), projectId });
    const mid = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => ended(j) || lastIteration(job.id) >= 1,
    );
    expect(mid.status, `job ended early: ${mid.error ?? ""}`).toBe("running");
    requestCancel(temp.db, job.id);
    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.status).toBe("cancelled");
    expect(done.attempts).toBe(1);

    const outDir = join(temp.dir, "jobs", String(job.id), "model");
    const state = JSON.parse(readFileSync(join(outDir, "trainer_state.json"), "utf8")) as { step: number; finished: boolean; totalSteps: number };
    expect(state).toMatchObject({ finished: false, totalSteps: 40 });
    expect(state.step).toBeGreaterThanOrEqual(1);
    expect(state.step).toBeLessThan(40);
    expect(state.step).toBe(lastIteration(job.id));
    for (const file of ["model.safetensors", "optimizer.safetensors", PPO_METRICS_LOG_FILE]) expect(existsSync(join(outDir, file)), file).toBe(true);
    expect(
      jsonl(join(outDir, PPO_METRICS_LOG_FILE))
        .filter((l) => "objective/kl" in l)
        .map((l) => l.iteration),
    ).toEqual(Array.from({ length: state.step }, (_, i) => i + 1));
    expect(listModels(temp.db).filter((m) => m.jobId === job.id)).toEqual([]);
  });
});
