import { describe, expect, it } from "vitest";
import type { PpoEvaluation as TrainerRecord } from "../../../lib/ml/rl/ppo-evaluate";
import {
  fromTrainerEvaluation,
  parsePpoEvaluation,
  policyWinRate,
  ppoEvaluationSchema,
  type PpoEvaluation,
  type TrainerEvaluation,
} from "../../../lib/ppo/evaluation";

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
      // One shape or the other, not a mix of both.
      { ...evaluation, samples: [{ prompt: "p", referenceAnswer: "a", policyAnswer: "b", referenceScore: 0, policyScore: 1 }] },
      { ...evaluation, winRate: 1.5 },
    ]) {
      expect(parsePpoEvaluation(bad), JSON.stringify(bad) ?? String(bad)).toBeNull();
    }
  });

  it("reads the trainer's own record (evaluations.jsonl's names) as this shape", () => {
    const record: TrainerRecord = {
      iteration: 10,
      episode: 160,
      scores: 0.8,
      scores_reference: 0.2,
      kl: 1.5,
      win_rate: 0.5,
      num_eos_tokens: 2,
      samples: evaluation.samples.map((s) => ({ prompt: s.prompt, referenceAnswer: s.reference, policyAnswer: s.policy, referenceScore: s.referenceScore, policyScore: s.policyScore })),
    };
    // The trainer's type is what fromTrainerEvaluation takes.
    const typed: TrainerEvaluation = record;
    const mapped = { ...evaluation, episode: 160, winRate: 0.5, numEosTokens: 2 };
    expect(fromTrainerEvaluation(typed)).toEqual(mapped);
    expect(ppoEvaluationSchema.parse(mapped)).toEqual(mapped);
    expect(parsePpoEvaluation(JSON.parse(JSON.stringify(record)))).toEqual(mapped);
  });

  it("the policy's win rate is the evaluation's own, else from the samples with ties as half", () => {
    expect(policyWinRate(evaluation)).toBeCloseTo(1.5 / 3);
    expect(policyWinRate({ ...evaluation, winRate: 0.25 })).toBe(0.25);
    expect(policyWinRate({ samples: [] })).toBeNull();
  });
});
