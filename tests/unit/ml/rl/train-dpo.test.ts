// trainDpo on a tiny chat model and a learnable synthetic preference ("apple" wins): TRL's
// metrics once per step, the chosen/rejected margin grows on the training pairs, evaluation on
// held-out prompts only, an interrupted run resumes to the same weights as an uninterrupted one,
// and the output is a language-model directory that loads and generates.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLanguageModel, openDecoder } from "@/lib/ml/nn/language-model";
import { DPO_EVAL_METRIC_NAMES, DPO_METRIC_NAMES, trainDpo } from "@/lib/ml/rl/train-dpo";
import { syntheticRankings, tinyLmDir } from "./reward-fixtures";

const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

// 16 prompts × 3 completions (one good): 2 pairs each; 4 prompts held out → 24 training pairs, 6 steps per epoch.
const EXAMPLES = syntheticRankings(16, 3, 7);
const CONFIG = { batchSize: 4, epochs: 2, learningRate: 5e-3, beta: 0.1, warmupRatio: 0, validationFraction: 0.25, evalEvery: 4, checkpointEvery: 3, seed: 1 };

describe("trainDpo", () => {
  let root: string;
  let policyDir: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "palate-dpo-"));
    policyDir = await tinyLmDir();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("logs TRL's metrics once per step, grows the margin on training pairs, evaluates on held-out prompts, and saves a loadable policy", async () => {
    const outDir = join(root, "straight");
    const logged: number[] = [];
    const result = await trainDpo({ policyDir, outDir, examples: EXAMPLES, config: CONFIG, onMetrics: (step, v) => "loss" in v && logged.push(step) });
    expect(result.cancelled).toBe(false);
    expect(result.totalSteps).toBe(12);
    expect(result.summary).toMatchObject({ train_pairs: 24, eval_pairs: 8, train_prompts: 12, eval_prompts: 4, examples: 16 });

    const lines = jsonl(join(outDir, "metrics.jsonl"));
    const train = lines.filter((l) => "rewards/margins" in l);
    expect(train.map((l) => l.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(logged).toEqual(train.map((l) => l.step));
    for (const name of DPO_METRIC_NAMES)
      expect(
        train.every((l) => Number.isFinite(l[name])),
        name,
      ).toBe(true);
    expect(train.at(-1)!.epoch).toBe(2);
    // Step 1 is computed before any update: the policy is the reference, every implicit reward 0.
    expect(Math.abs(train[0]["rewards/margins"])).toBeLessThan(1e-3);
    expect(train[0].loss).toBeCloseTo(Math.log(2), 3);
    // The margin on the training pairs grows, and the pairs are won.
    const lastEpoch = train.slice(6);
    const meanMargin = lastEpoch.reduce((s, l) => s + l["rewards/margins"], 0) / lastEpoch.length;
    expect(meanMargin).toBeGreaterThan(0.3);
    expect(lastEpoch.reduce((s, l) => s + l["rewards/accuracies"], 0) / lastEpoch.length).toBeGreaterThan(0.7);
    expect(lastEpoch.reduce((s, l) => s + l.loss, 0) / lastEpoch.length).toBeLessThan(Math.log(2) - 0.02);

    // Evaluations at 4, 8 and the end, under TRL's eval_ names.
    const evals = lines.filter((l) => "eval_loss" in l);
    expect(evals.map((l) => l.step)).toEqual([4, 8, 12]);
    for (const name of DPO_EVAL_METRIC_NAMES) expect(Number.isFinite(evals[2][name]), name).toBe(true);
    expect(result.metrics["eval_rewards/margins"]).toBe(evals[2]["eval_rewards/margins"]);

    // A language-model directory, finished (no optimizer tensors), that loads and generates.
    for (const file of ["config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "model.onnx", "metrics.json", "split.json"])
      expect(existsSync(join(outDir, file)), file).toBe(true);
    expect(existsSync(join(outDir, "optimizer.safetensors"))).toBe(false);
    const split = JSON.parse(readFileSync(join(outDir, "split.json"), "utf8")) as { train: string[]; eval: string[] };
    expect(split.train.filter((k) => split.eval.includes(k))).toEqual([]);
    const policy = await loadLanguageModel(outDir);
    const start = await loadLanguageModel(policyDir);
    expect(policy.weights["transformer.wte.weight"]).not.toEqual(start.weights["transformer.wte.weight"]);
    const decoder = await openDecoder(policy);
    await decoder.release();

    // Run again on the finished directory: returned as it is.
    const again = await trainDpo({ policyDir, outDir, examples: EXAMPLES, config: CONFIG });
    expect(again).toMatchObject({ steps: 12, cancelled: false, resumedFrom: null });
  });

  it("an interrupted run resumes from its checkpoint, logs each step once and ends with the uninterrupted run's weights", async () => {
    const outDir = join(root, "resumed");
    let steps = 0;
    const first = await trainDpo({ policyDir, outDir, examples: EXAMPLES, config: CONFIG, shouldStop: () => steps >= 5, onProgress: () => steps++ });
    expect(first).toMatchObject({ cancelled: true, steps: 5 });
    const state = JSON.parse(readFileSync(join(outDir, "trainer_state.json"), "utf8")) as { step: number; finished: boolean };
    expect(state).toMatchObject({ step: 5, finished: false });
    expect(existsSync(join(outDir, "optimizer.safetensors"))).toBe(true);

    const progress: { step: number; resumedFrom?: number }[] = [];
    const logs: string[] = [];
    const second = await trainDpo({ policyDir, outDir, examples: EXAMPLES, config: CONFIG, onProgress: (p) => progress.push(p), onLog: (t) => logs.push(t) });
    expect(second).toMatchObject({ cancelled: false, steps: 12, resumedFrom: 5 });
    expect(progress[0]).toMatchObject({ step: 6, resumedFrom: 5 });
    // The reference log-probabilities came from the checkpoint, not computed again.
    expect(logs.some((l) => l.startsWith("reference log-probabilities"))).toBe(false);

    const lines = jsonl(join(outDir, "metrics.jsonl"));
    expect(lines.filter((l) => "rewards/margins" in l).map((l) => l.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(lines.filter((l) => "eval_loss" in l).map((l) => l.step)).toEqual([4, 8, 12]);
    const straight = jsonl(join(root, "straight", "metrics.jsonl")).filter((l) => "rewards/margins" in l);
    lines.filter((l) => "rewards/margins" in l).forEach((l, i) => expect(l.loss, `step ${l.step}`).toBeCloseTo(straight[i].loss, 5));
    const a = await loadLanguageModel(outDir);
    const b = await loadLanguageModel(join(root, "straight"));
    const diff = Math.max(...a.weights["transformer.h.0.attn.c_attn.weight"].map((v, i) => Math.abs(v - b.weights["transformer.h.0.attn.c_attn.weight"][i])));
    expect(diff).toBeLessThan(1e-5);
  });

  it("IPO trains too, and a checkpoint of other settings is refused without overwrite", async () => {
    const outDir = join(root, "ipo");
    const config = { ...CONFIG, lossType: "ipo" as const, epochs: 1, evalEvery: 0 };
    const result = await trainDpo({ policyDir, outDir, examples: EXAMPLES, config, shouldStop: () => false });
    const train = jsonl(join(outDir, "metrics.jsonl")).filter((l) => "rewards/margins" in l);
    expect(train).toHaveLength(6);
    // IPO's loss at h = 0 is (1/(2β))² = 25.
    expect(train[0].loss).toBeCloseTo(25, 2);
    expect(train.at(-1)!.loss).toBeLessThan(25);
    expect(result.summary.config.lossType).toBe("ipo");
    await expect(trainDpo({ policyDir, outDir, examples: EXAMPLES, config: { ...config, beta: 0.2 } })).rejects.toThrow(/other settings.*overwrite/);
  });
});
