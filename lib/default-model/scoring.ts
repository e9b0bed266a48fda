// Scoring an answer of eval-qa (and of the simulated annotators' correctness oracle).
//
// Text is compared NORMALIZED: Unicode NFKD with the combining marks removed (é → e), lower
// case, every run of characters that are not letters or digits replaced by one space,
// trimmed. "Contains X" means as a whole-word sequence (bounded by spaces or the ends):
// "the capital of france is paris" contains "paris"; "parisian" does not; "Washington, D.C."
// matches "Washington D.C.". An empty expected answer is never matched.
//
// The SFT data answers in several forms ("Lima." / "Lima is the capital of Peru." / "Lima is
// the capital of Peru, and Peru is in South America."), and a model may phrase it otherwise
// ("The capital of Peru is Lima."), so the rule reads the answer out of any of them
// (scoreAnswer):
//
// - Country facts (capital, continent, language, currency): the ECHO of the subject is
//   removed first — the country where the answer repeats the question ("capital of Peru",
//   "spoken in Peru", "people in Peru", "Peru is in …", "Peru's capital") — so that a country
//   named like its capital or continent is not taken for the answer ("The capital of Djibouti
//   is Tadjoura.", "South Africa is in Europe."). The rest must contain the expected answer,
//   and, once the accepted answers (the expected one, a country's other languages) are taken
//   out, name no RIVAL: no other capital, continent, language of countries-list, no other
//   currency code (codes are read case-sensitively, as upper-case words: "ALL" is Albania's
//   lek, "all" is a word). "Lima or Quito." is wrong.
// - Definitions: the first three words of the gloss, contained.
// - Arithmetic: the number the response states (statedNumber) equals the result, so that an
//   echoed operand is not an answer ("7 - 0 = 8." is wrong although it contains "7").
import { countryFacts } from "./facts";
import type { QaCategory } from "./sft-data";

export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when the normalized `text` contains the normalized `phrase` as whole words. */
function containsWords(text: string, phrase: string): boolean {
  return phrase !== "" && ` ${text} `.includes(` ${phrase} `);
}

/** The normalized response contains the normalized expected answer as whole words. */
export function isCorrect(response: string, expected: string): boolean {
  return containsWords(normalizeAnswer(response), normalizeAnswer(expected));
}

/**
 * The normalized text without the echoes of the subject: the subject after "of" or "in"
 * ("capital of peru", "spoken in peru") or before "is in" or "s" ("peru is in", "peru s
 * capital"), "the" before it optional. Elsewhere the subject stays (an answer: "singapore",
 * "singapore is the capital of singapore", "kuwait city"), and so does an echo inside a
 * longer answer of `keep` ("city of san marino").
 */
export function withoutEcho(normalized: string, subject: string, keep: readonly string[] = []): string {
  const s = normalizeAnswer(subject).replace(/^the /, "");
  if (s === "") return normalized;
  const kept: [number, number][] = [];
  for (const k of keep.map(normalizeAnswer)) {
    if (k.length <= s.length) continue;
    for (const m of normalized.matchAll(new RegExp(`(?<=^| )${escapeRegExp(k)}(?= |$)`, "g"))) kept.push([m.index, m.index + k.length]);
  }
  const name = `(?:the )?${escapeRegExp(s)}`;
  const echo = new RegExp(`(^| )(?:(?:of|in) ${name}|${name} (?:is in|s))(?= |$)`, "g");
  return normalized
    .replace(echo, (match: string, _lead: string, at: number) => {
      // Where the subject sits in the match: last after "of"/"in", first before "is in"/"s".
      const start = at + (/ (?:is in|s)$/.test(match) ? match.indexOf(s) : match.length - s.length);
      return kept.some(([a, b]) => a <= start && start + s.length <= b) ? match : " ";
    })
    .replace(/ +/g, " ")
    .trim();
}

// ---- numbers -------------------------------------------------------------------------------

