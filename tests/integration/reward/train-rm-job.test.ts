// The "train-rm" and "score" jobs through the real worker (`palate worker`, a child process per
// job), and acceptance 5: the training child is killed with SIGKILL mid-run; the worker queues
// the job again, it resumes from its last checkpoint and finishes, and the model is registered.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { importFile } from "@/lib/datasets/import";
import { enqueueJob, getJob, jobEventsSince, jobMetricsSince } from "@/lib/jobs/queue";
import { getModelByName, listModels, modelDir, registerModel } from "@/lib/models/registry";
import { SCORE_JOB_KIND, TRAIN_RM_JOB_KIND, trainRmJobParamsSchema } from "@/lib/reward/job-params";
import { rewardDisagreements, taskCompletionScores } from "@/lib/reward/scores";
import { capitalPreferences, writeTrlFile } from "../../fixtures/preference-data";
import { tempDb } from "../../helpers/app";
import { WorkerPool, jobChildrenOf, ended, waitFor } from "../../helpers/jobs";
import { makeTinyModel } from "../../unit/generation/tiny-model";

describe("train-rm and score jobs in the worker", () => {
  let baseDir: string;
  let temp: ReturnType<typeof tempDb>;
  const workers = new WorkerPool();
  let projectId: number;
  let baseModelId: number;
  beforeAll(async () => {
    baseDir = await makeTinyModel({ nPositions: 64, nEmbd: 32 });
  });
  beforeEach(() => {
    temp = tempDb();
    const file = join(temp.dir, "pairs.jsonl");
    writeTrlFile(file, capitalPreferences(120, "brevity", 1));
    const report = importFile(temp.db, file, "trl", { projectName: "rm" });
    projectId = report.projectId!;
    baseModelId = registerModel(temp.db, { name: "tiny", kind: "policy", source: "palate", path: baseDir }).id;
  });
  afterEach(async () => {
    await workers.killAll();
    temp.cleanup();
  });

  const startWorker = () => workers.start(temp.path);

  const trainParams = (config: Record<string, unknown>) =>
    trainRmJobParamsSchema.parse({ projectId, baseModelId, config: { maxLength: 64, validationFraction: 0.2, ...config } }) as unknown as Record<
      string,
      unknown
    >;

  it("survives SIGKILL of the training child: the job resumes from its checkpoint, finishes and registers the model", async () => {
    const worker = startWorker();
    const job = enqueueJob(temp.db, {
      kind: TRAIN_RM_JOB_KIND,
      params: trainParams({ epochs: 4, batchSize: 4, learningRate: 1e-3, checkpointEvery: 10, evalEvery: 20 }),
      projectId,
    });
    // Past the first checkpoint (step 10), well before the end (about 96 steps).
    const mid = await waitFor(
      () => getJob(temp.db, job.id),
      (j) => ended(j) || jobMetricsSince(temp.db, job.id).some((m) => m.name === "loss" && m.step >= 14),
    );
    expect(mid.status, `job ended early: ${mid.error ?? ""}`).toBe("running");
    const children = jobChildrenOf(worker.pid!);
    expect(children).toHaveLength(1);
    process.kill(children[0], "SIGKILL");
    const killedAt = Math.max(
      ...jobMetricsSince(temp.db, job.id)
        .filter((m) => m.name === "loss")
        .map((m) => m.step),
    );

    const done = await waitFor(() => getJob(temp.db, job.id), ended);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(2);
    const events = jobEventsSince(temp.db, job.id)
      .map((e) => e.text)
      .join("\n");
    expect(events).toMatch(/killed \(SIGKILL\)/);
    const resumed = /Resumed from the checkpoint at step (\d+)/.exec(events);
    expect(resumed).not.toBeNull();
    const from = Number(resumed![1]);
    expect(from).toBeGreaterThanOrEqual(10);
    expect(from).toBeLessThanOrEqual(killedAt);
    expect(from % 10).toBe(0);

    const result = done.result as { modelName: string; steps: number; outDir: string; metrics: Record<string, number> };
    const model = getModelByName(temp.db, result.modelName)!;
    expect(model).toMatchObject({ kind: "reward", parentId: baseModelId, projectId, jobId: job.id });
    expect(existsSync(join(modelDir(model), "model.safetensors"))).toBe(true);
    expect(existsSync(join(modelDir(model), "optimizer.safetensors"))).toBe(false);
    const meta = model.metadata as {
      lineage: Record<string, unknown>;
      metrics: Record<string, number>;
      calibration: { orientation: string; bins: { count: number }[] };
    };
    expect(result.steps).toBe(4 * Math.ceil(meta.metrics.train_rankings / 4)); // 4 epochs of batches of 4 rankings
    const lines = readFileSync(join(result.outDir, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { step: number; loss?: number });
    const trainSteps = lines.filter((l) => l.loss !== undefined).map((l) => l.step);
    expect(trainSteps).toEqual(Array.from({ length: result.steps }, (_, i) => i + 1)); // every step once, none twice across the restart
    expect(meta.lineage).toMatchObject({ rankings: 120, comparisons: 120, baseModel: { id: baseModelId, name: "tiny" } });
    expect(meta.metrics.train_pairs + meta.metrics.eval_pairs).toBe(120);
    expect(meta.calibration.bins).toHaveLength(5);
    expect(meta.calibration.orientation).toBe("favourite");
    expect(meta.calibration.bins.reduce((n, b) => n + b.count, 0)).toBe(meta.metrics.eval_pairs); // each held-out pair once
  });

  it("scores every completion of the project and lists the rankings the model disagrees with", async () => {
    startWorker();
    const train = enqueueJob(temp.db, { kind: TRAIN_RM_JOB_KIND, params: trainParams({ epochs: 2, batchSize: 8, learningRate: 1e-3 }), projectId });
    const trained = await waitFor(() => getJob(temp.db, train.id), ended);
    expect(trained.error).toBeNull();
    const rm = listModels(temp.db).find((m) => m.kind === "reward")!;
    const score = enqueueJob(temp.db, { kind: SCORE_JOB_KIND, params: { projectId, modelId: rm.id, rescore: false }, projectId });
    const scored = await waitFor(() => getJob(temp.db, score.id), ended);
    expect(scored.error).toBeNull();
    expect(scored.result).toMatchObject({ scored: 240 });
    const byCompletion = taskCompletionScores(temp.db, 1);
    expect(byCompletion.size).toBe(2);
    for (const list of byCompletion.values()) expect(list[0]).toMatchObject({ modelId: rm.id, modelName: rm.name });

    // Scoring again finds nothing missing.
    const again = enqueueJob(temp.db, { kind: SCORE_JOB_KIND, params: { projectId, modelId: rm.id, rescore: false }, projectId });
    expect((await waitFor(() => getJob(temp.db, again.id), ended)).result).toMatchObject({ scored: 0 });

    const disagreements = rewardDisagreements(temp.db, projectId, rm.id, 500);
    for (const d of disagreements) expect(d.rejected.score).toBeGreaterThan(d.chosen.score);
    const gaps = disagreements.map((d) => d.gap);
    expect(gaps).toEqual([...gaps].sort((a, b) => b - a));
    // Every ranking where the model prefers the annotators' lower completion is listed, once.
    let expected = 0;
    for (let taskId = 1; taskId <= 120; taskId++) {
      const s = taskCompletionScores(temp.db, taskId);
      const [chosen, rejected] = [...s.keys()].sort((a, b) => a - b);
      if (s.get(rejected)![0].score > s.get(chosen)![0].score) expected++;
    }
    expect(disagreements).toHaveLength(expected);
  });
});
