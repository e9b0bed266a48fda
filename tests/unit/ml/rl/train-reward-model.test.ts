import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModelDir } from "@/lib/ml/io";
import { Session, int64 } from "@/lib/ml/onnx";
import type { RankingExample } from "@/lib/ml/rl/reward-data";
import { RewardScorer } from "@/lib/ml/rl/reward-scorer";
import type { RewardConfigInput } from "@/lib/ml/rl/reward-config";
import {
  METRICS_FILE,
  METRICS_LOG_FILE,
  OPTIMIZER_FILE,
  SPLIT_FILE,
  TRAINER_STATE_FILE,
  trainRewardModel,
  type RewardMetrics,
} from "@/lib/ml/rl/train-reward-model";
import { GOOD_WORD, syntheticRankings, tinyLmDir } from "./reward-fixtures";

const root = mkdtempSync(join(tmpdir(), "palate-train-rm-"));
const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

const LEARN: RewardConfigInput = {
  learningRate: 3e-3,
  epochs: 6,
  batchSize: 8,
  validationFraction: 0.25,
  evalEvery: 10,
  checkpointEvery: 100,
  seed: 3,
};

describe("trainRewardModel", () => {
  // K = 4 with ties: two completions contain the word, two do not.
  const examples = syntheticRankings(64, 4, 1, 2);
  const outDir = join(root, "learn");
  let metrics: RewardMetrics;

  it("learns a synthetic preference and reaches high held-out accuracy", async () => {
    const steps: number[] = [];
    const epochs: number[] = [];
    const evals: Record<string, number>[] = [];
    const r = await trainRewardModel({
      baseDir: await tinyLmDir(),
      outDir,
      examples,
      config: LEARN,
      onProgress: (p) => (steps.push(p.step), epochs.push(p.epoch)),
      onMetrics: (step, v) => {
        if ("eval_loss" in v) evals.push({ step, ...v });
      },
    });
    metrics = r.metrics;
    expect(r.cancelled).toBe(false);
    expect(r.resumedFrom).toBeNull();
    expect(r.totalSteps).toBe(6 * Math.ceil(48 / 8));
    expect(steps).toEqual(Array.from({ length: r.totalSteps }, (_, i) => i + 1));
    expect(epochs).toEqual(Array.from({ length: r.totalSteps }, (_, i) => Math.floor(i / 6) + 1));
    expect(evals.map((e) => e.step)).toEqual([10, 20, 30, 36]);
    expect(r.metrics.eval_accuracy).toBeGreaterThan(0.9);
    expect(r.metrics.eval_loss!).toBeLessThan(evals[0].eval_loss);
    expect(r.metrics.eval_margin!).toBeGreaterThan(0);
  });

  it("writes metrics.jsonl, metrics.json and split.json", () => {
    const lines = jsonl(join(outDir, METRICS_LOG_FILE));
    const train = lines.filter((l) => "loss" in l);
    expect(train.map((l) => l.step)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    for (const key of ["loss", "accuracy", "margin", "mean_reward", "min_reward", "max_reward", "grad_norm", "lr", "epoch"]) {
      expect(Number.isFinite(train[0][key]), key).toBe(true);
    }
    expect(train.at(-1)!.epoch).toBeCloseTo(6);
    expect(train[0].min_reward).toBeLessThanOrEqual(train[0].mean_reward);
    expect(train[0].mean_reward).toBeLessThanOrEqual(train[0].max_reward);
    const evalLines = lines.filter((l) => "eval_loss" in l);
    expect(evalLines.map((l) => l.step)).toEqual([10, 20, 30, 36]);
    expect(Object.keys(evalLines[0]).sort()).toEqual(
      ["step", "eval_loss", "eval_accuracy", "eval_margin", "eval_mean_reward", "eval_min_reward", "eval_max_reward"].sort(),
    );

    const m = json(join(outDir, METRICS_FILE)) as RewardMetrics;
    expect(m).toEqual(metrics);
    expect(m.eval_accuracy).toBe(evalLines.at(-1)!.eval_accuracy);
    expect(m.train_rankings).toBe(48);
    expect(m.eval_rankings).toBe(16);
    expect(m.train_pairs).toBe(48 * 4); // 2 × 2 pairs per ranking, ties give none
    expect(m.eval_pairs).toBe(16 * 4);
    expect(m.dropped_without_pairs).toBe(0);
    expect(m.steps).toBe(36);
    expect(m.epochs).toBe(6);
    expect(m.training_set_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.config.learningRate).toBe(3e-3);
    expect(m.config.margin).toBe(0); // defaults resolved
    expect(m.calibration!.set).toBe("eval");
    expect(m.eval_prompts).toBe(16);
    expect(m.train_prompts).toBe(48);
    // Each held-out pair once, from the model's favourite: the table's total is eval_pairs, and
    // the pairs it puts right are eval_accuracy × eval_pairs.
    expect(m.calibration!.orientation).toBe("favourite");
    const bins = m.calibration!.bins;
    expect(bins).toHaveLength(5);
    expect(bins[0].lo).toBe(0.5);
    expect(bins[4].hi).toBe(1);
    const total = bins.reduce((s, b) => s + b.count, 0);
    expect(total).toBe(m.eval_pairs);
    const right = bins.reduce((s, b) => s + b.count * (b.observed ?? 0), 0);
    expect(right).toBeCloseTo(m.eval_accuracy! * m.eval_pairs, 6);
    for (const b of bins.filter((x) => x.count > 0)) {
      expect(b.meanPredicted!).toBeGreaterThanOrEqual(b.lo);
      expect(b.meanPredicted!).toBeLessThanOrEqual(b.hi);
    }
    expect(right / total).toBeGreaterThan(0.9); // the favourite is mostly the preferred one

    const split = json(join(outDir, SPLIT_FILE)) as { train: string[]; eval: string[] };
    expect(split.train).toHaveLength(48);
    expect(split.eval).toHaveLength(16);
    expect(split.eval.filter((k) => split.train.includes(k))).toEqual([]);
  });

  it("saves a model directory that loads as GPT2ForSequenceClassification", async () => {
    const dir = await loadModelDir(outDir);
    expect(dir.config.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(dir.config.pad_token_id).toBe(0);
    expect(dir.config.id2label).toEqual({ "0": "LABEL_0" });
    expect(dir.params.get("score.weight")!.shape).toEqual([1, 32]);
    expect(dir.tokenizer).not.toBeNull();
    expect(dir.onnxPath).not.toBeNull();
    const raw = json(join(outDir, "config.json"));
    expect(raw.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(existsSync(join(outDir, OPTIMIZER_FILE))).toBe(false);
    expect(json(join(outDir, TRAINER_STATE_FILE)).finished).toBe(true);
  });

  it("scores held-out prompts with the scorer as model.onnx does, padding included", async () => {
    const split = json(join(outDir, SPLIT_FILE)) as { eval: string[] };
    const held = examples.filter((e) => split.eval.includes(e.promptKey));
    const items = held.flatMap((e) => e.completions.map((completion) => ({ prompt: e.prompt, completion })));
    const scorer = await RewardScorer.load(outDir);
    const scores = await scorer.score(items, { batchSize: 5 });
    const one = await scorer.score(items.slice(0, 3), { batchSize: 1 });
    for (let i = 0; i < 3; i++) expect(one[i]).toBeCloseTo(scores[i], 4);

    // model.onnx on one right-padded batch of all items.
    const seqs = items.map((it) => scorer.encode(it));
    const T = Math.max(...seqs.map((s) => s.length));
    const ids = new Array(seqs.length * T).fill(0);
    const mask = new Array(seqs.length * T).fill(0);
    seqs.forEach((s, b) => s.forEach((id, t) => ((ids[b * T + t] = id), (mask[b * T + t] = 1))));
    const session = await Session.create(join(outDir, "model.onnx"), { intraOpNumThreads: 1 });
    const out = await session.run({ input_ids: int64(ids, [seqs.length, T]), attention_mask: int64(mask, [seqs.length, T]) });
    const logits = Array.from(out.logits.data as Float32Array);
    let worst = 0;
    for (let i = 0; i < items.length; i++) worst = Math.max(worst, Math.abs(logits[i] - scores[i]));
    expect(worst).toBeLessThan(1e-4);
    await session.release();

    // The learned preference: the word wins.
    let right = 0;
    let total = 0;
    items.forEach((a, i) =>
      items.forEach((b, j) => {
        if (a.prompt !== b.prompt || !a.completion.includes(GOOD_WORD) || b.completion.includes(GOOD_WORD)) return;
        total++;
        if (scores[i] > scores[j]) right++;
      }),
    );
    expect(right / total).toBeGreaterThan(0.9);
    await scorer.release();
  });

  it("scores a conversation longer than n_positions by its last tokens", async () => {
    const scorer = await RewardScorer.load(outDir);
    const long = { prompt: [{ role: "user" as const, content: "Say something about item 1. ".repeat(40) }], completion: `red ${GOOD_WORD}.` };
    const ids = scorer.encode(long);
    expect(ids).toHaveLength(48); // the tiny model's n_positions
    expect(ids.at(-1)).toBe(scorer.tokenizer.tokenToId("<|end|>"));
    const [s] = await scorer.score([long]);
    expect(Number.isFinite(s)).toBe(true);
    await scorer.release();
    await expect(scorer.score([long])).rejects.toThrow(/released/);
  });

  it("returns the stored result for a finished outDir without training", async () => {
    let progressed = false;
    const r = await trainRewardModel({ baseDir: await tinyLmDir(), outDir, examples, config: LEARN, onProgress: () => (progressed = true) });
    expect(progressed).toBe(false);
    expect(r.steps).toBe(36);
    expect(r.metrics).toEqual(metrics);
    await expect(trainRewardModel({ baseDir: await tinyLmDir(), outDir, examples: examples.slice(1), config: LEARN })).rejects.toThrow(/overwrite/);
  });

  it("resumes after an abort and ends with exactly the weights of an uninterrupted run", async () => {
    const data = syntheticRankings(24, 3, 5);
    const config: RewardConfigInput = { learningRate: 2e-3, epochs: 2, batchSize: 4, validationFraction: 0.2, evalEvery: 4, checkpointEvery: 3, seed: 1 };
    const straight = join(root, "straight");
    const resumed = join(root, "resumed");
    const full: number[] = [];
    const base = await tinyLmDir();
    await trainRewardModel({ baseDir: base, outDir: straight, examples: data, config, onMetrics: (_, v) => "loss" in v && full.push(v.loss) });

    const controller = new AbortController();
    const losses: number[] = [];
    const r1 = await trainRewardModel({
      baseDir: base,
      outDir: resumed,
      examples: data,
      config,
      signal: controller.signal,
      onMetrics: (_, v) => "loss" in v && losses.push(v.loss),
      onProgress: (p) => p.step === 5 && controller.abort(),
    });
    expect(r1.cancelled).toBe(true);
    expect(r1.steps).toBe(5);
    expect(json(join(resumed, TRAINER_STATE_FILE)).step).toBe(5);
    expect(existsSync(join(resumed, OPTIMIZER_FILE))).toBe(true);

    let resumedFrom: number | undefined;
    const r2 = await trainRewardModel({
      baseDir: base,
      outDir: resumed,
      examples: data,
      config,
      onMetrics: (_, v) => "loss" in v && losses.push(v.loss),
      onProgress: (p) => (resumedFrom ??= p.resumedFrom),
    });
    expect(r2.resumedFrom).toBe(5);
    expect(resumedFrom).toBe(5);
    expect(r2.steps).toBe(r2.totalSteps);
    expect(losses).toHaveLength(full.length);
    for (let i = 0; i < full.length; i++) expect(losses[i]).toBeCloseTo(full[i], 5);

    const a = await loadModelDir(straight);
    const b = await loadModelDir(resumed);
    let worst = 0;
    for (const [name, t] of a.params) {
      const u = b.params.get(name)!.data;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u[i]));
    }
    expect(worst).toBe(0);
    // The log holds each step once, in order, as the uninterrupted run's does.
    const steps = (dir: string) => jsonl(join(dir, METRICS_LOG_FILE)).map((l) => `${l.step}:${"loss" in l ? "train" : "eval"}`);
    expect(steps(resumed)).toEqual(steps(straight));
    expect(json(join(resumed, METRICS_FILE)).eval_accuracy).toBe(json(join(straight, METRICS_FILE)).eval_accuracy);
  });

  it("trains on K = 2 with merged pair counts and no held-out set; drops rankings without pairs", async () => {
    const data: RankingExample[] = syntheticRankings(20, 2, 9).map((e) => {
      const [good] = e.groups[0];
      const prefs = [
        [0, 0],
        [0, 0],
      ];
      prefs[good][1 - good] = 2; // two annotators agree…
      prefs[1 - good][good] = 1; // …one does not
      return { ...e, preferences: prefs };
    });
    data.push({ promptKey: "tie", prompt: [{ role: "user", content: "x" }], completions: ["a", "b"], groups: [[0, 1]] });
    data.push({ promptKey: "bad", prompt: [{ role: "user", content: "y" }], completions: ["a", "b"], groups: [[0], [1]], noneAcceptable: true });
    const out = join(root, "k2");
    const r = await trainRewardModel({
      baseDir: await tinyLmDir(),
      outDir: out,
      examples: data,
      config: { learningRate: 3e-3, epochs: 3, batchSize: 4, validationFraction: 0, seed: 2 },
    });
    expect(r.metrics.dropped_without_pairs).toBe(1);
    expect(r.metrics.dropped_none_acceptable).toBe(1);
    expect(r.metrics.train_rankings).toBe(20);
    expect(r.metrics.train_pairs).toBe(60);
    expect(r.metrics.eval_accuracy).toBeNull();
    expect(r.metrics.eval_loss).toBeNull();
    expect(r.metrics.calibration!.set).toBe("train");
    // Merged rankings (2 agree, 1 disagrees): 3 pairs per example, each once in the table.
    expect(r.metrics.calibration!.bins.reduce((s, b) => s + b.count, 0)).toBe(60);
    expect(r.metrics.batch_shape.completions).toBe(2);
    expect(jsonl(join(out, METRICS_LOG_FILE)).some((l) => "eval_loss" in l)).toBe(false);
    expect(json(join(out, SPLIT_FILE)).eval).toEqual([]);

    // Continuing from a reward model keeps its head (and so its scores, before any step).
    const again = await trainRewardModel({
      baseDir: out,
      outDir: join(root, "k2-continued"),
      examples: data,
      config: { learningRate: 1e-9, epochs: 1, batchSize: 4, validationFraction: 0, seed: 99 },
    });
    expect(again.steps).toBe(5);
    const before = await loadModelDir(out);
    const after = await loadModelDir(join(root, "k2-continued"));
    const d = Math.max(...Array.from(before.params.get("score.weight")!.data, (x, i) => Math.abs(x - after.params.get("score.weight")!.data[i])));
    expect(d).toBeLessThan(1e-5);
  });
  it("subtracts each example's margin (a pairwise strength) with marginFromStrength, in training and evaluation", async () => {
    const data: RankingExample[] = syntheticRankings(12, 2, 5).map((e) => ({ ...e, margin: 2 }));
    const base = await tinyLmDir();
    const plain = await trainRewardModel({
      baseDir: base,
      outDir: join(root, "strength-off"),
      examples: data,
      config: { learningRate: 1e-9, epochs: 1, batchSize: 4, validationFraction: 0.5, evalEvery: 0, seed: 1 },
    });
    const strong = await trainRewardModel({
      baseDir: base,
      outDir: join(root, "strength-on"),
      examples: data,
      config: { learningRate: 1e-9, epochs: 1, batchSize: 4, validationFraction: 0.5, evalEvery: 0, seed: 1, marginFromStrength: true },
    });
    // Same weights (no learning), same pairs: the margin of 2 moves each pair's loss from softplus(−Δ) to softplus(2 − Δ).
    expect(strong.metrics.eval_margin).toBeCloseTo(plain.metrics.eval_margin!, 5);
    const delta = plain.metrics.eval_margin!;
    expect(Math.abs(delta)).toBeLessThan(0.5);
    expect(strong.metrics.eval_loss! - plain.metrics.eval_loss!).toBeGreaterThan(1);
    const trainLoss = (dir: string) => jsonl(join(root, dir, METRICS_LOG_FILE)).find((l) => "loss" in l)!.loss;
    expect(trainLoss("strength-on") - trainLoss("strength-off")).toBeGreaterThan(1);
    expect(strong.metrics.config.marginFromStrength).toBe(true);
  });
});
