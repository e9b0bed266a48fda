// The `sft` format: TRL's conversational SFT dataset, one demonstration per line.
//
//   {"messages": [{"role": "user", "content": "What is 7 + 5?"}, {"role": "assistant", "content": "7 + 5 = **12**."}]}
//
// The last message is the assistant's demonstration; the messages before it (at least one) are
// the prompt. Export (sft-writer.ts) writes exactly this, plus `"metadata": {"reference": …}`
// when the prompt has a reference answer; import (sft-import.ts) reads it back,
// each line a prompt with a task and a submitted demonstration by the imported annotator.
// Optional on import: `id` (string or number, the prompt's external id) and `metadata` (an
// object kept with the prompt). Unknown fields are errors, so a misspelt field is caught.
import { z } from "zod";
import type { Message } from "../../db/schema";
import { messagesSchema, metadataSchema, parseWith } from "./record";

export const SFT_FORMAT = "sft";

export interface SftRecord {
  /** The prompt: every message but the last. */
  messages: Message[];
  /** The last message's content: the assistant's answer. */
  demonstration: string;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
}

const lineSchema = z
  .object(
    {
      messages: messagesSchema.superRefine((messages, ctx) => {
        const last = messages.length - 1;
        if (messages.length < 2)
          ctx.addIssue({ code: "custom", message: "expected the prompt's messages and then the assistant's answer (at least 2 messages)" });
        else if (messages[last].role !== "assistant")
          ctx.addIssue({
            code: "custom",
            path: [last, "role"],
            message: `the last message is the demonstration: expected "assistant", got "${messages[last].role}"`,
          });
        else if (messages[last].content.trim() === "") ctx.addIssue({ code: "custom", path: [last, "content"], message: "the demonstration is empty" });
      }),
      id: z.union([z.string(), z.number()], { error: "expected a string or a number" }).optional(),
      metadata: metadataSchema.optional(),
    },
    { error: (iss) => (iss.code === "invalid_type" ? "expected a JSON object" : undefined) },
  )
  .strict();

/** One parsed line's record, or the reason it is invalid (naming the field). */
export function parseSftLine(value: unknown): { record: SftRecord } | { error: string } {
  const parsed = parseWith(lineSchema, value);
  if ("error" in parsed) return parsed;
  const { messages, id, metadata } = parsed.data;
  return {
    record: {
      messages: messages.slice(0, -1),
      demonstration: messages[messages.length - 1].content,
      externalId: id === undefined ? null : String(id),
      metadata: metadata ?? null,
    },
  };
}

/**
 * A demonstration as TRL's conversational SFT row: the prompt's messages, then the answer as the
 * assistant's; with `"metadata": {"reference": …}` when the prompt has a reference answer, so an
 * SFT run on an export or a snapshot can check exact answers (import reads it back into the
 * prompt's metadata). The prompt's other metadata stays behind: a row carries what training reads.
 */
export function sftRow(prompt: readonly Message[], answer: string, reference?: string | null): { messages: Message[]; metadata?: { reference: string } } {
  const messages = [...prompt, { role: "assistant" as const, content: answer }];
  return reference == null ? { messages } : { messages, metadata: { reference } };
}
