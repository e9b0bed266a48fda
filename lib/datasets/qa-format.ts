// The `qa` import format: plain question/answer JSONL, one prompt with its reference answer per
// line, no completions.
//
//   {"prompt": "What is 7 + 5?", "answer": "12"}
//   {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of Peru?"}], "answer": "Lima", "id": "geo-17"}
//
// - `prompt` (a non-empty string, one user message) or `messages` (a non-empty list of
//   {role: system|user|assistant, content}) — exactly one of the two.
// - `answer` (a non-empty string, or a number): the reference answer (metadata.reference).
// - optional `id` (string or number, the prompt's external id) and `metadata` (an object kept
//   with the prompt; its `reference` is the line's answer, so metadata may not set one).
// Unknown fields are errors, so a misspelt field is caught rather than silently dropped.
import { z } from "zod";
import { REFERENCE_KEY } from "../rewards/reference";
import type { PromptLineParser } from "./prompt-formats";
import { messagesSchema, metadataSchema, parseWith } from "./record";

const lineSchema = z
  .object(
    {
      prompt: z
        .string()
        .refine((s) => s.trim() !== "", "expected a non-empty string")
        .optional(),
      messages: messagesSchema.optional(),
      answer: z.union([z.string().refine((s) => s.trim() !== "", "expected a non-empty string"), z.number().finite()], {
        error: (iss) => (iss.input === undefined ? "missing field" : "expected a string or a number"),
      }),
      id: z.union([z.string(), z.number()], { error: "expected a string or a number" }).optional(),
      metadata: metadataSchema.optional(),
    },
    { error: (iss) => (iss.code === "invalid_type" ? "expected a JSON object" : undefined) },
  )
  .strict()
  .superRefine((v, ctx) => {
    if (v.prompt === undefined && v.messages === undefined)
      ctx.addIssue({ code: "custom", path: ["prompt"], message: 'missing field (give "prompt" or "messages")' });
    if (v.prompt !== undefined && v.messages !== undefined)
      ctx.addIssue({ code: "custom", path: ["messages"], message: 'give either "prompt" or "messages", not both' });
    if (v.metadata && Object.hasOwn(v.metadata, REFERENCE_KEY))
      ctx.addIssue({ code: "custom", path: ["metadata", REFERENCE_KEY], message: 'the reference is the line\'s "answer": leave it out of metadata' });
  });

export const parseQaLine: PromptLineParser = (value) => {
  const parsed = parseWith(lineSchema, value);
  if ("error" in parsed) return parsed;
  const v = parsed.data;
  const reference = typeof v.answer === "number" ? String(v.answer) : v.answer.trim();
  return {
    record: {
      messages: v.messages ?? [{ role: "user", content: v.prompt ?? "" }],
      externalId: v.id === undefined ? null : String(v.id),
      metadata: { ...(v.metadata ?? {}), [REFERENCE_KEY]: reference },
      reference,
      promptField: v.messages ? "messages" : "prompt",
    },
  };
};
