// The "dpo" job kind: DPO of a policy on a project's preference pairs (lib/dpo/run-dpo.ts).
// Resumable: the output directory is the checkpoint. The engine loads only when a job runs.
import { DPO_JOB_KIND, dpoJobParamsSchema, type DpoJobParams } from "../../dpo/job-params";
import type { JobKind } from "../kind";
import { checkDpoParams } from "../../dpo/param-checks";

export const dpoJobKind: JobKind<DpoJobParams> = {
  kind: DPO_JOB_KIND,
  title: "DPO",
  params: dpoJobParamsSchema,
  check: (db, params) => checkDpoParams(db, params),
  resumable: true,
  async run(ctx) {
    const { runDpo } = await import("../../dpo/run-dpo");
    return runDpo(ctx);
  },
};
