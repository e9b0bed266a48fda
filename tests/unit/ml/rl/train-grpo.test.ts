import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "@/lib/ml/io";
import { generate } from "@/lib/ml/generate";
import { loadLanguageModel, openDecoder } from "@/lib/ml/nn/language-model";
import { encodePrompt } from "@/lib/ml/rl/ppo-batch";
import type { GrpoConfigInput } from "@/lib/ml/rl/grpo-config";
import type { GrpoEvaluation } from "@/lib/ml/rl/grpo-evaluate";
import {
  GRPO_EVALUATIONS_FILE,
  GRPO_EVAL_METRIC_NAMES,
  GRPO_METRICS_FILE,
  GRPO_METRICS_LOG_FILE,
  GRPO_METRIC_NAMES,
  trainGrpo,
  type GrpoRewardFn,
  type GrpoSummary,
} from "@/lib/ml/rl/train-grpo";
import { tinyLmDir } from "./reward-fixtures";
import { GOOD_TOKENS, ppoPrompts, tinyRewardModelDir, tokenPreferenceDirs } from "./ppo-fixtures";

const root = mkdtempSync(join(tmpdir(), "palate-grpo-"));
const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);
const weightsOf = async (dir: string) => {
  const { tensors } = await readSafetensors(join(dir, "model.safetensors"));
  return Object.fromEntries([...tensors].map(([name, t]) => [name, Array.from(t.data as Float32Array)]));
};

// 6 iterations of 2 prompts × 4 completions; evaluations at 3 and 6; checkpoints every 2; μ = 2 over 2 minibatches.
const SMALL: GrpoConfigInput = {
  totalEpisodes: 48,
  batchSize: 8,
  numGenerations: 4,
  numIterations: 2,
  stepsPerGeneration: 2,
  maxCompletionLength: 6,
  learningRate: 3e-3,
  evalEvery: 3,
  evalPrompts: 4,
  checkpointEvery: 2,
  seed: 4,
};
const train = ppoPrompts(10);
const held = ppoPrompts(4, 100);

/** Rule rewards on text: "red" anywhere (1 or 0), and a length penalty; the total weighs them 1 and 0.5. */
const reward = (_: number, text: string, __: "train" | "eval") => {
  const red = text.includes("red") ? 1 : 0;
  const length = -Math.max(0, text.length - 10) / 10;
  return { total: red + 0.5 * length, parts: { red, length } };
};
const exactMatch = (i: number, text: string) => (i === 3 ? null : text.trim() === "red");

