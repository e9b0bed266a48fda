import { describe, expect, it } from "vitest";
import { splitByPrompt } from "@/lib/ml/rl/reward-data";
import { MIN_EVAL_PAIRS, MIN_EVAL_PROMPTS, expectedHeldOut, heldOutAccuracy, smallEvalWarning, suggestedValidationFraction } from "@/lib/reward/held-out";
import { METRIC_KEYS, heldOutSummary } from "@/lib/reward/run-train-rm";
import { metricMeaning, REWARD_METRIC_GLOSSARY } from "@/lib/reward/metric-glossary";

describe("heldOutAccuracy", () => {
  it("gives issue 10's 8.3% on 12 pairs of 1 prompt its interval and a warning naming both minimums", () => {
    const h = heldOutAccuracy({ eval_accuracy: 1 / 12, eval_pairs: 12, eval_prompts: 1, eval_rankings: 1 })!;
    expect(h.interval[0]).toBeCloseTo(0.0149, 3);
    expect(h.interval[1]).toBeCloseTo(0.3539, 3);
    expect(h.warning).toContain(`12 pairs (fewer than ${MIN_EVAL_PAIRS})`);
    expect(h.warning).toContain(`1 prompt (fewer than ${MIN_EVAL_PROMPTS})`);
    expect(heldOutSummary({ eval_accuracy: 1 / 12, eval_pairs: 12, eval_prompts: 1 })).toEqual({
      text: "eval accuracy 8.3% [1.5%, 35.4%] on 12 pairs of 1 prompt",
      warning: h.warning,
    });
  });

  it("warns on too few prompts even with many pairs, and not at all at the minimums", () => {
    expect(heldOutAccuracy({ eval_accuracy: 0.8, eval_pairs: 600, eval_prompts: 10 })!.warning).toMatch(/10 prompts \(fewer than 20\)/);
    expect(heldOutAccuracy({ eval_accuracy: 0.8, eval_pairs: 600, eval_prompts: 10 })!.warning).not.toMatch(/pairs \(fewer/);
    expect(heldOutAccuracy({ eval_accuracy: 0.8, eval_pairs: 100, eval_prompts: 20 })!.warning).toBeNull();
    expect(smallEvalWarning(99, 20)).toMatch(/99 pairs/);
  });

  it("bounds the prompts by the held-out rankings for models trained before eval_prompts was recorded", () => {
    const h = heldOutAccuracy({ eval_accuracy: 0.75, eval_pairs: 400, eval_rankings: 8 })!;
    expect(h.prompts).toBeNull();
    expect(h.atMostPrompts).toBe(8);
    expect(h.warning).toMatch(/at most 8 prompts/);
  });

  it("is null without a held-out accuracy or pairs", () => {
    expect(heldOutAccuracy({ eval_accuracy: null, eval_pairs: 0 })).toBeNull();
    expect(heldOutAccuracy({ eval_accuracy: 0.5, eval_pairs: 0 })).toBeNull();
    expect(heldOutAccuracy({})).toBeNull();
  });
});

describe("the train-rm form's validation fraction", () => {
  it("holds out 20 prompts where 10% would not, up to 30%, and keeps 10% on large projects", () => {
    expect(suggestedValidationFraction(1000)).toBe(0.1);
    expect(suggestedValidationFraction(200)).toBe(0.1);
    expect(suggestedValidationFraction(100)).toBe(0.2);
    expect(suggestedValidationFraction(80)).toBe(0.25);
    expect(suggestedValidationFraction(24)).toBe(0.3);
    expect(suggestedValidationFraction(0)).toBe(0.1);
  });

  it("predicts exactly the prompts splitByPrompt holds out", () => {
    for (const prompts of [1, 2, 7, 24, 40, 137]) {
      for (const fraction of [0, 0.05, 0.1, 0.3, 0.5, 0.9]) {
        const examples = Array.from({ length: prompts }, (_, i) => ({ promptKey: `p${i}` }));
        expect(expectedHeldOut(prompts, prompts * 6, fraction).prompts, `${prompts} prompts at ${fraction}`).toBe(
          splitByPrompt(examples, fraction, 3).eval.length,
        );
      }
    }
  });

  it("warns when the held-out set will be small, and when nothing is held out", () => {
    // The demo after one annotator: 10 ranked prompts of 4 completions (6 pairs each).
    const small = expectedHeldOut(10, 60, suggestedValidationFraction(10));
    expect(small).toMatchObject({ prompts: 3, pairs: 18 });
    expect(small.warning).toMatch(/holds out 3 prompts of 10 \(about 18 pairs\)/);
    expect(small.warning).toMatch(/a 70% accuracy would read \d+–\d+%/);
    expect(expectedHeldOut(400, 2400, 0.1).warning).toBeNull();
    expect(expectedHeldOut(10, 60, 0).warning).toMatch(/Nothing is held out/);
    expect(expectedHeldOut(0, 0, 0.1).warning).toMatch(/no rankings/);
  });
});

describe("the metric glossary", () => {
  it("explains every key the train-rm job records", () => {
    for (const key of [...METRIC_KEYS, "calibration"]) {
      expect(REWARD_METRIC_GLOSSARY[key]?.meaning.length, key).toBeGreaterThan(20);
    }
    expect(metricMeaning("something_new")).toEqual({ label: "something_new", meaning: "", known: false });
  });
});
