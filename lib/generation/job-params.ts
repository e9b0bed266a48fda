// The parameters of a generation job ("generate"): which model, which prompts, how many
// completions per prompt and how to sample. Shared by the admin form, the API, the CLI and the job.
import { z } from "zod";

export const GENERATE_JOB_KIND = "generate";

export const samplingSchema = z
  .object({
    /** K: completions per prompt, 2–9. */
    k: z.number().int().min(2).max(9).default(4),
    temperature: z.number().min(0).max(5).default(1),
    topP: z.number().gt(0).max(1).default(1),
    topK: z.number().int().min(0).max(100_000).default(0),
    maxTokens: z.number().int().min(1).max(4096).default(64),
    stop: z.array(z.string().min(1)).max(8).default([]),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  })
  .strict();
export type Sampling = z.infer<typeof samplingSchema>;

export const generateJobParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    modelId: z.number().int().positive(),
    /** Existing prompts of the project to sample again, or new prompts typed in (one user message each). */
    promptIds: z.array(z.number().int().positive()).max(100_000).optional(),
    prompts: z.array(z.string().trim().min(1).max(100_000)).max(100_000).optional(),
    sampling: samplingSchema.default(samplingSchema.parse({})),
    /**
     * Rounds of the loop: another model (the previous round's policy) whose completions are mixed
     * into each task, so annotators compare the two head to head: of the K completions,
     * ceil(K/2) come from modelId and the rest from this one.
     */
    compareModelId: z.number().int().positive().optional(),
    /** The loop's round these tasks belong to, stored with every completion (metadata.round). */
    round: z.number().int().min(1).max(10_000).optional(),
  })
  .strict()
  .refine((p) => p.compareModelId === undefined || p.compareModelId !== p.modelId, { message: "must differ from modelId", path: ["compareModelId"] })
  .refine((p) => (p.promptIds?.length ?? 0) + (p.prompts?.length ?? 0) > 0, { message: "give promptIds or prompts", path: ["prompts"] });
export type GenerateJobParams = z.infer<typeof generateJobParamsSchema>;
