// The "grpo" job kind: GRPO of a policy on a project's prompts with rule rewards (and optionally
// a reward model) (lib/grpo/run-grpo.ts). Resumable: the output directory is the checkpoint. The
// engine loads only when a job runs.
import { GRPO_JOB_KIND, grpoJobParamsSchema, type GrpoJobParams } from "../../grpo/job-params";
import type { JobKind } from "../kind";
import { checkGrpoParams } from "../../grpo/param-checks";

export const grpoJobKind: JobKind<GrpoJobParams> = {
  kind: GRPO_JOB_KIND,
  title: "GRPO",
  params: grpoJobParamsSchema,
  check: (db, params) => checkGrpoParams(db, params),
  resumable: true,
  async run(ctx) {
    const { runGrpo } = await import("../../grpo/run-grpo");
    return runGrpo(ctx);
  },
};
