// Numbers written in English words: "twelve", "twenty-one", "one hundred and five",
// "three thousand four hundred", "minus three" (the sign is read by numbers.ts).
//
// A run of number words is read greedily from its first word, for as long as the words still
// form one number by the usual grammar: a unit or teen after a tens word ("twenty one"), any of
// them after "hundred" or a scale word ("hundred five", "thousand twenty"), "hundred" after 1–99
// ("three hundred"), a scale word (thousand < million < billion) after a non-zero group, each
// scale at most once and in decreasing order, "and" only between "hundred"/a scale word and what
// follows it. Where the grammar breaks, the next number begins: "five six" is 5 then 6,
// "twenty twenty" is 20 then 20. "zero" and "nought" are numbers on their own only.
//
// Whole numbers from 0 up to the billions; no ordinals ("third"), no fractions in words.

const UNITS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9 };
const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };
const ZEROS = new Set(["zero", "nought", "naught"]);

/** True for a word that can be part of a number in words (lower case). */
export function isNumberWord(word: string): boolean {
  return word in UNITS || word in TEENS || word in TENS || word in SCALES || word === "hundred" || ZEROS.has(word);
}

/** Where a number in words stands after each word: what the next word may be. */
interface State {
  total: number;
  /** The group below the last scale word (0–999). */
  group: number;
  /** The last word's kind. */
  last: "unit" | "teen" | "tens" | "hundred" | "scale" | "and" | "zero";
  /** The smallest scale used so far (Infinity before any). */
  scale: number;
  /** The group already has its "hundred". */
  hundred: boolean;
}

/** The state after `word`, or undefined when `word` cannot continue the number. */
function step(state: State | undefined, word: string): State | undefined {
  if (state === undefined) {
    if (ZEROS.has(word)) return { total: 0, group: 0, last: "zero", scale: Infinity, hundred: false };
    if (word in UNITS) return { total: 0, group: UNITS[word], last: "unit", scale: Infinity, hundred: false };
    if (word in TEENS) return { total: 0, group: TEENS[word], last: "teen", scale: Infinity, hundred: false };
    if (word in TENS) return { total: 0, group: TENS[word], last: "tens", scale: Infinity, hundred: false };
    return undefined;
  }
  const { last } = state;
  if (last === "zero") return undefined;
  // After "hundred", a scale word or "and": a fresh part of the group (below 100).
  const fresh = last === "hundred" || last === "scale" || last === "and";
  if (word === "and") return last === "hundred" || last === "scale" ? { ...state, last: "and" } : undefined;
  if (word in UNITS) {
    if (fresh || (last === "tens" && state.group % 10 === 0)) return { ...state, group: state.group + UNITS[word], last: "unit" };
    return undefined;
  }
  if (word in TEENS) return fresh ? { ...state, group: state.group + TEENS[word], last: "teen" } : undefined;
  if (word in TENS) return fresh ? { ...state, group: state.group + TENS[word], last: "tens" } : undefined;
  if (word === "hundred") {
    if (last === "and" || last === "hundred" || last === "scale" || state.hundred) return undefined;
    const below = state.group;
    if (below < 1 || below > 99) return undefined;
    return { ...state, group: below * 100, last: "hundred", hundred: true };
  }
  if (word in SCALES) {
    const scale = SCALES[word];
    if (last === "and" || last === "scale" || state.group === 0 || scale >= state.scale) return undefined;
    return { total: state.total + state.group * scale, group: 0, last: "scale", scale, hundred: false };
  }
  return undefined;
}

/** A number read from words[start…]: its value and how many words it took; undefined when words[start] starts none. */
export function readNumberWords(words: readonly string[], start: number): { value: number; length: number } | undefined {
  let state: State | undefined;
  let best: { value: number; length: number } | undefined;
  for (let i = start; i < words.length; i++) {
    const next = step(state, words[i]);
    if (next === undefined) break;
    state = next;
    // A number never ends on "and": "one hundred and" is one hundred, the "and" left to the text.
    if (state.last !== "and") best = { value: state.total + state.group, length: i - start + 1 };
  }
  return best;
}
