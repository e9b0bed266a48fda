// The "train-rm" job kind: a reward model trained on a project's rankings (lib/reward/run-train-rm.ts).
// Resumable: the output directory is the checkpoint. The engine loads only when a job runs.
import { TRAIN_RM_JOB_KIND, trainRmJobParamsSchema, type TrainRmJobParams } from "../../reward/job-params";
import type { JobKind } from "../kind";

export const trainRmJobKind: JobKind<TrainRmJobParams> = {
  kind: TRAIN_RM_JOB_KIND,
  title: "Reward-model training",
  params: trainRmJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { runTrainRm } = await import("../../reward/run-train-rm");
    return runTrainRm(ctx);
  },
};
