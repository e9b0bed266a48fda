import { describe, expect, it } from "vitest";
import type { PpoEvaluation as TrainerRecord } from "@/lib/ml/rl/ppo-evaluate";
import { parsePpoEvaluation, ppoEvaluationSchema, type PpoEvaluation } from "@/lib/ppo/evaluation";

// The trainer's record of an evaluation (a line of evaluations.jsonl), typed as the trainer types it.
const record: TrainerRecord = {
  iteration: 10,
  episode: 160,
  scores: 0.8,
  scores_reference: 0.2,
  kl: 1.5,
  win_rate: 0.5,
  num_eos_tokens: 2,
  samples: [
    { prompt: "What is the capital of France?", referenceAnswer: "Well, Paris.", policyAnswer: "Paris.", referenceScore: 0.1, policyScore: 0.9 },
    { prompt: "2 + 2?", referenceAnswer: "4", policyAnswer: "4", referenceScore: 0.3, policyScore: 0.3 },
    { prompt: "Hi", referenceAnswer: "Hello!", policyAnswer: "", referenceScore: 0.5, policyScore: -0.2 },
  ],
};

describe("ppoEvaluationSchema", () => {
  it("is the trainer's record, field for field: what the ppo job publishes and the registry keeps", () => {
    // The same type both ways.
    const asApp: PpoEvaluation = record;
    const asTrainer: TrainerRecord = asApp;
    expect(ppoEvaluationSchema.parse(asTrainer)).toEqual(record);
    // Through JSON, as job_outputs and the registry's metadata store it.
    expect(parsePpoEvaluation(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(parsePpoEvaluation({ ...record, samples: [] })?.samples).toEqual([]);
    expect(Object.keys(ppoEvaluationSchema.shape).sort()).toEqual(Object.keys(record).sort());
  });

  it("reads nothing from a value of another shape, so a page shows it as unreadable instead of crashing", () => {
    const { win_rate: _w, ...withoutWinRate } = record;
    for (const bad of [
      null,
      undefined,
      "evaluation",
      [],
      {},
      withoutWinRate,
      { ...record, scores: "0.8" },
      { ...record, kl: null }, // NaN stored as JSON
      { ...record, iteration: -1 },
      { ...record, iteration: 1.5 },
      { ...record, episode: undefined },
      { ...record, samples: undefined },
      { ...record, samples: [{ ...record.samples[0], policyAnswer: undefined }] },
      { ...record, samples: [{ ...record.samples[0], referenceScore: Number.NaN }] },
      { ...record, win_rate: 1.5 },
      { ...record, num_eos_tokens: -1 },
      // The names of the second shape this module once had are no evaluation.
      {
        iteration: 10,
        meanScore: 0.8,
        referenceMeanScore: 0.2,
        meanKl: 1.5,
        samples: [{ prompt: "p", reference: "a", policy: "b", referenceScore: 0, policyScore: 1 }],
      },
      { ...record, samples: [{ prompt: "p", reference: "a", policy: "b", referenceScore: 0, policyScore: 1 }] },
    ]) {
      expect(parsePpoEvaluation(bad), JSON.stringify(bad) ?? String(bad)).toBeNull();
    }
  });
});
