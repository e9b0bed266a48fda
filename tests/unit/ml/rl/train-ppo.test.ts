import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "@/lib/ml/io";
import { generate } from "@/lib/ml/generate";
import { loadLanguageModel, openDecoder, shapeOf } from "@/lib/ml/nn/language-model";
import { loadValueModel } from "@/lib/ml/nn/value-model";
import { flatLayout, packParams } from "@/lib/ml/nn/flat-params";
import { gpt2ParamSpecs } from "@/lib/ml/nn/gpt2-config";
import { valueModelParamSpecs } from "@/lib/ml/nn/value-model";
import { Random } from "@/lib/ml/random";
import { encodePrompt, makePpoBatch, selectRows } from "@/lib/ml/rl/ppo-batch";
import { PpoUpdate, policyAndValueParams, ppoAdamW } from "@/lib/ml/rl/ppo-update";
import type { PpoConfigInput } from "@/lib/ml/rl/ppo-config";
import { PpoScorer } from "@/lib/ml/rl/ppo-score";
import { RewardScorer } from "@/lib/ml/rl/reward-scorer";
import {
  PPO_EVALUATIONS_FILE,
  PPO_METRICS_FILE,
  PPO_METRICS_LOG_FILE,
  PPO_EVAL_METRIC_NAMES,
  PPO_METRIC_NAMES,
  PPO_PTX_METRIC_NAME,
  PPO_SPLIT_FILE,
  PPO_VALUE_DIR,
  ptxDemonstrations,
  trainPpo,
  type PpoSummary,
} from "@/lib/ml/rl/train-ppo";
import { tinyLmDir } from "./reward-fixtures";
import { GOOD_TOKENS, ppoPrompts, tinyRewardModelDir, tokenPreferenceDirs } from "./ppo-fixtures";

const root = mkdtempSync(join(tmpdir(), "palate-ppo-"));
const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);
const weightsOf = async (dir: string) => {
  const { tensors } = await readSafetensors(join(dir, "model.safetensors"));
  return Object.fromEntries([...tensors].map(([name, t]) => [name, Array.from(t.data as Float32Array)]));
};

// 6 iterations of 8 episodes; 2 epochs × 2 minibatches; evaluations at 3 and 6; checkpoints every 2.
const SMALL: PpoConfigInput = {
  totalEpisodes: 48,
  batchSize: 8,
  numMiniBatches: 2,
  numPpoEpochs: 2,
  responseLength: 6,
  learningRate: 3e-3,
  temperature: 1,
  evalEvery: 3,
  evalPrompts: 4,
  checkpointEvery: 2,
  missingEosPenalty: 0.5,
  seed: 4,
};
const train = ppoPrompts(20);
const held = ppoPrompts(4, 100);

describe("PPO scoring pass", () => {
  it("gives the sampler's log-probabilities, the reward model's score and zero KL at the start, prompts of any length", async () => {
    const lm = await loadLanguageModel(await tinyLmDir());
    const rmDir = await tinyRewardModelDir();
    const rm = await loadValueModel(rmDir);
    const prompts = [
      "Hi.",
      "Say something about item 12345 and item 678.",
      [
        { role: "system" as const, content: "Be brief." },
        { role: "user" as const, content: "Say red." },
      ],
    ].map((p) => encodePrompt(lm.tokenizer, p));
    const shape = { promptLength: Math.max(...prompts.map((p) => p.length)) + 2, responseLength: 5 };
    const decoder = await openDecoder(lm);
    const completions = await generate(decoder, prompts, { maxNewTokens: 5, temperature: 1, seed: 3, eosTokenIds: [lm.tokenizer!.tokenToId("<|end|>")!] });
    await decoder.release();
    const batch = makePpoBatch(
      prompts,
      completions.map((c) => c.tokenIds),
      completions.map((c) => c.finishReason === "eos"),
      shape,
      0,
      4,
    );
    const { flatLayout, packParams } = await import("@/lib/ml/nn/flat-params");
    const { gpt2ParamSpecs } = await import("@/lib/ml/nn/gpt2-config");
    const { valueModelParamSpecs } = await import("@/lib/ml/nn/value-model");
    const scorer = await PpoScorer.create({
      policy: shapeOf(lm),
      value: shapeOf({ ...rm, tokenizer: null }),
      reward: shapeOf({ ...rm, tokenizer: null }),
      rows: 4,
      shape,
      temperature: 1,
      reference: lm.weights,
      rewardModel: rm.weights,
    });
    const s = await scorer.run(
      batch,
      packParams(flatLayout(gpt2ParamSpecs(shapeOf(lm))), lm.weights),
      packParams(flatLayout(valueModelParamSpecs(shapeOf({ ...rm, tokenizer: null }))), rm.weights),
    );
    await scorer.release();
    const R = shape.responseLength;
    const rewardScorer = await RewardScorer.load(rmDir);
    const expected = await rewardScorer.scoreIds(prompts.map((p, b) => [...p, ...completions[b].tokenIds]));
    await rewardScorer.release();
    completions.forEach((c, b) => {
      c.logprobs.forEach((lp, t) => {
        expect(s.logprobs[b * R + t]).toBeCloseTo(lp, 4);
        expect(s.refLogprobs[b * R + t]).toBeCloseTo(lp, 4);
      });
      expect(s.scores[b]).toBeCloseTo(expected[b], 4);
    });
    expect(s.scores[3]).toBe(0); // the dummy row
  });
});

