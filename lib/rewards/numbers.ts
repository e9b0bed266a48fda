// Numbers in free text, as a grader reads them: digits or words, signs, thousands separators,
// decimals and simple fractions.
//
// - Digits: `72`, `1,000` (commas only between groups of three: `1,2,3` is three numbers),
//   `1000.0`, `.5`, `3/4` (a fraction of two whole numbers, read as its value).
// - Words: `twelve`, `twenty-one`, `one hundred and five` (number-words.ts).
// - A sign: `-7`, `−7` (U+2212, and the dashes U+2012/U+2013/U+FE63), `+7`, `minus three`,
//   `negative twelve` — unless a number comes right before it, where it is an operator:
//   `10 - 3`, `10 -3` and `7 minus 3` are 10 and 3 (7 and 3), while `= -4` and `is minus four`
//   are −4. A symbol sign must touch its number; a word sign is a word of its own.
// - Text is NFKC-normalized first, so full-width digits (`１２`) read as digits.
// - Not read: exponents (`1e5` is 1 and 5), numbers glued to letters are split from them
//   (`3rd` is 3), ordinals and fractions in words, `a`/`an` as one ("a hundred" is 100 only as
//   "one hundred").

import { isNumberWord, readNumberWords } from "./number-words";

/** A number found in a text: its value and where it stands (sign included) in the NFKC-normalized text. */
export interface FoundNumber {
  value: number;
  /** The number as written (sign included). */
  text: string;
  start: number;
  end: number;
}

type TokenKind = "digits" | "word" | "sign" | "other";
interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const TOKEN = /((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+)?|\.\d+)|(\p{L}+)|([-+])|(\S)/gu;
const DASHES = /[\u2012\u2013\u2212\ufe63]/g;
const SIGN_WORDS = new Set(["minus", "negative"]);

/** The text as the scanner reads it (positions in FoundNumber refer to it). */
export function numberText(text: string): string {
  return text.normalize("NFKC").replace(DASHES, "-");
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const kind: TokenKind = m[1] !== undefined ? "digits" : m[2] !== undefined ? "word" : m[3] !== undefined ? "sign" : "other";
    out.push({ kind, text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

function digitsValue(text: string): number | undefined {
  const [whole, denominator] = text.replace(/,/g, "").split("/");
  const value = Number(whole.startsWith(".") ? `0${whole}` : whole);
  if (denominator === undefined) return value;
  const d = Number(denominator);
  return d === 0 ? undefined : value / d;
}

/** Every number of `text`, in order. */
export function numbersIn(text: string): FoundNumber[] {
  const source = numberText(text);
  const toks = tokens(source);
  const found: FoundNumber[] = [];
  /** Index of the last token that belongs to a found number (-1: none). */
  let lastNumberToken = -1;

  /** The sign before token i: −1, +1, or 0 (none), and the token the number then starts at. */
  const signBefore = (i: number): { sign: number; from: number } => {
    const prev = toks[i - 1];
    if (!prev) return { sign: 0, from: i };
    const isSymbol = prev.kind === "sign" && prev.end === toks[i].start;
    const isWord = prev.kind === "word" && SIGN_WORDS.has(prev.text.toLowerCase()) && prev.end < toks[i].start;
    if (!isSymbol && !isWord) return { sign: 0, from: i };
    // An operator, not a sign, when a number comes right before it ("10 - 3", "7 minus 3").
    if (i >= 2 && lastNumberToken === i - 2) return { sign: 0, from: i };
    return { sign: prev.text === "+" ? 1 : -1, from: i - 1 };
  };

  const emit = (value: number, fromToken: number, toToken: number, sign: number) => {
    const start = toks[fromToken].start;
    const end = toks[toToken].end;
    found.push({ value: sign < 0 ? -value : value, text: source.slice(start, end), start, end });
    lastNumberToken = toToken;
  };

  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i];
    if (tok.kind === "digits") {
      const value = digitsValue(tok.text);
      if (value === undefined || !Number.isFinite(value)) continue;
      const { sign, from } = signBefore(i);
      emit(value, from, i, sign);
      continue;
    }
    if (tok.kind !== "word" || !isNumberWord(tok.text.toLowerCase())) continue;
    // A run of words that may spell numbers: number words and "and", joined by spaces or by a
    // hyphen touching both sides ("twenty-one").
    const run: number[] = [i];
    for (let j = i + 1; j < toks.length; j++) {
      const t = toks[j];
      const lower = t.text.toLowerCase();
      if (t.kind === "word" && (isNumberWord(lower) || lower === "and")) {
        run.push(j);
        continue;
      }
      const next = toks[j + 1];
      if (
        t.kind === "sign" &&
        t.text === "-" &&
        toks[j - 1].end === t.start &&
        next?.kind === "word" &&
        next.start === t.end &&
        isNumberWord(next.text.toLowerCase())
      )
        continue;
      break;
    }
    const words = run.map((k) => toks[k].text.toLowerCase());
    let at = 0;
    while (at < words.length) {
      const read = readNumberWords(words, at);
      if (!read) {
        at++;
        continue;
      }
      const first = run[at];
      const { sign, from } = at === 0 ? signBefore(first) : { sign: 0, from: first };
      emit(read.value, from, run[at + read.length - 1], sign);
      at += read.length;
    }
    i = run[run.length - 1];
  }
  return found;
}

/** The last number of `text`, or undefined when it has none. */
export function lastNumber(text: string): FoundNumber | undefined {
  const all = numbersIn(text);
  return all[all.length - 1];
}

/**
 * `text` as one number, when it is nothing else: a single number, with at most punctuation and
 * symbols around it (`72`, `$1,000.`, `−7`, `twenty-one`, `3/4`, `50%`); undefined otherwise
 * (`72 apples`, `1 or 2`, `Paris`).
 */
export function parseNumber(text: string): number | undefined {
  const all = numbersIn(text);
  if (all.length !== 1) return undefined;
  const source = numberText(text);
  const rest = source.slice(0, all[0].start) + " " + source.slice(all[0].end);
  return /[\p{L}\p{N}]/u.test(rest) ? undefined : all[0].value;
}

/** Two numbers are the same answer: equal up to floating-point rounding (relative 1e-9). */
export function sameNumber(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
