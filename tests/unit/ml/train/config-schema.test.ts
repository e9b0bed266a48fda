import { describe, expect, it } from "vitest";
import { DEFAULT_REWARD_CONFIG, REWARD_CONFIG_HELP, rewardConfigSchema } from "@/lib/ml/rl/reward-config";
import { configDefaults, configHelp } from "@/lib/ml/train/config-schema";
import { DEFAULT_LM_CONFIG, LM_CONFIG_HELP, lmConfigSchema, lmWarmupSteps } from "@/lib/ml/train/lm-config";
import { DEFAULT_SFT_CONFIG, SFT_CONFIG_HELP, sftConfigSchema } from "@/lib/ml/train/sft-config";

describe("training config schemas", () => {
  it("document every field", () => {
    for (const help of [LM_CONFIG_HELP, SFT_CONFIG_HELP, configHelp(rewardConfigSchema)]) {
      for (const [key, text] of Object.entries(help)) expect(text.length, key).toBeGreaterThan(10);
    }
    expect(Object.keys(LM_CONFIG_HELP)).toEqual(Object.keys(lmConfigSchema.shape));
    expect(configHelp(rewardConfigSchema)).toEqual(REWARD_CONFIG_HELP);
    expect(configDefaults(rewardConfigSchema)).toEqual(DEFAULT_REWARD_CONFIG);
  });

  it("resolve to train-lm's and the default SFT's settings", () => {
    expect(DEFAULT_LM_CONFIG).toEqual({
      vocabSize: 2048,
      dModel: 128,
      layers: 4,
      heads: 4,
      batchSize: 16,
      steps: 1000,
      learningRate: 1e-3,
      weightDecay: 0.1,
      seed: 0,
      checkpointEvery: 200,
    });
    expect(lmWarmupSteps(DEFAULT_LM_CONFIG)).toBe(100);
    expect(lmWarmupSteps({ steps: 30 })).toBe(3);
    expect(lmWarmupSteps({ steps: 30, warmupSteps: 0 })).toBe(0);
    expect(DEFAULT_SFT_CONFIG).toEqual({
      steps: 1400,
      batchSize: 16,
      maxLength: 128,
      learningRate: 1e-3,
      warmupSteps: 50,
      weightDecay: 0.1,
      seed: 0,
      checkpointEvery: 200,
    });
  });

  it("refuse what a run cannot use, naming the field", () => {
    const bad = lmConfigSchema.safeParse({ heads: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(["heads"]);
    expect(sftConfigSchema.safeParse({ steps: 2.5 }).success).toBe(false);
    expect(sftConfigSchema.safeParse({ seqLen: 64 }).success).toBe(false); // strict: unknown fields are errors
  });
});
