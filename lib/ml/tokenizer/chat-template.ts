import { ASSISTANT_MARKER, END_MARKER, SYSTEM_MARKER, USER_MARKER } from "./special-tokens";

/**
 * The chat template used for SFT data and prompts:
 *
 *   <|system|>{content}<|end|><|user|>{content}<|end|><|assistant|>{content}<|end|>
 *
 * No newlines around the markers: every message's content sits between two special
 * tokens, so encoding the messages one by one gives exactly the ids of encoding the
 * whole rendered text (special tokens split the text before pre-tokenization). A
 * prompt for generation ends with `<|assistant|>`; the answer ends with `<|end|>`.
 */
export type ChatRole = "system" | "user" | "assistant";

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatTemplateOptions {
  /** Append `<|assistant|>` so the model continues with an answer (default false). */
  addGenerationPrompt?: boolean;
}

/** The same template in Jinja, stored as `chat_template` in tokenizer_config.json for transformers. */
export const CHAT_TEMPLATE_JINJA =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|end|>' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}";

const MARKERS: Record<ChatRole, string> = { system: SYSTEM_MARKER, user: USER_MARKER, assistant: ASSISTANT_MARKER };

function markerOf(message: ChatMessage, index: number): string {
  const marker = MARKERS[message.role];
  if (marker === undefined) throw new Error(`chat message ${index}: role must be system, user or assistant, got ${JSON.stringify(message.role)}`);
  return marker;
}

/** Renders messages to the training / prompt text. */
export function renderChat(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): string {
  let text = "";
  messages.forEach((m, i) => {
    text += markerOf(m, i) + m.content + END_MARKER;
  });
  if (options.addGenerationPrompt) text += ASSISTANT_MARKER;
  return text;
}

/** What {@link encodeChat} needs from a tokenizer. */
export interface ChatTokenizer {
  encode(text: string): number[];
  tokenToId(token: string): number | undefined;
}

export interface EncodedChat {
  ids: number[];
  /** 1 where the token is part of an assistant answer (its content and closing `<|end|>`), else 0: the SFT loss mask. */
  assistantMask: number[];
}

/**
 * Encodes messages with the chat template and marks the assistant tokens. The ids
 * equal `tokenizer.encode(renderChat(messages, options))`.
 */
export function encodeChat(tokenizer: ChatTokenizer, messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): EncodedChat {
  const idOf = (token: string): number => {
    const id = tokenizer.tokenToId(token);
    if (id === undefined) throw new Error(`encodeChat: the tokenizer has no ${token} token`);
    return id;
  };
  const endId = idOf(END_MARKER);
  const ids: number[] = [];
  const assistantMask: number[] = [];
  messages.forEach((m, i) => {
    const answer = m.role === "assistant" ? 1 : 0;
    ids.push(idOf(markerOf(m, i)));
    assistantMask.push(0);
    const content = m.content.length > 0 ? tokenizer.encode(m.content) : [];
    for (const id of content) {
      ids.push(id);
      assistantMask.push(answer);
    }
    ids.push(endId);
    assistantMask.push(answer);
  });
  if (options.addGenerationPrompt) {
    ids.push(idOf(ASSISTANT_MARKER));
    assistantMask.push(0);
  }
  return { ids, assistantMask };
}
