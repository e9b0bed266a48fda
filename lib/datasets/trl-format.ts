// The `trl` import format: TRL's preference datasets, JSONL with `prompt`, `chosen`, `rejected`.
// https://huggingface.co/docs/trl/dataset_formats#preference
//
// - standard:        {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}
// - conversational:  {"prompt": [{"role": "user", "content": "What color is the sky?"}],
//                     "chosen": [{"role": "assistant", "content": "It is blue."}],
//                     "rejected": [{"role": "assistant", "content": "It is green."}]}
// - conversational with an implicit prompt: no `prompt`; `chosen` and `rejected` are whole
//   conversations; the prompt is their longest common prefix of messages (as TRL's
//   `extract_prompt` does), and what follows it must be one assistant message on each side.
//
// Each row becomes a task with two completions, chosen at position 0 and rejected at 1, and an
// imported ranking [[chosen], [rejected]]. The three fields are all strings or all message lists;
// a conversational `chosen`/`rejected` holds exactly one assistant message (Palate's completions
// are single assistant turns). A string row needs its `prompt`: implicit prompts are only read
// from conversational rows, where the split between prompt and answer is unambiguous.
// An optional numeric `margin` column (TRL's RewardTrainer reads it: −log σ(r_c − r_r − margin))
// is kept as the imported ranking's strength (`ImportRecord.strength`, exported back as `margin`:
// lib/datasets/pair-margin.ts). Other columns (ids, scores) are ignored.
import { z } from "zod";
import type { Message } from "../../db/schema";
import { kindOf, messageSchema, messagesSchema, parseWith, type LineParser } from "./record";

const objectSchema = z.record(z.string(), z.unknown(), { error: "expected a JSON object" });
const textSchema = z.string();

function sameMessage(a: Message, b: Message): boolean {
  return a.role === b.role && a.content === b.content;
}

/** The single assistant message of a conversational `chosen`/`rejected`, or why not. */
function assistantTurn(messages: Message[], field: string): { text: string } | { error: string } {
  if (messages.length !== 1) return { error: `${field}: expected exactly one assistant message, got ${messages.length} messages` };
  if (messages[0].role !== "assistant") return { error: `${field}[0].role: expected "assistant", got ${JSON.stringify(messages[0].role)}` };
  return { text: messages[0].content };
}

function row(messages: Message[], chosen: string, rejected: string) {
  return { records: [{ messages, completions: [{ text: chosen }, { text: rejected }], ranking: [[0], [1]] }] };
}

/** A row's `margin`: undefined when absent (or null), a number, or why it is not one. */
export function rowMargin(value: unknown): number | undefined | { error: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const margin = (value as Record<string, unknown>).margin;
  if (margin === undefined || margin === null) return undefined;
  if (typeof margin !== "number" || !Number.isFinite(margin)) return { error: `margin: expected a number, got ${kindOf(margin)}` };
  return margin;
}

export const parseTrlLine: LineParser = (value) => {
  const margin = rowMargin(value);
  if (typeof margin === "object") return margin;
  const parsed = parseTrlRow(value);
  if (margin !== undefined && "records" in parsed) for (const record of parsed.records) record.strength = margin;
  return parsed;
};

const parseTrlRow: LineParser = (value) => {
  // The common row — prompt, chosen and rejected strings, the prompt not empty — read without
  // zod (a 200k-line import spent a fifth of its parsing there); any other row takes the way
  // below, which names what is wrong.
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { prompt, chosen, rejected } = value as Record<string, unknown>;
    if (typeof prompt === "string" && prompt.length > 0 && typeof chosen === "string" && typeof rejected === "string")
      return row([{ role: "user", content: prompt }], chosen, rejected);
  }
  const base = parseWith(objectSchema, value);
  if ("error" in base) return base;
  const { prompt, chosen, rejected } = base.data;
  for (const [field, v] of [
    ["chosen", chosen],
    ["rejected", rejected],
  ] as const) {
    if (v === undefined) return { error: `${field}: missing field` };
  }
  const conversational = Array.isArray(chosen);
  if (!conversational) {
    for (const [field, v] of [
      ["chosen", chosen],
      ["rejected", rejected],
      ["prompt", prompt],
    ] as const) {
      if (field === "prompt" && v === undefined) return { error: "prompt: missing field (implicit prompts are read from conversational rows only)" };
      const ok = parseWith(textSchema, v);
      if ("error" in ok) return { error: `${field}: expected string${Array.isArray(v) ? " like chosen (not a message list)" : ""}, got ${kindOf(v)}` };
    }
    const p = prompt as string;
    if (p.length === 0) return { error: "prompt: expected a non-empty string" };
    return row([{ role: "user", content: p }], chosen as string, rejected as string);
  }
  const lists: Record<string, Message[]> = {};
  for (const [field, v] of [["chosen", chosen], ["rejected", rejected], ...(prompt === undefined ? [] : [["prompt", prompt]])] as [string, unknown][]) {
    if (!Array.isArray(v)) return { error: `${field}: expected a list of messages like chosen, got ${kindOf(v)}` };
    const parsed = parseWith(field === "prompt" ? messagesSchema : z.array(messageSchema), v);
    if ("error" in parsed) return { error: parsed.error.startsWith("[") ? `${field}${parsed.error}` : `${field}: ${parsed.error}` };
    lists[field] = parsed.data;
  }
  if (prompt !== undefined) {
    const c = assistantTurn(lists.chosen, "chosen");
    if ("error" in c) return c;
    const r = assistantTurn(lists.rejected, "rejected");
    if ("error" in r) return r;
    return row(lists.prompt, c.text, r.text);
  }
  // Implicit prompt: the longest common prefix of the two conversations.
  let shared = 0;
  while (shared < lists.chosen.length && shared < lists.rejected.length && sameMessage(lists.chosen[shared], lists.rejected[shared])) shared++;
  if (shared === lists.chosen.length && shared === lists.rejected.length)
    return { error: "prompt: missing field, and chosen and rejected are the same conversation" };
  if (shared === 0) return { error: "prompt: missing field, and chosen and rejected share no leading messages to take it from" };
  const c = assistantTurn(lists.chosen.slice(shared), "chosen (after the shared prompt)");
  if ("error" in c) return c;
  const r = assistantTurn(lists.rejected.slice(shared), "rejected (after the shared prompt)");
  if ("error" in r) return r;
  return row(lists.chosen.slice(0, shared), c.text, r.text);
};