const OPERATOR = "(?:[+\\-\u2212\u2013\u00d7*xX\u00b7\u22c5]|plus|minus|times)";
const EXPRESSION_ANYWHERE = new RegExp(`-?\\d+(?:\\.\\d+)?\\s*${OPERATOR}\\s*-?\\d+(?:\\.\\d+)?`, "g");
const NUMBER = /-?\d+(?:\.\d+)?/g;

/**
 * The number a completion gives as its answer: the first number after the first "=", else
 * the last number once any "a op b" expression ("7 + 5", "7 plus 5") is removed; undefined
 * when there is none. "12." → 12, "7 + 5 = 12." → 12, "7 plus 5 equals 12." → 12.
 */
export function statedNumber(completion: string): number | undefined {
  const text = completion.replace(/[\u2212\u2013]/g, "-");
  const eq = text.indexOf("=");
  if (eq >= 0) {
    const m = /-?\s?\d+(?:\.\d+)?/.exec(text.slice(eq + 1));
    if (m) return Number(m[0].replace(/\s/g, ""));
  }
  const numbers = text.replace(EXPRESSION_ANYWHERE, " ").match(NUMBER);
  if (!numbers || numbers.length === 0) return undefined;
  return Number(numbers[numbers.length - 1]);
}

// ---- rivals --------------------------------------------------------------------------------

type CountryCategory = Extract<QaCategory, "capital" | "continent" | "language" | "currency">;

let rivalCache: Record<CountryCategory, string[]> | undefined;

/** Every answer of the category in countries-list (currencies as codes, the others normalized). */
function rivals(category: CountryCategory): string[] {
  if (!rivalCache) {
    const facts = countryFacts();
    const distinct = (xs: string[]) => [...new Set(xs)].filter((x) => x !== "");
    rivalCache = {
      capital: distinct(facts.map((f) => normalizeAnswer(f.capital))),
      continent: distinct(facts.map((f) => normalizeAnswer(f.continent))),
      language: distinct(facts.flatMap((f) => f.languages.map(normalizeAnswer))),
      currency: distinct(facts.map((f) => f.currency)),
    };
  }
  return rivalCache[category];
}

/** What scoreAnswer needs of a question: its category, subject and expected answer. */
export interface AnswerKey {
  category: QaCategory;
  /** The question's subject: the country, the word, the expression. */
  subject: string;
  expected: string;
  /** Other answers that may be named beside the expected one (a country's other languages). */
  alsoAccepted?: readonly string[];
}

/** True when the response states the key's answer in any form, and no rival one (see the header). */
export function scoreAnswer(response: string, key: AnswerKey): boolean {
  if (key.category === "arithmetic") {
    const want = Number(key.expected);
    return key.expected.trim() !== "" && Number.isFinite(want) && statedNumber(response) === want;
  }
  if (key.category === "definition") return isCorrect(response, key.expected);
  const text = withoutEcho(normalizeAnswer(response), key.subject, [key.expected, ...(key.alsoAccepted ?? [])]);
  const expected = normalizeAnswer(key.expected);
  if (!containsWords(text, expected)) return false;
  if (key.category === "currency") {
    const accepted = new Set([key.expected, ...(key.alsoAccepted ?? [])].map((c) => c.toUpperCase()));
    const codes = new Set(rivals("currency"));
    return (response.match(/\b[A-Z]{3}\b/g) ?? []).every((w) => accepted.has(w) || !codes.has(w));
  }
  // Take the accepted answers out (longest first: "city of victoria" before "victoria"), then look for rivals.
  const accepted = [expected, ...(key.alsoAccepted ?? []).map(normalizeAnswer)].filter((a) => a !== "").sort((a, b) => b.length - a.length);
  let rest = text;
  for (const a of accepted) rest = rest.replace(new RegExp(`(?<=^| )${escapeRegExp(a)}(?= |$)`, "g"), "");
  rest = rest.replace(/ +/g, " ").trim();
  return !rivals(key.category).some((r) => !accepted.includes(r) && containsWords(rest, r));
}
