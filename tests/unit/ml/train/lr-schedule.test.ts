import { describe, expect, it } from "vitest";
import { learningRateAt } from "@/lib/ml/train/lr-schedule";

describe("learningRateAt", () => {
  const s = { lr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-4 };
  it("warms up linearly to the peak", () => {
    expect(learningRateAt(0, s)).toBeCloseTo(1e-3 / 11, 12);
    expect(learningRateAt(4, s)).toBeCloseTo((5 * 1e-3) / 11, 12);
    expect(learningRateAt(10, s)).toBeCloseTo(1e-3, 12);
  });
  it("decays along a cosine to the floor", () => {
    expect(learningRateAt(60, s)).toBeCloseTo((1e-3 + 1e-4) / 2, 12);
    expect(learningRateAt(110, s)).toBeCloseTo(1e-4, 12);
    expect(learningRateAt(500, s)).toBeCloseTo(1e-4, 12);
    for (let t = 10; t < 110; t++) expect(learningRateAt(t + 1, s)).toBeLessThanOrEqual(learningRateAt(t, s));
  });
  it("decays along a straight line when asked (PPO's annealing to 0)", () => {
    const linear = { lr: 1e-3, warmupSteps: 0, totalSteps: 100, minLr: 0, decay: "linear" as const };
    expect(learningRateAt(0, linear)).toBeCloseTo(1e-3, 12);
    expect(learningRateAt(25, linear)).toBeCloseTo(0.75e-3, 12);
    expect(learningRateAt(100, linear)).toBe(0);
  });
});
