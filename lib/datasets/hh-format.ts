// The `hh` import format: Anthropic's HH-RLHF preference rows (Anthropic/hh-rlhf),
//
//   {"chosen": "\n\nHuman: Hi\n\nAssistant: Hello! How can I help?",
//    "rejected": "\n\nHuman: Hi\n\nAssistant: What."}
//
// `chosen` and `rejected` are whole transcripts (hh-transcript.ts). Everything before their final
// Assistant turn must be the same in both: that shared prefix is the prompt (earlier turns become
// user and assistant messages, text before the first turn a system message), and the two final
// Assistant turns are the task's completions, chosen at position 0, ranked above rejected (an
// imported ranking [[chosen], [rejected]], as a `trl` row gives). A row whose transcripts do not
// share a prefix ending in an Assistant turn is an invalid line. Other keys are ignored.
import type { Message } from "../../db/schema";
import { parseHhTranscript } from "./hh-transcript";
import { kindOf, type LineParser } from "./record";

function sameMessage(a: Message, b: Message): boolean {
  return a.role === b.role && a.content === b.content;
}

/** A transcript's prompt and final Assistant turn, or why it has none. */
function split(value: unknown, field: string): { prompt: Message[]; answer: string } | { error: string } {
  if (value === undefined) return { error: `${field}: missing field` };
  if (typeof value !== "string") return { error: `${field}: expected a transcript string, got ${kindOf(value)}` };
  const parsed = parseHhTranscript(value);
  if ("error" in parsed) return { error: `${field}: ${parsed.error}` };
  const last = parsed.messages[parsed.messages.length - 1];
  if (last.role !== "assistant") return { error: `${field}: expected the transcript to end with an "\\n\\nAssistant:" turn, it ends with a Human turn` };
  const prompt = parsed.messages.slice(0, -1);
  if (!prompt.some((m) => m.role === "user")) return { error: `${field}: expected a "\\n\\nHuman:" turn before the final Assistant turn` };
  return { prompt, answer: last.content };
}

export const parseHhLine: LineParser = (value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "expected a JSON object" };
  const { chosen, rejected } = value as Record<string, unknown>;
  const c = split(chosen, "chosen");
  if ("error" in c) return c;
  const r = split(rejected, "rejected");
  if ("error" in r) return r;
  const same = c.prompt.length === r.prompt.length && c.prompt.every((m, i) => sameMessage(m, r.prompt[i]));
  if (!same) {
    const at = c.prompt.findIndex((m, i) => i >= r.prompt.length || !sameMessage(m, r.prompt[i]));
    const turn = at === -1 ? r.prompt.length : at;
    return {
      error: `chosen, rejected: the transcripts do not share a prefix ending in an Assistant turn (they differ at turn ${turn + 1} of chosen's ${c.prompt.length + 1}, before their final Assistant turns)`,
    };
  }
  return { records: [{ messages: c.prompt, completions: [{ text: c.answer }, { text: r.answer }], ranking: [[0], [1]] }] };
};
