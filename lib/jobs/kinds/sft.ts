// The "sft" job kind: supervised fine-tuning on a project's demonstrations (lib/sft/run-sft.ts).
// Resumable: the output directory is the checkpoint. The engine loads only when a job runs.
import { SFT_JOB_KIND, sftJobParamsSchema, type SftJobParams } from "../../sft/job-params";
import { checkSftParams } from "../../sft/param-checks";
import type { JobKind } from "../kind";

export const sftJobKind: JobKind<SftJobParams> = {
  kind: SFT_JOB_KIND,
  title: "SFT",
  params: sftJobParamsSchema,
  check: (db, params) => checkSftParams(db, params),
  resumable: true,
  async run(ctx) {
    const { runSft } = await import("../../sft/run-sft");
    return runSft(ctx);
  },
};
