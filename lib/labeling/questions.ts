// Per-completion quality questions: "how good" beside the ranking's "which is better".
//
// A project may ask, about EACH completion of a task, a few questions (`projects.quality_questions`):
//   rating  an integer from `min` to `max` (default 1–7), the ends labelled ("1 = useless", "7 = excellent");
//   tags    any of a fixed set of tag names (multi-select; choosing none is no answer).
// A `required` question needs an answer for every completion of the ranking, unless the ranking
// says "none acceptable" (every completion is bad: the annotator owes no further detail).
// Identical completions are answered alike on the ranking page (twins), and checked one by one here.
//
// This file holds the shapes (zod) and the rules, pure: the admin's question list, a
// submission's `answers`, and the check of answers against the questions and the task's
// completions that the submit and edit paths run (errors name the field, `answers.2.value`).
import { z } from "zod";
import type { AnswerValue, CompletionAnswer, QualityQuestion } from "../../db/schema";
import type { SubmissionIssue } from "./submission";

export type { AnswerValue, CompletionAnswer, QualityQuestion };

export const QUESTION_KINDS = ["rating", "tags"] as const;
export const MAX_QUESTIONS = 10;
export const MAX_TAGS = 20;
export const QUESTION_KEY = /^[a-z][a-z0-9_]{0,39}$/;

const key = z.string().regex(QUESTION_KEY, "a key is 1–40 lower-case letters, digits or _, starting with a letter");
const prompt = z.string().trim().min(1, "say what to ask").max(300);
const endLabel = z.string().trim().max(60).default("");
const tagName = z.string().trim().min(1, "a tag needs a name").max(40);

const ratingQuestionSchema = z
  .object({
    kind: z.literal("rating"),
    key,
    prompt,
    required: z.boolean().default(false),
    min: z.number().int().min(0).max(10).default(1),
    max: z.number().int().min(1).max(10).default(7),
    minLabel: endLabel,
    maxLabel: endLabel,
  })
  .strict()
  .refine((q) => q.max > q.min, { path: ["max"], message: "max must be above min" });

const tagsQuestionSchema = z
  .object({
    kind: z.literal("tags"),
    key,
    prompt,
    required: z.boolean().default(false),
    tags: z.array(tagName).min(1, "give at least one tag").max(MAX_TAGS),
  })
  .strict()
  .superRefine((q, ctx) => {
    const seen = new Set<string>();
    q.tags.forEach((t, i) => {
      if (seen.has(t)) ctx.addIssue({ code: "custom", path: ["tags", i], message: `the tag "${t}" appears twice` });
      seen.add(t);
    });
  });

export const qualityQuestionSchema = z.discriminatedUnion("kind", [ratingQuestionSchema, tagsQuestionSchema], {
  error: (iss) => (iss.code === "invalid_union" ? `kind: expected one of ${QUESTION_KINDS.join(", ")}` : undefined),
});

/** The project's question list as an admin saves it: keys unique. */
export const qualityQuestionsSchema = z
  .array(qualityQuestionSchema)
  .max(MAX_QUESTIONS, `at most ${MAX_QUESTIONS} questions`)
  .superRefine((questions, ctx) => {
    const seen = new Set<string>();
    questions.forEach((q, i) => {
      if (seen.has(q.key)) ctx.addIssue({ code: "custom", path: [i, "key"], message: `the key "${q.key}" is used twice` });
      seen.add(q.key);
    });
  });

/** PUT /api/projects/[id]/questions. */
export const questionsBodySchema = z.object({ questions: qualityQuestionsSchema }).strict();

/** A new rating question with the defaults (1–7). */
export function ratingQuestion(
  key: string,
  prompt: string,
  options: Partial<Omit<Extract<QualityQuestion, { kind: "rating" }>, "kind" | "key" | "prompt">> = {},
): QualityQuestion {
  return { kind: "rating", key, prompt, required: false, min: 1, max: 7, minLabel: "", maxLabel: "", ...options };
}

// ---- Answers in a submission ----

/** One answer as a submission carries it (checked against the project's questions in `checkAnswers`). */
export const answerSchema = z
  .object({
    completionId: z.number().int().positive(),
    questionKey: z.string().min(1).max(40),
    value: z.union([z.number().finite(), z.array(z.string().max(40)).max(MAX_TAGS)], { error: "expected a rating (a number) or a list of tags" }),
  })
  .strict();

export const answersSchema = z.array(answerSchema).max(9 * MAX_QUESTIONS, `at most ${9 * MAX_QUESTIONS} answers`);

