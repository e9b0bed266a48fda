/**
 * GPT-2 byte-level pre-tokenization: the regex that splits text into pre-tokens and
 * the reversible mapping from the 256 byte values to printable unicode characters,
 * so every byte sequence is a string of "visible" characters (space → "Ġ", "\n" → "Ċ").
 */

/** GPT-2's pre-tokenization pattern, as in openai/gpt-2 encoder.py and HF's ByteLevel pre-tokenizer. */
export const GPT2_SPLIT_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

function buildByteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b); // '!'..'~'
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b); // '¡'..'¬'
  for (let b = 0xae; b <= 0xff; b++) printable.push(b); // '®'..'ÿ'
  const isPrintable = new Set(printable);
  const table = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = isPrintable.has(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++);
  }
  return table;
}

/** BYTE_TO_UNICODE[b] is the single character that stands for byte b. */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

/** Inverse of {@link BYTE_TO_UNICODE}: character → byte value. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

const utf8 = new TextEncoder();

/** Maps the UTF-8 bytes of `text` to their byte-level characters. */
export function toByteLevel(text: string): string {
  const bytes = utf8.encode(text);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_UNICODE[bytes[i] as number];
  return out;
}

/** Maps byte-level characters back to bytes; throws on a character outside the mapping. */
export function fromByteLevel(chars: string): Uint8Array {
  const out = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const b = UNICODE_TO_BYTE.get(chars[i] as string);
    if (b === undefined) throw new Error(`fromByteLevel: character U+${chars.charCodeAt(i).toString(16)} is not a byte-level symbol`);
    out[i] = b;
  }
  return out;
}

/** Splits text (without special tokens) into GPT-2 pre-tokens, each still as plain text. */
export function splitPreTokens(text: string): string[] {
  return text.match(GPT2_SPLIT_PATTERN) ?? [];
}
