// The bodies of the demonstration routes, one zod schema each (the routes answer 400 naming the field).
import { z } from "zod";
import { DEMONSTRATION_REVIEWS } from "../../db/schema";

/** The longest demonstration accepted (characters of markdown). */
export const MAX_DEMONSTRATION_CHARS = 100_000;

/** A draft may be empty (the annotator cleared the editor); a submitted answer may not. */
export const demonstrationDraftSchema = z.object({ text: z.string().max(MAX_DEMONSTRATION_CHARS) }).strict();

export const demonstrationSubmitSchema = z
  .object({
    text: z
      .string()
      .max(MAX_DEMONSTRATION_CHARS)
      .refine((t) => t.trim().length > 0, "write an answer before submitting"),
  })
  .strict();

export const demonstrationReviewSchema = z
  .object({
    decision: z.enum(["accepted", "rejected"]),
    comment: z.string().trim().max(10_000).optional(),
  })
  .strict();
export type DemonstrationReviewBody = z.infer<typeof demonstrationReviewSchema>;

export const demonstrationListQuerySchema = z
  .object({
    review: z.enum(DEMONSTRATION_REVIEWS).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
