import { describe, expect, it } from "vitest";
import { GRPO_ADVANTAGE_EPS, groupAdvantages, rewardFigures } from "@/lib/ml/rl/grpo-math";
import { grpoConfigSchema, grpoIterations, grpoPromptsPerIteration } from "@/lib/ml/rl/grpo-config";

describe("groupAdvantages", () => {
  it("normalizes each group by its own mean and sample standard deviation (hand-computed)", () => {
    // Group 1: [1, 0, 0, 0] → mean 0.25; Σ(r − mean)² = 0.5625 + 3·0.0625 = 0.75; std = √(0.75 / 3) = 0.5.
    // Group 2: [2, 2, 2, 2] → all equal: advantages exactly 0.
    // Group 3: [5, 1, 3, 3] → mean 3; Σ = 4 + 4 = 8; std = √(8 / 3) = 1.6329931618554521.
    const rewards = [1, 0, 0, 0, 2, 2, 2, 2, 5, 1, 3, 3];
    const a = groupAdvantages(rewards, 4);
    const s3 = Math.sqrt(8 / 3);
    const want = [0.75 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, 0, 0, 0, 0, 2 / (s3 + 1e-4), -2 / (s3 + 1e-4), 0, 0];
    expect(GRPO_ADVANTAGE_EPS).toBe(1e-4);
    expect(a.advantages[0]).toBeCloseTo(1.4997000599880024, 12);
    a.advantages.forEach((v, i) => expect(v, `A[${i}]`).toBeCloseTo(want[i], 12));
    for (let i = 4; i < 8; i++) expect(a.advantages[i]).toBe(0);
    expect(Array.from(a.groupMean)).toEqual([0.25, 2, 3]);
    expect(a.groupStd[0]).toBeCloseTo(0.5, 14);
    expect(a.groupStd[1]).toBe(0);
    expect(a.groupStd[2]).toBeCloseTo(s3, 14);
    // Each group's advantages sum to 0.
    for (let g = 0; g < 3; g++) expect(a.advantages.slice(g * 4, g * 4 + 4).reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
  });

  it("without scaling is the reward minus the group's mean (Dr. GRPO)", () => {
    const a = groupAdvantages([1, 0, 0, 0.1, 0.1, 0.1, 4, -2, 1], 3, "none");
    expect((0.1 + 0.1 + 0.1) / 3).not.toBe(0.1); // the all-equal group's mean is off by an ulp
    const want = [2 / 3, -1 / 3, -1 / 3, 0, 0, 0, 3, -3, 0];
    a.advantages.forEach((v, i) => expect(v, `A[${i}]`).toBeCloseTo(want[i], 12));
    for (let i = 3; i < 6; i++) expect(a.advantages[i]).toBe(0); // exactly 0 all the same
    expect(a.groupStd[1]).toBe(0);
    expect(groupAdvantages([0.1, 0.1, 0.1], 3).advantages.every((v) => v === 0)).toBe(true);
  });

  it("batch scaling divides by the whole batch's standard deviation", () => {
    // Batch [1, 0, 3, 3]: mean 1.75; Σ(r − mean)² = 0.5625 + 3.0625 + 1.5625 + 1.5625 = 6.75; std = √(6.75 / 3) = 1.5.
    const a = groupAdvantages([1, 0, 3, 3], 2, "batch");
    expect(a.advantages[0]).toBeCloseTo(0.5 / 1.5001, 12);
    expect(a.advantages[1]).toBeCloseTo(-0.5 / 1.5001, 12);
    expect(Array.from(a.advantages.slice(2))).toEqual([0, 0]);
  });

  it("groups of two: ±1 / (√2 + eps)", () => {
    const a = groupAdvantages([3, 1, -1, -1], 2);
    expect(a.advantages[0]).toBeCloseTo(1 / (Math.SQRT2 + 1e-4), 12);
    expect(a.advantages[1]).toBeCloseTo(-1 / (Math.SQRT2 + 1e-4), 12);
    expect(Array.from(a.advantages.slice(2))).toEqual([0, 0]);
  });

  it("refuses groups of one and rewards that do not split into groups", () => {
    expect(() => groupAdvantages([1, 2], 1)).toThrow(/at least 2/);
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow(/groups of 2/);
  });
});

describe("rewardFigures", () => {
  it("gives TRL's reward (mean), reward_std (mean of the groups' std) and frac_reward_zero_std", () => {
    const rewards = [1, 0, 0, 0, 2, 2, 2, 2];
    const f = rewardFigures(rewards, groupAdvantages(rewards, 4));
    expect(f.reward).toBeCloseTo(9 / 8, 12);
    expect(f.reward_std).toBeCloseTo((0.5 + 0) / 2, 12);
    expect(f.frac_reward_zero_std).toBe(0.5);
  });
});

describe("grpoConfigSchema", () => {
  it("has TRL's defaults and checks the batch against the group size and the minibatches", () => {
    const c = grpoConfigSchema.parse({});
    expect(c).toMatchObject({ beta: 0.04, epsilon: 0.2, numIterations: 1, scaleRewards: "group", lossType: "grpo", numGenerations: 8 });
    expect(grpoIterations({ totalEpisodes: 100, batchSize: 32 })).toBe(3);
    expect(grpoPromptsPerIteration({ batchSize: 32, numGenerations: 8 })).toBe(4);
    expect(grpoConfigSchema.safeParse({ batchSize: 12, numGenerations: 8 }).error?.issues[0].path).toEqual(["batchSize"]);
    expect(grpoConfigSchema.safeParse({ batchSize: 16, numGenerations: 4, stepsPerGeneration: 3 }).error?.issues[0].path).toEqual(["stepsPerGeneration"]);
    expect(grpoConfigSchema.safeParse({ numGenerations: 1 }).success).toBe(false);
    expect(grpoConfigSchema.safeParse({ beta: 0 }).success).toBe(true);
    expect(grpoConfigSchema.safeParse({ lossType: "dapo" }).success).toBe(false);
  });
});
