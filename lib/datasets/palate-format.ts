// The `palate` import format: JSONL, one task per line.
//
//   {"prompt": "What is 2+2?", "completions": ["4", "5"]}
//   {"messages": [{"role": "user", "content": "Hi"}], "completions": [{"text": "Hello!", "model": "sft-v1"}, "Hey"]}
//
// - `prompt` (a string, imported as one user message) or `messages` (a non-empty list of
//   {role: system|user|assistant, content}) — exactly one of the two.
// - `completions`: at least two, each a string or {text, model?, metadata?}.
// - optional `id` (string or number, kept as the prompt's external id) and `metadata` (an object).
// Unknown fields are errors, so a misspelt field is caught rather than silently dropped.
import { z } from "zod";
import { messagesSchema, metadataSchema, parseWith, type ImportRecord, type LineParser } from "./record";

const completionSchema = z.preprocess(
  (v) => (typeof v === "string" ? { text: v } : v),
  z
    .object(
      {
        text: z.string(),
        model: z.string().nullish(),
        metadata: metadataSchema.nullish(),
      },
      { error: (iss) => (iss.code === "invalid_type" ? "expected a string or an object {text, model?, metadata?}" : undefined) },
    )
    .strict(),
);

const lineSchema = z
  .object(
    {
      prompt: z.string().min(1, "expected a non-empty string").optional(),
      messages: messagesSchema.optional(),
      completions: z
        .array(completionSchema, { error: (iss) => (iss.code === "invalid_type" && iss.input !== undefined ? "expected a list of completions" : undefined) })
        .min(2, "expected at least 2 completions"),
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
  });

export const parsePalateLine: LineParser = (value) => {
  const parsed = parseWith(lineSchema, value);
  if ("error" in parsed) return parsed;
  const v = parsed.data;
  const record: ImportRecord = {
    messages: v.messages ?? [{ role: "user", content: v.prompt ?? "" }],
    completions: v.completions.map((c) => ({ text: c.text, model: c.model ?? null, metadata: c.metadata ?? null })),
    externalId: v.id === undefined ? null : String(v.id),
    promptMetadata: v.metadata ?? null,
  };
  return { records: [record] };
};
