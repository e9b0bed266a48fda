import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rewardConfigSchema, DEFAULT_REWARD_CONFIG, REWARD_CONFIG_HELP } from "@/lib/ml/rl/reward-config";
import { configDefaults, configFields, configFlagOptions, configFromFlags, configHelp, configUsage } from "@/lib/ml/train/config-fields";
import { DEFAULT_LM_CONFIG, lmConfigSchema, lmWarmupSteps } from "@/lib/ml/train/lm-config";
import { DEFAULT_SFT_CONFIG, sftConfigSchema } from "@/lib/ml/train/sft-config";

const toy = z
  .object({
    learningRate: z.number().gt(0).max(1).default(1e-3).describe("Peak learning rate."),
    epochs: z.number().int().min(1).max(10).default(2).describe("Passes."),
    warmupSteps: z.number().int().min(0).optional().describe("Warmup (default steps / 10)."),
    whiten: z.boolean().default(false).describe("Whiten."),
    estimator: z.enum(["k1", "k3"]).default("k1").describe("KL estimator."),
  })
  .strict();

describe("config fields", () => {
  it("reads kind, default, bounds, choices and help from the schema", () => {
    const fields = configFields(toy, { learningRate: "lr" });
    expect(fields).toEqual([
      { key: "learningRate", flag: "lr", kind: "number", help: "Peak learning rate.", default: 1e-3, gt: 0, max: 1 },
      { key: "epochs", flag: "epochs", kind: "integer", help: "Passes.", default: 2, min: 1, max: 10 },
      { key: "warmupSteps", flag: "warmup-steps", kind: "integer", help: "Warmup (default steps / 10).", default: undefined, min: 0 },
      { key: "whiten", flag: "whiten", kind: "boolean", help: "Whiten.", default: false },
      { key: "estimator", flag: "estimator", kind: "enum", help: "KL estimator.", default: "k1", options: ["k1", "k3"] },
    ]);
    expect(configDefaults(toy)).toEqual({ learningRate: 1e-3, epochs: 2, whiten: false, estimator: "k1" });
    expect(configHelp(toy).epochs).toBe("Passes.");
    expect(configFlagOptions(fields)).toEqual({
      lr: { type: "string" },
      epochs: { type: "string" },
      "warmup-steps": { type: "string" },
      whiten: { type: "boolean" },
      estimator: { type: "string" },
    });
    const usage = configUsage(fields).split("\n");
    expect(usage[0]).toMatch(/^ {2}--lr X +Peak learning rate\. \(default 0\.001\)$/);
    expect(usage[2]).toMatch(/--warmup-steps X +Warmup \(default steps \/ 10\)\.$/);
    expect(usage[3]).toMatch(/--whiten +Whiten\. \(default off\)$/);
    expect(usage[4]).toMatch(/--estimator k1\|k3 +KL estimator\. \(default k1\)$/);
  });

  it("parses flags into a validated config, naming the flag on error", () => {
    const fields = configFields(toy, { learningRate: "lr" });
    expect(configFromFlags(toy, fields, { lr: "0.01", whiten: true, estimator: "k3" })).toEqual({
      success: true,
      config: { learningRate: 0.01, epochs: 2, whiten: true, estimator: "k3" },
    });
    expect(configFromFlags(toy, fields, { epochs: "x" })).toEqual({ success: false, flag: "epochs", message: 'expected a number, got "x"' });
    const bad = configFromFlags(toy, fields, { epochs: "2.5" });
    expect(bad.success === false && bad.flag).toBe("epochs");
    const range = configFromFlags(toy, fields, { lr: "2" });
    expect(range.success === false && range.flag).toBe("lr");
    expect(configFromFlags(toy, fields, {}, { epochs: 5 })).toMatchObject({ success: true, config: { epochs: 5 } });
  });

  it("describes every field of the trainers' schemas, with the defaults they resolve to", () => {
    for (const schema of [lmConfigSchema, sftConfigSchema, rewardConfigSchema]) {
      for (const f of configFields(schema)) expect(f.help.length, f.key).toBeGreaterThan(10);
    }
    expect(configHelp(rewardConfigSchema)).toEqual(REWARD_CONFIG_HELP);
    expect(configDefaults(rewardConfigSchema)).toEqual(DEFAULT_REWARD_CONFIG);
    expect(DEFAULT_LM_CONFIG).toMatchObject({ vocabSize: 2048, context: 128, batchSize: 16, steps: 1000, learningRate: 1e-3, weightDecay: 0.1, checkpointEvery: 200 });
    expect(lmWarmupSteps(DEFAULT_LM_CONFIG)).toBe(100);
    expect(lmWarmupSteps({ steps: 30 })).toBe(3);
    expect(DEFAULT_SFT_CONFIG).toMatchObject({ steps: 1400, batchSize: 16, maxLength: 128, learningRate: 1e-3, warmupSteps: 50 });
  });
});
