// A ranking submission: its shape (zod) and the checks against the task it ranks (pure).
import { z } from "zod";
import { FLAGS } from "../../db/schema";
import { answersSchema } from "./questions";

const id = z.number().int().positive();

/** The most completions one ranking can order (a task holds at most a few; this bounds a hostile body). */
export const MAX_RANKED_COMPLETIONS = 100;

/** Longest time an annotator can sensibly report for one task (a day). */
export const MAX_SECONDS_SPENT = 24 * 3600;

export const rankingSubmissionSchema = z
  .object({
    /** Completion ids, best group first; completions in one group are tied. */
    groups: z
      .array(z.array(id).min(1, "a group cannot be empty").max(MAX_RANKED_COMPLETIONS, `at most ${MAX_RANKED_COMPLETIONS} completions`))
      .min(1, "rank at least one group")
      .max(MAX_RANKED_COMPLETIONS, `at most ${MAX_RANKED_COMPLETIONS} groups`),
    noneAcceptable: z.boolean().default(false),
    /** A pairwise task's strength (pairwise.ts): 2 much better, 1 better, 0 tie or both bad; absent otherwise. */
    strength: z.union([z.literal(0), z.literal(1), z.literal(2)]).nullish(),
    flags: z
      .array(z.object({ completionId: id, flag: z.enum(FLAGS) }).strict())
      .max(64)
      .default([]),
    /** Answers to the project's per-completion questions (questions.ts checks them against the project). */
    answers: answersSchema.default([]),
    comment: z
      .string()
      .max(5000)
      .nullish()
      .transform((c) => (c && c.trim() ? c.trim() : null)),
    /** Measured by the browser; the server keeps it no larger than the time the assignment was open. */
    secondsSpent: z.number().finite().nonnegative().max(MAX_SECONDS_SPENT).nullish(),
    /** Optional: the assignment the client believes it is answering; must be the caller's one on this task. */
    assignmentId: id.optional(),
  })
  .strict();

export type RankingSubmission = z.infer<typeof rankingSubmissionSchema>;

export const skipSchema = z
  .object({
    reason: z.string().trim().min(1, "say why you skip").max(1000),
  })
  .strict();

export interface SubmissionIssue {
  field: string;
  message: string;
}

/**
 * Problems of a submission against the task's completions: every completion ranked exactly
 * once, nothing else, and flags only on this task's completions. Empty when it is sound.
 */
export function checkSubmission(submission: Pick<RankingSubmission, "groups" | "flags">, completionIds: readonly number[]): SubmissionIssue[] {
  const issues: SubmissionIssue[] = [];
  const known = new Set(completionIds);
  const seen = new Set<number>();
  submission.groups.forEach((group, g) =>
    group.forEach((cid, i) => {
      const field = `groups.${g}.${i}`;
      if (!known.has(cid)) issues.push({ field, message: `completion ${cid} is not one of this task's completions` });
      else if (seen.has(cid)) issues.push({ field, message: `completion ${cid} appears more than once` });
      seen.add(cid);
    }),
  );
  const missing = completionIds.filter((cid) => !seen.has(cid));
  if (missing.length > 0) {
    issues.push({ field: "groups", message: `rank every completion once; missing ${missing.map((m) => `completion ${m}`).join(", ")}` });
  }
  submission.flags.forEach((f, i) => {
    if (!known.has(f.completionId))
      issues.push({ field: `flags.${i}.completionId`, message: `completion ${f.completionId} is not one of this task's completions` });
  });
  return issues;
}

/** The flags without repeats, in a stable order. */
export function uniqueFlags<F extends { completionId: number; flag: string }>(flags: readonly F[]): F[] {
  const seen = new Set<string>();
  return flags.filter((f) => {
    const key = `${f.completionId}:${f.flag}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The seconds to store: what the browser measured, but never more than the assignment was
 * open (plus a little clock slack); the server's own measure when the browser sent none.
 */
export function sanitizeSecondsSpent(reported: number | null | undefined, openedAt: number, now: number): number {
  const open = Math.max(0, (now - openedAt) / 1000);
  const seconds = reported === null || reported === undefined ? open : Math.min(reported, open + 5);
  return Math.round(Math.min(seconds, MAX_SECONDS_SPENT) * 10) / 10;
}
