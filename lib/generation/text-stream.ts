// Incremental detokenization of one sampled sequence, for streaming: each new token gives
// the text that is now safe to send, so that the pieces sent add up to exactly the
// completion's final text.
//
// - Only a short window of ids is decoded per token (vLLM's prefix/read offsets), so a long
//   sequence costs O(tokens), not O(tokens²).
// - A token that ends inside a multi-byte UTF-8 character decodes to U+FFFD; its text waits
//   for the token that completes the character.
// - A tail that could be the start of a stop string is held back: the final text is cut
//   before the stop string, so it must never have been sent.
// - The EOS or stop-completing token is not pushed: finish() sends what is left of the final
//   text (which excludes them).

/** The length of the longest suffix of `text` that is a proper prefix of one of `stops`. */
export function stopPrefixLength(text: string, stops: readonly string[]): number {
  let held = 0;
  for (const stop of stops) {
    for (let k = Math.min(stop.length - 1, text.length); k > held; k--) {
      if (text.endsWith(stop.slice(0, k))) {
        held = k;
        break;
      }
    }
  }
  return held;
}

export class TextStream {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;
  /** The decoded text so far (whole characters only). */
  private text = "";
  /** How many characters of `text` have been sent. */
  private sent = 0;

  constructor(
    private readonly decode: (ids: readonly number[]) => string,
    private readonly stops: readonly string[] = [],
  ) {}

  /** Adds a sampled token; returns the text that can be sent now (often "", never to be taken back). */
  push(id: number): string {
    this.ids.push(id);
    const prefix = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const full = this.decode(this.ids.slice(this.prefixOffset));
    if (full.length > prefix.length && !full.endsWith("\uFFFD")) {
      this.text += full.slice(prefix.length);
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
    }
    const safe = this.text.length - stopPrefixLength(this.text, this.stops);
    if (safe <= this.sent) return "";
    const out = this.text.slice(this.sent, safe);
    this.sent = safe;
    return out;
  }

  /** The rest of the sequence's final text (Completion.text), once it has finished. */
  finish(finalText: string): string {
    const out = finalText.slice(Math.min(this.sent, finalText.length));
    this.sent = finalText.length;
    return out;
  }
}
