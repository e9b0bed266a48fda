import { describe, expect, it } from "vitest";
import { parsePpoEvaluation, policyWinRate, ppoEvaluationSchema, type PpoEvaluation } from "../../../lib/ppo/evaluation";

const evaluation: PpoEvaluation = {
  iteration: 10,
  meanScore: 0.8,
  referenceMeanScore: 0.2,
  meanKl: 1.5,
  samples: [
    { prompt: "What is the capital of France?", reference: "Well, Paris.", policy: "Paris.", referenceScore: 0.1, policyScore: 0.9 },
    { prompt: "2 + 2?", reference: "4", policy: "4", referenceScore: 0.3, policyScore: 0.3 },
    { prompt: "Hi", reference: "Hello!", policy: "", referenceScore: 0.5, policyScore: -0.2 },
  ],
};

describe("ppoEvaluationSchema", () => {
  it("accepts the evaluation the ppo job publishes, field for field", () => {
    expect(ppoEvaluationSchema.parse(evaluation)).toEqual(evaluation);
    // Through JSON, as job_outputs and the registry's metadata store it.
    expect(parsePpoEvaluation(JSON.parse(JSON.stringify(evaluation)))).toEqual(evaluation);
    expect(parsePpoEvaluation({ ...evaluation, samples: [] })?.samples).toEqual([]);
  });

  it("reads nothing from a value of another shape, so a page shows it as unreadable instead of crashing", () => {
    for (const bad of [
      null,
      undefined,
      "evaluation",
      [],
      {},
      { ...evaluation, meanScore: "0.8" },
      { ...evaluation, meanKl: null }, // NaN stored as JSON
      { ...evaluation, iteration: -1 },
      { ...evaluation, iteration: 1.5 },
      { ...evaluation, samples: undefined },
      { ...evaluation, samples: [{ ...evaluation.samples[0], policy: undefined }] },
      { ...evaluation, samples: [{ ...evaluation.samples[0], referenceScore: Number.NaN }] },
      // The field names are the contract: the evaluator's internal names are not read.
      { ...evaluation, samples: [{ prompt: "p", referenceAnswer: "a", policyAnswer: "b", referenceScore: 0, policyScore: 1 }] },
    ]) {
      expect(parsePpoEvaluation(bad), JSON.stringify(bad) ?? String(bad)).toBeNull();
    }
  });

  it("the policy's win rate counts ties as half", () => {
    expect(policyWinRate(evaluation)).toBeCloseTo(1.5 / 3);
    expect(policyWinRate({ samples: [] })).toBeNull();
  });
});
