// Whether two texts are equal once normalized as identical.ts `normalizeCompletionText` does it
// (trimmed, every run of whitespace one space), without building the normalized strings.
//
// Equal normalized texts are the same sequence of words (maximal runs of non-whitespace), so
// one walk over both strings decides it, and two different texts are usually told apart within
// their first few characters: an export of 200k pairs checks every pair this way, where
// normalizing both texts of each pair cost a second. Whitespace is exactly what the regular
// expression `\s` (and String.prototype.trim) matches: a table for ASCII, `\s` itself above.
// A unit test checks it against normalizeCompletionText.

const ASCII_SPACE = new Uint8Array(128);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) ASCII_SPACE[c] = 1;
const SPACE = /\s/;

function isSpace(code: number): boolean {
  return code < 128 ? ASCII_SPACE[code] === 1 : SPACE.test(String.fromCharCode(code));
}

/** The index of the first non-whitespace character of `s` at or after `i` (`s.length` when none). */
function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** True when `a` and `b` are equal after trimming and collapsing whitespace runs to one space. */
export function sameNormalizedText(a: string, b: string): boolean {
  if (a === b) return true;
  const n = a.length;
  const m = b.length;
  let i = skipSpace(a, 0);
  let j = skipSpace(b, 0);
  while (i < n && j < m) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    const xSpace = isSpace(x);
    if (x === y && !xSpace) {
      i++;
      j++;
    } else if (xSpace && isSpace(y)) {
      // A whitespace run on both sides: one space each once normalized.
      i = skipSpace(a, i);
      j = skipSpace(b, j);
    } else return false;
  }
  // One side has ended: the other may only have (trailing) whitespace left.
  return skipSpace(a, i) === n && skipSpace(b, j) === m;
}
