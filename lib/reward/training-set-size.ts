// The size of a project's reward-model training set as the train-rm form needs it to predict the
// held-out split: distinct prompts and pairs of the rankings a job would train on (the same
// loadTrainingSet, "none acceptable" rankings left out, rankings without a pair dropped).
import type { Db } from "../../db/client";
import { pairCount } from "../ml/rl/reward-data";
import { loadTrainingSet } from "./training-set";

export interface TrainingSetSize {
  rankings: number;
  /** Distinct prompts among the ranked tasks with at least one pair (the split's unit). */
  prompts: number;
  pairs: number;
}

export function trainingSetSize(db: Db, projectId: number, rounds: "all" | "latest"): TrainingSetSize {
  const set = loadTrainingSet(db, projectId, { rounds });
  const used = set.examples.filter((e) => pairCount(e) > 0);
  return {
    rankings: set.rankings,
    prompts: new Set(used.map((e) => e.promptKey)).size,
    pairs: used.reduce((s, e) => s + pairCount(e), 0),
  };
}
