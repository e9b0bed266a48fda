// Import formats of prompts alone, with a reference answer and no completions: `gsm8k` and `qa`.
// Their lines create prompts without tasks (prompt-import.ts): a generation job samples
// completions for them later, and GRPO reads a project's prompts and their references directly
// (reference-prompts.ts). The formats that create tasks (palate, trl, …) are IMPORT_FORMATS in
// record.ts; ALL_IMPORT_FORMATS is what the CLI, the import route and its job accept.
import type { Message } from "../../db/schema";
import { parseGsm8kLine } from "./gsm8k-format";
import type { Line } from "./lines";
import { parseQaLine } from "./qa-format";
import { IMPORT_FORMATS } from "./record";

export const PROMPT_FORMATS = ["gsm8k", "qa"] as const;
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

export const ALL_IMPORT_FORMATS = [...IMPORT_FORMATS, ...PROMPT_FORMATS] as const;
export type AnyImportFormat = (typeof ALL_IMPORT_FORMATS)[number];

export function isPromptFormat(format: string): format is PromptFormat {
  return (PROMPT_FORMATS as readonly string[]).includes(format);
}

/** One prompt to create: its conversation, external id, and metadata holding `reference` (lib/rewards/reference.ts). */
export interface PromptRecord {
  messages: Message[];
  externalId: string | null;
  metadata: Record<string, unknown>;
  /** The reference answer (also in metadata.reference). */
  reference: string;
  /** The line's field that holds the prompt, named by a duplicate's error (`question`, `prompt`, `messages`). */
  promptField: string;
}

export type PromptLineParser = (value: unknown) => { record: PromptRecord } | { error: string };

export const PROMPT_LINE_PARSERS: Record<PromptFormat, PromptLineParser> = {
  gsm8k: parseGsm8kLine,
  qa: parseQaLine,
};

/** The prompt of a line, `null` for a blank line (ignored), or the reason the line is invalid. */
export function parsePromptLine(format: PromptFormat, line: Line): { record: PromptRecord } | { error: string } | null {
  if (line.error !== undefined) return { error: line.error };
  if (line.text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (err) {
    return { error: `bad JSON: ${(err as Error).message}` };
  }
  return PROMPT_LINE_PARSERS[format](value);
}
