// Anthropic HH transcripts: a conversation as one string of turns,
//
//   "\n\nHuman: What is 2+2?\n\nAssistant: 4.\n\nHuman: And 3+3?\n\nAssistant: 6."
//
// as in Anthropic/hh-rlhf's `chosen` and `rejected`. Each turn is its marker ("\n\nHuman:" or
// "\n\nAssistant:"), one space, and the text up to the next marker. A system prompt is the text
// before the first turn (where Anthropic's legacy prompt format puts it). Text that itself holds
// "\n\nHuman:" or "\n\nAssistant:" cannot be told from a turn: such a message does not survive the
// trip (the format has no escaping).
import type { Message } from "../../db/schema";

const HUMAN = "\n\nHuman:";
const ASSISTANT = "\n\nAssistant:";
const MARKER = /\n\nHuman:|\n\nAssistant:/g;

/** A conversation as a transcript; `completion`, when given, is a last Assistant turn. */
export function hhTranscript(messages: readonly Message[], completion?: string): string {
  let out = "";
  let i = 0;
  const system: string[] = [];
  while (i < messages.length && messages[i].role === "system") system.push(messages[i++].content);
  out += system.join("\n\n");
  for (; i < messages.length; i++) out += `${messages[i].role === "assistant" ? ASSISTANT : HUMAN} ${messages[i].content}`;
  if (completion !== undefined) out += `${ASSISTANT} ${completion}`;
  return out;
}

/** The messages of a transcript (a system message first when text comes before the first turn), or why it is not one. */
export function parseHhTranscript(transcript: string): { messages: Message[] } | { error: string } {
  // Hugging Face copies sometimes drop the leading blank line of the first turn.
  const text = transcript.startsWith("Human:") || transcript.startsWith("Assistant:") ? `\n\n${transcript}` : transcript;
  const markers = [...text.matchAll(MARKER)];
  if (markers.length === 0) return { error: 'expected a transcript of "\\n\\nHuman: …" and "\\n\\nAssistant: …" turns, found no turn' };
  const messages: Message[] = [];
  const preamble = text.slice(0, markers[0].index);
  if (preamble.trim() !== "") messages.push({ role: "system", content: preamble });
  for (const [k, m] of markers.entries()) {
    const start = m.index + m[0].length;
    const end = k + 1 < markers.length ? markers[k + 1].index : text.length;
    let content = text.slice(start, end);
    if (content.startsWith(" ")) content = content.slice(1);
    messages.push({ role: m[0] === HUMAN ? "user" : "assistant", content });
  }
  return { messages };
}
