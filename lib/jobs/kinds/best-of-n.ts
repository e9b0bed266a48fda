// The "best-of-n" job kind: rejection sampling on a project's prompts (lib/best-of-n/run-best-of-n.ts).
// Resumable: progress.json beside the kept file records the prompts done, and a resumed attempt
// samples from the next one. The engine loads only when a job runs.
import { BEST_OF_N_JOB_KIND, bestOfNJobParamsSchema, type BestOfNJobParams } from "../../best-of-n/job-params";
import { checkBestOfNParams } from "../../best-of-n/param-checks";
import type { JobKind } from "../kind";

export const bestOfNJobKind: JobKind<BestOfNJobParams> = {
  kind: BEST_OF_N_JOB_KIND,
  title: "Best-of-n",
  params: bestOfNJobParamsSchema,
  check: (db, params) => checkBestOfNParams(db, params),
  resumable: true,
  async run(ctx) {
    const { runBestOfN } = await import("../../best-of-n/run-best-of-n");
    return runBestOfN(ctx);
  },
};