describe("trainPpo", () => {
  const outDir = join(root, "run");
  let summary: PpoSummary;

  it("runs: TRL's metrics every iteration, evaluations with a sample table, a policy and a value model directory", async () => {
    const progress: number[] = [];
    const evaluations: number[] = [];
    const r = await trainPpo({
      policyDir: await tinyLmDir(),
      rewardModelDir: await tinyRewardModelDir(),
      outDir,
      prompts: train,
      evalPrompts: held,
      config: SMALL,
      onProgress: (p) => progress.push(p.iteration),
      onEvaluation: (e) => evaluations.push(e.iteration),
    });
    summary = r.summary;
    expect(r.cancelled).toBe(false);
    expect(r.resumedFrom).toBeNull();
    expect(r.iterations).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(evaluations).toEqual([3, 6]);

    const lines = jsonl(join(outDir, PPO_METRICS_LOG_FILE));
    const its = lines.filter((l) => "objective/scores" in l);
    expect(its.map((l) => l.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const line of its) for (const name of PPO_METRIC_NAMES) expect(Number.isFinite(line[name]), name).toBe(true);
    expect(its.map((l) => l.episode)).toEqual([8, 16, 24, 32, 40, 48]);
    expect(its[0]["objective/kl"]).toBeCloseTo(0, 4); // policy = reference at the first rollout
    expect(its[0].lr).toBeCloseTo(3e-3);
    expect(its[5].lr).toBeCloseTo(3e-3 * (1 / 6));
    expect(its.some((l) => l["policy/approxkl_avg"] > 0)).toBe(true);
    const evalLines = lines.filter((l) => "eval_scores" in l);
    expect(evalLines.map((l) => l.iteration)).toEqual([3, 6]);
    for (const name of PPO_EVAL_METRIC_NAMES) expect(Number.isFinite(evalLines[1][name]), name).toBe(true);
    expect(r.metrics["objective/scores"]).toBe(its[5]["objective/scores"]);
    expect(r.metrics.eval_scores).toBe(evalLines[1].eval_scores);

    const evals = readFileSync(join(outDir, PPO_EVALUATIONS_FILE), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(evals[1].samples).toHaveLength(4);
    expect(Object.keys(evals[1].samples[0]).sort()).toEqual(["policyAnswer", "policyScore", "prompt", "referenceAnswer", "referenceScore"]);
    expect(evals[1].samples[0].prompt).toContain("item 100");
    const metrics = JSON.parse(readFileSync(join(outDir, PPO_METRICS_FILE), "utf8")) as PpoSummary;
    expect(metrics.iterations).toBe(6);
    expect(metrics.evaluation?.iteration).toBe(6);
    expect(metrics.last?.iteration).toBe(6);
    expect(JSON.parse(readFileSync(join(outDir, PPO_SPLIT_FILE), "utf8"))).toMatchObject({ train_prompts: 20, eval_prompts: 4 });
    expect(existsSync(join(outDir, "optimizer.safetensors"))).toBe(false);
    expect(JSON.parse(readFileSync(join(outDir, "trainer_state.json"), "utf8"))).toMatchObject({ kind: "ppo", step: 6, finished: true });

    // The policy: a language-model directory that generates; its weights moved from the SFT model's.
    const policy = await loadLanguageModel(outDir);
    expect(policy.config.architectures).toEqual(["GPT2LMHeadModel"]);
    expect(existsSync(join(outDir, "model.onnx"))).toBe(true);
    const decoder = await openDecoder(policy);
    const [completion] = await generate(decoder, [encodePrompt(policy.tokenizer, "Hi.")], { maxNewTokens: 4, temperature: 0 });
    await decoder.release();
    expect(completion.tokenIds.length).toBeGreaterThan(0);
    const sft = await loadLanguageModel(await tinyLmDir());
    expect(policy.weights["transformer.h.0.mlp.c_fc.weight"]).not.toEqual(sft.weights["transformer.h.0.mlp.c_fc.weight"]);
    // The value model: a reward-model directory the scorer loads.
    const scorer = await RewardScorer.load(join(outDir, PPO_VALUE_DIR));
    const [v] = await scorer.score([{ prompt: [{ role: "user", content: "Hi." }], completion: "red" }]);
    await scorer.release();
    expect(Number.isFinite(v)).toBe(true);
  });

  it("returns a finished run as it is and refuses other settings without overwrite", async () => {
    const again = await trainPpo({
      policyDir: await tinyLmDir(),
      rewardModelDir: await tinyRewardModelDir(),
      outDir,
      prompts: train,
      evalPrompts: held,
      config: SMALL,
    });
    expect(again.summary).toEqual(summary);
    await expect(
      trainPpo({
        policyDir: await tinyLmDir(),
        rewardModelDir: await tinyRewardModelDir(),
        outDir,
        prompts: train,
        evalPrompts: held,
        config: { ...SMALL, seed: 5 },
      }),
    ).rejects.toThrow(/overwrite/);
  });

  it("starts a later round from a trained policy, with the KL taken against a separate reference", async () => {
    const kls: number[] = [];
    const base = { rewardModelDir: await tinyRewardModelDir(), prompts: train, config: { ...SMALL, totalEpisodes: 8 } };
    const onMetrics = (_: number, v: Record<string, number>) => kls.push(v["objective/kl"]);
    await trainPpo({ ...base, policyDir: outDir, referenceDir: await tinyLmDir(), outDir: join(root, "round2"), onMetrics });
    await trainPpo({ ...base, policyDir: outDir, outDir: join(root, "round2-self"), onMetrics });
    expect(Math.abs(kls[0])).toBeGreaterThan(1e-3);
    expect(kls[1]).toBeCloseTo(0, 5);
  });

  it("resumes after a crash and after a cancel, each iteration logged once, to the uninterrupted run's weights", async () => {
    const base = { policyDir: await tinyLmDir(), rewardModelDir: await tinyRewardModelDir(), prompts: train, evalPrompts: held, config: SMALL };
    // A crash during iteration 3's bookkeeping: the last checkpoint is iteration 2's.
    const crashed = join(root, "crashed");
    await expect(
      trainPpo({
        ...base,
        outDir: crashed,
        onMetrics: (it) => {
          if (it === 3) throw new Error("simulated crash");
        },
      }),
    ).rejects.toThrow(/simulated crash/);
    const resumed: (number | undefined)[] = [];
    const r = await trainPpo({ ...base, outDir: crashed, onProgress: (p) => resumed.push(p.resumedFrom) });
    expect(r.resumedFrom).toBe(2);
    expect(resumed).toEqual([2, undefined, undefined, undefined]);

    // A cancel after iteration 4, then a resume.
    const cancelledDir = join(root, "cancelled");
    let seen = 0;
    const c = await trainPpo({ ...base, outDir: cancelledDir, onProgress: (p) => (seen = p.iteration), shouldStop: () => seen >= 4 });
    expect(c.cancelled).toBe(true);
    expect(c.iterations).toBe(4);
    const c2 = await trainPpo({ ...base, outDir: cancelledDir });
    expect(c2.resumedFrom).toBe(4);

    const reference = await weightsOf(outDir);
    for (const dir of [crashed, cancelledDir]) {
      const lines = jsonl(join(dir, PPO_METRICS_LOG_FILE));
      expect(lines.filter((l) => "objective/scores" in l).map((l) => l.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(lines.filter((l) => "eval_scores" in l).map((l) => l.iteration)).toEqual([3, 6]);
      expect(await weightsOf(dir)).toEqual(reference);
      expect(await weightsOf(join(dir, PPO_VALUE_DIR))).toEqual(await weightsOf(join(outDir, PPO_VALUE_DIR)));
    }
  });

  it("the update's log-probabilities are the rollout's: ratio 1 and no clipping when the weights barely move", async () => {
    const values: Record<string, number>[] = [];
    await trainPpo({
      policyDir: await tinyLmDir(),
      rewardModelDir: await tinyRewardModelDir(),
      outDir: join(root, "still"),
      prompts: train,
      config: { ...SMALL, totalEpisodes: 8, learningRate: 1e-12, temperature: 0.7, topK: 20 },
      onMetrics: (_, v) => values.push(v),
    });
    expect(values).toHaveLength(1);
    expect(values[0]["val/ratio"]).toBeCloseTo(1, 5);
    expect(values[0]["val/ratio_var"]).toBeLessThan(1e-10);
    expect(values[0]["policy/approxkl_avg"]).toBeLessThan(1e-10);
    expect(values[0]["policy/clipfrac_avg"]).toBe(0);
    expect(values[0]["objective/kl"]).toBeCloseTo(0, 5);
  });

  it("learns an easy reward: responses come to end on the preferred tokens", async () => {
    const { policyDir, rewardModelDir, prompts } = await tokenPreferenceDirs();
    const scores: number[] = [];
    const r = await trainPpo({
      policyDir,
      rewardModelDir,
      outDir: join(root, "learn"),
      prompts: prompts.slice(0, 20),
      evalPrompts: prompts.slice(20),
      stopTokenId: null,
      config: { ...SMALL, totalEpisodes: 8 * 24, responseLength: 4, learningRate: 1e-2, evalEvery: 0, missingEosPenalty: 0, klCoef: 0.01 },
      onMetrics: (_, v) => {
        if ("objective/scores" in v) scores.push(v["objective/scores"]);
      },
    });
    // Scores are +1 for a preferred last token, −1 otherwise: the mean is 2·(share preferred) − 1.
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(scores.slice(-4))).toBeGreaterThan(mean(scores.slice(0, 4)) + 0.75);
    const e = r.evaluation!;
    expect(e.scores_reference).toBeLessThan(0);
    expect(e.scores).toBeGreaterThan(e.scores_reference + 1);
    const lastTokens = e.samples.map((s) => Number(s.policyAnswer.split(" ").at(-1)));
    expect(lastTokens.filter((t) => GOOD_TOKENS.has(t)).length).toBeGreaterThanOrEqual(3);
  });
});

describe("PPO-ptx (config.ptxCoef > 0)", () => {
  const demos = (n: number) => ppoPrompts(n, 200).map((prompt, i) => ({ prompt, answer: i % 2 === 0 ? "Red." : "Blue and red." }));

  it("the update's ptx loss is the policy's mean negative log-likelihood of the answer tokens (end token included)", async () => {
    const lm = await loadLanguageModel(await tinyLmDir());
    const rmDir = await tinyRewardModelDir();
    const rm = await loadValueModel(rmDir);
    const rmShape = shapeOf({ ...rm, tokenizer: null });
    const end = lm.tokenizer!.tokenToId("<|end|>")!;
    const shape = { promptLength: 16, responseLength: 6 };
    const d = demos(4);
    const demoIds = ptxDemonstrations({ ptxCoef: 1 }, d, lm.tokenizer, shape, end)!;
    expect(demoIds[0].answer.at(-1)).toBe(end); // "Red." + <|end|>
    expect(demoIds[1].answer).toHaveLength(shape.responseLength); // cut to R
    const ptxBatch = makePpoBatch(
      demoIds.map((x) => x.prompt),
      demoIds.map((x) => x.answer),
      demoIds.map(() => true),
      shape,
      0,
    );
    // The reference's log-probabilities at temperature 1 (the scoring pass) of the same rows.
    const scorer = await PpoScorer.create({
      policy: shapeOf(lm),
      value: rmShape,
      reward: rmShape,
      rows: 4,
      shape,
      temperature: 1,
      reference: lm.weights,
      rewardModel: rm.weights,
    });
    const { layout, policySize } = policyAndValueParams(shapeOf(lm), rmShape);
    const weights = new Float32Array(layout.size);
    weights.set(packParams(flatLayout(gpt2ParamSpecs(shapeOf(lm))), lm.weights), 0);
    weights.set(packParams(flatLayout(valueModelParamSpecs(rmShape)), rm.weights), policySize);
    const s = await scorer.run(ptxBatch, weights.subarray(0, policySize), weights.subarray(policySize));
    await scorer.release();
    let nll = 0;
    let n = 0;
    ptxBatch.mask.forEach((m, i) => {
      if (m === 0) return;
      nll -= s.refLogprobs[i];
      n++;
    });
    expect(n).toBe(demoIds.reduce((sum, x) => sum + x.answer.length, 0));

    // One update step (learning rate 0) on an episode batch of 2 rows beside the 4 demonstrations.
    const update = await PpoUpdate.create(
      { policy: shapeOf(lm), value: rmShape, rows: 2, shape, temperature: 0.7, cliprange: 0.2, cliprangeValue: 0.2, vfCoef: 0.1, ptx: { rows: 4, coef: 0.5 } },
      ppoAdamW({ maxGradNorm: 1 }),
    );
    const episodes = selectRows(ptxBatch, [0, 1]);
    const zeros = new Float32Array(2 * shape.responseLength);
    const stats = await update.run(
      { weights, m: new Float32Array(layout.size), v: new Float32Array(layout.size), step: 0 },
      episodes,
      { logprobs: zeros, values: zeros, advantages: zeros, returns: zeros },
      { numPpoEpochs: 1, numMiniBatches: 1 },
      0,
      new Random(1),
      () => ptxBatch,
    );
    await expect(
      update.run(
        { weights, m: new Float32Array(layout.size), v: new Float32Array(layout.size), step: 0 },
        episodes,
        { logprobs: zeros, values: zeros, advantages: zeros, returns: zeros },
        { numPpoEpochs: 1, numMiniBatches: 1 },
        0,
        new Random(1),
      ),
    ).rejects.toThrow(/ptxBatch/);
    await update.release();
    expect(stats.ptxLoss).toBeCloseTo(nll / n, 4);
  });

  it("learns the demonstrations beside the reward, logs loss/ptx_avg, and resumes to the uninterrupted run's weights", async () => {
    const base = {
      policyDir: await tinyLmDir(),
      rewardModelDir: await tinyRewardModelDir(),
      prompts: train,
      ptxExamples: demos(10),
      config: { ...SMALL, evalEvery: 0, ptxCoef: 1, ptxBatchSize: 3 },
    };
    const ptx: number[] = [];
    const dir = join(root, "ptx");
    const r = await trainPpo({ ...base, outDir: dir, onMetrics: (_, v) => (PPO_PTX_METRIC_NAME in v ? ptx.push(v[PPO_PTX_METRIC_NAME]) : undefined) });
    expect(r.iterations).toBe(6);
    expect(ptx).toHaveLength(6);
    expect(ptx.at(-1)!).toBeLessThan(ptx[0] * 0.8);
    const split = JSON.parse(readFileSync(join(dir, PPO_SPLIT_FILE), "utf8")) as Record<string, unknown>;
    expect(split.ptx_demonstrations).toBe(10);

    // The same run cancelled after iteration 3 and resumed: the same demonstrations each step.
    const resumedDir = join(root, "ptx-resumed");
    let seen = 0;
    const c = await trainPpo({ ...base, outDir: resumedDir, onProgress: (p) => (seen = p.iteration), shouldStop: () => seen >= 3 });
    expect(c.cancelled).toBe(true);
    await trainPpo({ ...base, outDir: resumedDir });
    expect(await weightsOf(resumedDir)).toEqual(await weightsOf(dir));

    // Without the ptx term the run differs; without demonstrations a ptx run is refused.
    await expect(trainPpo({ ...base, ptxExamples: [], outDir: join(root, "ptx-none") })).rejects.toThrow(/config\.ptxCoef is 1: PPO-ptx needs demonstrations/);
    expect(await weightsOf(join(root, "run"))).not.toEqual(await weightsOf(dir));
  });
});
