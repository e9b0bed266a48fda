// A conversation rendered as one prompt string, for trainers that take text (TRL's standard format).
//
// - A single user message is its content verbatim: what TRL users expect of a plain prompt.
// - Anything else (a system message, several turns) is a transcript, one "Role: content" block
//   per message separated by a blank line, ending with "Assistant:" so the completion follows:
//
//     System: Be brief.
//
//     User: Hi
//
//     Assistant: Hello!
//
//     User: What is 2+2?
//
//     Assistant:
import type { Message } from "../../db/schema";

const LABEL: Record<Message["role"], string> = { system: "System", user: "User", assistant: "Assistant" };

export function promptText(messages: readonly Message[]): string {
  if (messages.length === 1 && messages[0].role === "user") return messages[0].content;
  return [...messages.map((m) => `${LABEL[m.role]}: ${m.content}`), "Assistant:"].join("\n\n");
}
