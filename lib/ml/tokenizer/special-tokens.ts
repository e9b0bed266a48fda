/**
 * Special tokens of Palate's tokenizers. They take the first ids, in this order, so
 * their ids do not depend on the vocabulary size:
 *
 *   0 `<|endoftext|>`  document separator; bos = eos = unk = pad, as in GPT-2
 *   1 `<|system|>`     chat: starts a system message
 *   2 `<|user|>`       chat: starts a user message
 *   3 `<|assistant|>`  chat: starts an assistant message
 *   4 `<|end|>`        chat: ends any message (generation of an answer stops here)
 *
 * The 256 byte symbols follow (id = 5 + byte value), then the learned merges.
 */
export const ENDOFTEXT = "<|endoftext|>";
export const SYSTEM_MARKER = "<|system|>";
export const USER_MARKER = "<|user|>";
export const ASSISTANT_MARKER = "<|assistant|>";
export const END_MARKER = "<|end|>";

export const DEFAULT_SPECIAL_TOKENS: readonly string[] = [ENDOFTEXT, SYSTEM_MARKER, USER_MARKER, ASSISTANT_MARKER, END_MARKER];

/** Splits text around occurrences of the given special tokens (longest match first), keeping them as separate pieces. */
export function splitOnSpecialTokens(text: string, specialTokens: readonly string[]): { text: string; special: boolean }[] {
  if (specialTokens.length === 0) return text.length > 0 ? [{ text, special: false }] : [];
  const escaped = [...specialTokens].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp(escaped.join("|"), "g");
  const pieces: { text: string; special: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) pieces.push({ text: text.slice(last, at), special: false });
    pieces.push({ text: m[0], special: true });
    last = at + m[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), special: false });
  return pieces;
}