describe("trainGrpo", () => {
  const outDir = join(root, "run");
  let summary: GrpoSummary;

  it("runs: TRL's metrics once per iteration, each reward function's mean, evaluations with accuracy and a sample table, a policy directory", async () => {
    const progress: number[] = [];
    const evaluations: GrpoEvaluation[] = [];
    const r = await trainGrpo({
      policyDir: await tinyLmDir(),
      outDir,
      prompts: train,
      evalPrompts: held,
      evalAnswers: ["red", "red", "red", null],
      reward,
      exactMatch,
      rewardSpec: "red+length",
      config: SMALL,
      onProgress: (p) => progress.push(p.iteration),
      onEvaluation: (e) => evaluations.push(e),
    });
    summary = r.summary;
    expect(r.cancelled).toBe(false);
    expect(r.iterations).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(evaluations.map((e) => e.iteration)).toEqual([3, 6]);

    const lines = jsonl(join(outDir, GRPO_METRICS_LOG_FILE));
    const its = lines.filter((l) => "reward" in l);
    expect(its.map((l) => l.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const line of its) {
      for (const name of [...GRPO_METRIC_NAMES, "rewards/red", "rewards/length"]) expect(Number.isFinite(line[name]), name).toBe(true);
      // The total is the weighted sum of the parts' means.
      expect(line.reward).toBeCloseTo(line["rewards/red"] + 0.5 * line["rewards/length"], 5);
      expect(line.clip_ratio).toBeGreaterThanOrEqual(0);
      expect(line.kl).toBeGreaterThanOrEqual(0);
    }
    expect(its.map((l) => l.episode)).toEqual([8, 16, 24, 32, 40, 48]);
    expect(its[0].lr).toBeCloseTo(3e-3);
    expect(its[5].lr).toBeCloseTo(3e-3 / 6);
    expect(its.some((l) => l.kl > 0)).toBe(true);
    const evalLines = lines.filter((l) => "eval_reward" in l);
    expect(evalLines.map((l) => l.iteration)).toEqual([3, 6]);
    for (const name of [...GRPO_EVAL_METRIC_NAMES, "eval_rewards/red", "eval_accuracy", "eval_accuracy_reference"])
      expect(Number.isFinite(evalLines[1][name]), name).toBe(true);
    expect(r.metrics.reward).toBe(its[5].reward);
    expect(r.metrics.eval_reward).toBe(evalLines[1].eval_reward);

    const e = evaluations[1];
    expect(e.samples).toHaveLength(4);
    expect(e.samples[0].prompt).toContain("item 100");
    expect(e.samples[0].answer).toBe("red");
    expect(e.samples[3].policyCorrect).toBeNull();
    // Accuracy is over the 3 prompts with a reference answer, each answer checked by exactMatch.
    expect(e.accuracy).toBeCloseTo(e.samples.slice(0, 3).filter((s) => s.policyCompletion.trim() === "red").length / 3, 12);
    expect(e.samples[1].policyReward).toBeCloseTo(reward(1, e.samples[1].policyCompletion, "eval").total, 6);
    expect(readFileSync(join(outDir, GRPO_EVALUATIONS_FILE), "utf8").trim().split("\n")).toHaveLength(2);
    const metrics = JSON.parse(readFileSync(join(outDir, GRPO_METRICS_FILE), "utf8")) as GrpoSummary;
    expect(metrics.iterations).toBe(6);
    expect(metrics.reward_spec).toBe("red+length");
    expect(existsSync(join(outDir, "optimizer.safetensors"))).toBe(false);
    expect(JSON.parse(readFileSync(join(outDir, "trainer_state.json"), "utf8"))).toMatchObject({ kind: "grpo", step: 6, finished: true });

    const policy = await loadLanguageModel(outDir);
    expect(policy.config.architectures).toEqual(["GPT2LMHeadModel"]);
    expect(existsSync(join(outDir, "model.onnx"))).toBe(true);
    const decoder = await openDecoder(policy);
    const [completion] = await generate(decoder, [encodePrompt(policy.tokenizer, "Hi.")], { maxNewTokens: 4, temperature: 0 });
    await decoder.release();
    expect(completion.tokenIds.length).toBeGreaterThan(0);
    const start = await loadLanguageModel(await tinyLmDir());
    expect(policy.weights["transformer.h.0.mlp.c_fc.weight"]).not.toEqual(start.weights["transformer.h.0.mlp.c_fc.weight"]);
  });

  it("returns a finished run as it is and refuses other rewards or settings without overwrite", async () => {
    const base = {
      policyDir: await tinyLmDir(),
      outDir,
      prompts: train,
      evalPrompts: held,
      evalAnswers: ["red", "red", "red", null],
      reward,
      exactMatch,
      config: SMALL,
    };
    expect((await trainGrpo({ ...base, rewardSpec: "red+length" })).summary).toEqual(summary);
    await expect(trainGrpo({ ...base, rewardSpec: "other" })).rejects.toThrow(/overwrite/);
    await expect(trainGrpo({ ...base, rewardSpec: "red+length", config: { ...SMALL, beta: 0.1 } })).rejects.toThrow(/overwrite/);
  });

  it("resumes after a crash and after a cancel, each iteration logged once, to the uninterrupted run's weights", async () => {
    const base = {
      policyDir: await tinyLmDir(),
      prompts: train,
      evalPrompts: held,
      evalAnswers: ["red", "red", "red", null],
      reward,
      exactMatch,
      rewardSpec: "red+length",
      config: SMALL,
    };
    const crashed = join(root, "crashed");
    await expect(
      trainGrpo({
        ...base,
        outDir: crashed,
        onMetrics: (it) => {
          if (it === 3) throw new Error("simulated crash");
        },
      }),
    ).rejects.toThrow(/simulated crash/);
    const resumed: (number | undefined)[] = [];
    const r = await trainGrpo({ ...base, outDir: crashed, onProgress: (p) => resumed.push(p.resumedFrom) });
    expect(r.resumedFrom).toBe(2);
    expect(resumed).toEqual([2, undefined, undefined, undefined]);

    const cancelledDir = join(root, "cancelled");
    let seen = 0;
    const c = await trainGrpo({ ...base, outDir: cancelledDir, onProgress: (p) => (seen = p.iteration), shouldStop: () => seen >= 4 });
    expect(c.cancelled).toBe(true);
    expect(c.iterations).toBe(4);
    expect(existsSync(join(cancelledDir, "optimizer.safetensors"))).toBe(true);
    const c2 = await trainGrpo({ ...base, outDir: cancelledDir });
    expect(c2.resumedFrom).toBe(4);

    const reference = await weightsOf(outDir);
    for (const dir of [crashed, cancelledDir]) {
      const lines = jsonl(join(dir, GRPO_METRICS_LOG_FILE));
      expect(lines.filter((l) => "reward" in l).map((l) => l.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(lines.filter((l) => "eval_reward" in l).map((l) => l.iteration)).toEqual([3, 6]);
      expect(await weightsOf(dir)).toEqual(reference);
    }
  });

  it("β = 0 runs no reference (no kl metric); on-policy with a reward model the score joins the reward with its weight, at evaluations too", async () => {
    const values: Record<string, number>[] = [];
    const r = await trainGrpo({
      policyDir: await tinyLmDir(),
      rewardModelDir: await tinyRewardModelDir(),
      outDir: join(root, "beta0"),
      prompts: train,
      evalPrompts: held,
      reward,
      config: { ...SMALL, totalEpisodes: 16, beta: 0, numIterations: 1, stepsPerGeneration: 1, rewardModelWeight: 2, evalEvery: 0 },
      onMetrics: (_, v) => values.push(v),
    });
    const its = values.filter((v) => "reward" in v);
    expect(its).toHaveLength(2);
    for (const v of its) {
      expect("kl" in v).toBe(false);
      expect(Number.isFinite(v["rewards/reward_model"])).toBe(true);
      expect(v.reward).toBeCloseTo(v["rewards/red"] + 0.5 * v["rewards/length"] + 2 * v["rewards/reward_model"], 5);
      expect(v.clip_ratio).toBe(0); // on-policy: ratio 1
    }
    const e = r.evaluation!;
    expect(e.iteration).toBe(2);
    expect(e.accuracy).toBeNull(); // no exactMatch given
    for (const s of e.samples) {
      const rule = reward(0, s.policyCompletion, "eval").total;
      expect(Math.abs(s.policyReward - rule)).toBeGreaterThan(0); // the reward model's share is in it
    }
    expect(e.reward).toBeCloseTo(e.rewards.red + 0.5 * e.rewards.length + 2 * e.rewards.reward_model, 5);
  });

  it("learns an easy rule reward: completions come to end on the preferred tokens", async () => {
    const { policyDir, prompts } = await tokenPreferenceDirs();
    const rewards: number[] = [];
    const lastGood: GrpoRewardFn = (_, text) => {
      const good = GOOD_TOKENS.has(Number(text.split(" ").at(-1))) ? 1 : 0;
      return { total: good, parts: { good } };
    };
    const r = await trainGrpo({
      policyDir,
      outDir: join(root, "learn"),
      prompts: prompts.slice(0, 20),
      evalPrompts: prompts.slice(20),
      reward: lastGood,
      stopTokenId: null,
      config: { ...SMALL, totalEpisodes: 16 * 20, batchSize: 16, numGenerations: 8, maxCompletionLength: 3, learningRate: 1e-2, evalEvery: 0, beta: 0.01 },
      onMetrics: (_, v) => {
        if ("reward" in v) rewards.push(v.reward);
      },
    });
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(rewards.slice(-4))).toBeGreaterThan(mean(rewards.slice(0, 4)) + 0.4);
    const e = r.evaluation!;
    expect(e.reward).toBeGreaterThan(e.reward_reference + 0.5);
  });
});
