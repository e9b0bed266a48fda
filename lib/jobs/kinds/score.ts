// The "score" job kind: a reward model scores every completion of a project (lib/reward/run-scoring.ts).
// Resumable: completions already scored are skipped.
import { SCORE_JOB_KIND, scoreJobParamsSchema, type ScoreJobParams } from "../../reward/job-params";
import type { JobKind } from "../kind";

export const scoreJobKind: JobKind<ScoreJobParams> = {
  kind: SCORE_JOB_KIND,
  title: "Reward scoring",
  params: scoreJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { runScoring } = await import("../../reward/run-scoring");
    return runScoring(ctx);
  },
};
