// A snapshot's train/test split, by prompt: a prompt's side is decided by a hash of its text, so
// every row of one prompt (every pair, every ranking, in every format) lands on the same side,
// no prompt is in both, and the same prompt falls on the same side in every snapshot taken with
// the same test share (a later, larger snapshot keeps yesterday's test prompts in its test split).
//
// The prompt's text is promptText() of its messages (lib/datasets/prompt-text.ts): the string the
// trl format writes as `prompt`, so a row that carries only that string splits like the others.
import { createHash } from "node:crypto";
import type { Message } from "../../db/schema";
import { parseHhTranscript } from "./hh-transcript";
import { promptText } from "./prompt-text";

export const SPLITS = ["train", "test"] as const;
export type Split = (typeof SPLITS)[number];

/** The share of prompts held out as the test split, by default. */
export const DEFAULT_TEST_SHARE = 0.1;

/** A number in [0, 1) from the SHA-256 of the prompt's text: its first 52 bits over 2^52. */
export function promptHashUnit(text: string): number {
  const digest = createHash("sha256").update(text, "utf8").digest();
  // 52 bits: 4 bytes, then 20 bits of the next three (exact in a float64).
  const high = digest.readUInt32BE(0);
  const low = digest.readUIntBE(4, 3) >>> 4;
  return (high * 2 ** 20 + low) / 2 ** 52;
}

/** The side of a prompt given by its text: test when its hash falls below `testShare`. */
export function promptSplit(text: string, testShare: number): Split {
  if (!(testShare >= 0 && testShare < 1)) throw new Error(`testShare: expected a number in [0, 1), got ${testShare}`);
  return promptHashUnit(text) < testShare ? "test" : "train";
}

/** The split key of a prompt given as messages. */
export function messagesKey(messages: readonly Pick<Message, "role" | "content">[]): string {
  return promptText(messages as Message[]);
}

/** The conversation before the last assistant turn of `messages` (a pair format's side). */
function promptOf(messages: readonly Message[]): readonly Message[] {
  return messages.length > 0 && messages[messages.length - 1].role === "assistant" ? messages.slice(0, -1) : messages;
}

function isMessages(value: unknown): value is Message[] {
  return Array.isArray(value) && value.every((m) => m && typeof m === "object" && typeof (m as Message).content === "string");
}

/**
 * The prompt text of an export row: its `prompt_id` looked up with `promptTextOf` (the project's
 * prompts), else its `prompt` (a string, or messages), else the conversation its `chosen` side
 * continues (openrlhf: messages ending with the completion; hh: a transcript whose last Assistant
 * turn is the completion). Throws naming the format when a row has none of them: a format must
 * carry its prompt for the split to keep prompts apart.
 */
export function rowPromptText(row: object, promptTextOf: (promptId: number) => string | undefined, format: string): string {
  const r = row as { prompt_id?: unknown; prompt?: unknown; chosen?: unknown };
  if (typeof r.prompt_id === "number") {
    const text = promptTextOf(r.prompt_id);
    if (text !== undefined) return text;
  }
  if (typeof r.prompt === "string") return r.prompt;
  if (isMessages(r.prompt)) return messagesKey(r.prompt);
  if (isMessages(r.chosen)) return messagesKey(promptOf(r.chosen));
  if (typeof r.chosen === "string") {
    const parsed = parseHhTranscript(r.chosen);
    if ("messages" in parsed) return messagesKey(promptOf(parsed.messages));
  }
  throw new Error(`format ${format}: a row carries no prompt_id, prompt or chosen conversation, so it cannot be split by prompt`);
}
