// The "ppo" job kind: PPO of a policy against a reward model on a project's prompts
// (lib/ppo/run-ppo.ts). Resumable: the output directory is the checkpoint. The engine loads
// only when a job runs.
import { PPO_JOB_KIND, ppoJobParamsSchema, type PpoJobParams } from "../../ppo/job-params";
import type { JobKind } from "../kind";

export const ppoJobKind: JobKind<PpoJobParams> = {
  kind: PPO_JOB_KIND,
  title: "PPO",
  params: ppoJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { runPpo } = await import("../../ppo/run-ppo");
    return runPpo(ctx);
  },
};
