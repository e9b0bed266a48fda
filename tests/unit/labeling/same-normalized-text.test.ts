import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeCompletionText } from "@/lib/labeling/identical";
import { sameNormalizedText } from "@/lib/labeling/same-normalized-text";

// Every character \s matches (and String.prototype.trim removes), a few that it does not
// (zero-width space, U+180E, NUL), letters and a surrogate pair.
const ALPHABET = [..."\t\n\v\f\r \u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000\ufeff", ..."\u200b\u180e\u0000", ..."abAB.é", "\ud83d\ude00"];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }).map((parts) => parts.join(""));

describe("sameNormalizedText", () => {
  it("agrees with comparing normalizeCompletionText on any two texts", () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sameNormalizedText(a, b)).toBe(normalizeCompletionText(a) === normalizeCompletionText(b));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees on a text and a respaced copy of it", () => {
    const respace = (s: string, spaces: string[]) => s.split(/\s+/).join(spaces[0] ?? " ");
    fc.assert(
      fc.property(text, fc.array(fc.constantFrom(" ", "\n\t", "\u3000", "\u200b"), { maxLength: 1 }), fc.boolean(), (a, spaces, pad) => {
        const b = (pad ? " \n" : "") + respace(a, spaces) + (pad ? "\u2029" : "");
        expect(sameNormalizedText(a, b)).toBe(normalizeCompletionText(a) === normalizeCompletionText(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it("works through cases worked by hand", () => {
    expect(sameNormalizedText("Paris.", " Paris. ")).toBe(true);
    expect(sameNormalizedText("a  b", "a\tb")).toBe(true);
    expect(sameNormalizedText("a b", "ab")).toBe(false);
    expect(sameNormalizedText("abc", "abc d")).toBe(false);
    expect(sameNormalizedText("", "  \n")).toBe(true);
    expect(sameNormalizedText("a\u200bb", "a b")).toBe(false);
  });
});