/** The schema of one question's answer value. */
export function answerValueSchema(q: QualityQuestion): z.ZodType<AnswerValue> {
  if (q.kind === "rating") {
    const range = `rate from ${q.min} to ${q.max}`;
    return z
      .number({ error: `expected a rating (${range})` })
      .int(`a rating is a whole number (${range})`)
      .min(q.min, range)
      .max(q.max, range);
  }
  return z.array(
    z.string().refine((t) => q.tags.includes(t), { error: (iss) => `"${String(iss.input)}" is not one of the tags: ${q.tags.join(", ")}` }),
    { error: "expected a list of tags" },
  );
}

/** Whether a value answers its question (a rating, or at least one tag). */
export function isAnswered(value: AnswerValue | undefined): boolean {
  return typeof value === "number" || (Array.isArray(value) && value.length > 0);
}

/** Required questions left unanswered: each with the completions that lack an answer. None when "none acceptable". */
export function missingRequired(
  questions: readonly QualityQuestion[],
  completionIds: readonly number[],
  valueOf: (completionId: number, key: string) => AnswerValue | undefined,
  noneAcceptable: boolean,
): { question: QualityQuestion; completionIds: number[] }[] {
  if (noneAcceptable) return [];
  return questions
    .filter((q) => q.required)
    .map((question) => ({ question, completionIds: completionIds.filter((cid) => !isAnswered(valueOf(cid, question.key))) }))
    .filter((m) => m.completionIds.length > 0);
}

/**
 * Problems of a submission's answers: each names its field (`answers.3.value`, `answers.0.questionKey`,
 * `answers` for missing required ones). Empty when they are sound.
 */
export function checkAnswers(
  answers: readonly CompletionAnswer[],
  questions: readonly QualityQuestion[],
  completionIds: readonly number[],
  noneAcceptable: boolean,
): SubmissionIssue[] {
  const issues: SubmissionIssue[] = [];
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const known = new Set(completionIds);
  const given = new Map<string, AnswerValue>();
  answers.forEach((a, i) => {
    const field = `answers.${i}`;
    const question = byKey.get(a.questionKey);
    if (!question) {
      const asked = questions.length === 0 ? "this project asks no questions" : `this project asks ${questions.map((q) => q.key).join(", ")}`;
      return issues.push({ field: `${field}.questionKey`, message: `unknown question "${a.questionKey}"; ${asked}` });
    }
    if (!known.has(a.completionId))
      return issues.push({ field: `${field}.completionId`, message: `completion ${a.completionId} is not one of this task's completions` });
    const pair = `${a.completionId}:${a.questionKey}`;
    if (given.has(pair)) return issues.push({ field, message: `a second answer to "${a.questionKey}" for completion ${a.completionId}` });
    const parsed = answerValueSchema(question).safeParse(a.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ field: [`${field}.value`, ...issue.path.map(String)].join("."), message: issue.message });
      return;
    }
    given.set(pair, parsed.data);
  });
  if (issues.length > 0) return issues;
  for (const m of missingRequired(questions, completionIds, (cid, k) => given.get(`${cid}:${k}`), noneAcceptable)) {
    issues.push({
      field: "answers",
      message: `"${m.question.key}" is required: answer it for ${m.completionIds.map((c) => `completion ${c}`).join(", ")} (or mark none acceptable)`,
    });
  }
  return issues;
}

/**
 * The answers to store: empty tag lists dropped (no answer), tags once each in the question's
 * order, in the order of the task's completions and then of the questions. Call after `checkAnswers`.
 */
export function normalizeAnswers(
  answers: readonly CompletionAnswer[],
  questions: readonly QualityQuestion[],
  completionIds: readonly number[],
): CompletionAnswer[] {
  const qIndex = new Map(questions.map((q, i) => [q.key, i]));
  const cIndex = new Map(completionIds.map((c, i) => [c, i]));
  return answers
    .filter((a) => isAnswered(a.value))
    .map((a) => {
      const q = questions[qIndex.get(a.questionKey) ?? -1];
      const value = q?.kind === "tags" && Array.isArray(a.value) ? q.tags.filter((t) => (a.value as string[]).includes(t)) : a.value;
      return { completionId: a.completionId, questionKey: a.questionKey, value };
    })
    .sort(
      (a, b) => (cIndex.get(a.completionId) ?? 0) - (cIndex.get(b.completionId) ?? 0) || (qIndex.get(a.questionKey) ?? 0) - (qIndex.get(b.questionKey) ?? 0),
    );
}

/** How an answer reads: "6" for a rating, "verbose, wrong" for tags. */
export function formatAnswer(value: AnswerValue): string {
  return typeof value === "number" ? String(value) : value.join(", ");
}
