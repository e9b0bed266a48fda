// The parameters of a generation job ("generate"): which model, which prompts, how many
// completions per prompt, how to sample, and how hard to try for K distinct texts. Shared by the
// admin form, the API, the CLI and the job.
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
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
  })
  .strict();
export type Sampling = z.infer<typeof samplingSchema>;

/** Extra sampling rounds for prompts whose completions repeat a text (see resampleRounds below). */
export const DEFAULT_RESAMPLE_ROUNDS = 4;

export const resampleRoundsSchema = z
  .number()
  .int()
  .min(0)
  .max(20)
  .default(DEFAULT_RESAMPLE_ROUNDS)
  .describe(
    "Extra sampling rounds for a prompt whose K completions repeat a text (compared after trimming and collapsing whitespace): each round samples that prompt again with a new seed and keeps only texts it does not have yet. A prompt still short of K distinct texts after the last round gets a task with the distinct completions it has (fewer than K); one with a single distinct text gets no task. Both are counted in the job's result and log. 0: no resampling, duplicates are dropped.",
  );

export const generateJobParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    modelId: z.number().int().positive(),
    /** Existing prompts of the project to sample again, or new prompts typed in (one user message each). */
    promptIds: z.array(z.number().int().positive()).max(100_000).optional(),
    prompts: z.array(z.string().trim().min(1).max(100_000)).max(100_000).optional(),
    sampling: samplingSchema.default(samplingSchema.parse({})),
    /** K distinct completions: rounds of resampling for duplicate texts (its description is the help text). */
    resampleRounds: resampleRoundsSchema,
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
