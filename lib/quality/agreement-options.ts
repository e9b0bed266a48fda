// The agreement report's options as given by a person (CLI flags, query parameters): how many
// bootstrap resamples over tasks and the generator's seed. One schema for both edges.
import { z } from "zod";
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from "./ranking-agreement";

/** The most resamples one report may ask for (each costs a pass over the tasks). */
export const MAX_RESAMPLES = 10_000;

export const agreementOptionsSchema = z
  .object({
    bootstrap: z.coerce
      .number()
      .int()
      .min(0)
      .max(MAX_RESAMPLES)
      .default(DEFAULT_RESAMPLES)
      .describe("bootstrap resamples over tasks for the 95% intervals (0: none)"),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(DEFAULT_SEED)
      .describe("seed of the bootstrap's generator (the same seed gives the same intervals)"),
  })
  .strict();

export type AgreementOptionsInput = z.infer<typeof agreementOptionsSchema>;
