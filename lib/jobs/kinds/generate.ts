// The "generate" job kind: K completions per prompt from a registered model, written as new
// tasks of the project. Resumable: an interrupted run continues with the prompts that have no
// task from this job yet (lib/generation/run-generation.ts). The engine is imported only
// when a job runs, so listing kinds (the web app) never loads onnxruntime.
import { GENERATE_JOB_KIND, generateJobParamsSchema, type GenerateJobParams } from "../../generation/job-params";
import type { JobKind } from "../kind";

export const generateJobKind: JobKind<GenerateJobParams> = {
  kind: GENERATE_JOB_KIND,
  title: "Generate completions",
  params: generateJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { runGeneration } = await import("../../generation/run-generation");
    return runGeneration(ctx);
  },
};
