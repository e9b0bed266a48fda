// JSON texts built from pieces, byte for byte what JSON.stringify writes.
//
// An export writes the same prompt and completion texts into many rows (every pair a ranking
// implies), so the pair writers serialize each text once per ranking and join the pieces, instead
// of JSON.stringify on each row object. A string literal is the costly piece: JSON.stringify(s)
// escapes `"`, `\`, U+0000–U+001F and lone surrogates (ES2019's well-formed JSON.stringify) and
// writes every other character as it is, so a string with none of these, and no surrogate at all
// (to keep the check one character class), is itself between quotes. A regular expression finds
// out several times faster than JSON.stringify copies the text, and the concatenation is not
// copied until the line is written out.

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)` for a string. */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}
