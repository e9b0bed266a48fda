// Oracles: the simulated annotator's taste, a score per completion of a prompt (higher is
// better). Pure functions; `palate simulate` ranks each task by an oracle's scores with
// Plackett–Luce noise (see plackett-luce.ts).
//
// - correctness: recognises the default model's questions — capitals in every phrasing of
//   its SFT data (held-out ones too; country names matched case- and accent-insensitively
//   against countries-list) and arithmetic a + b, a − b / a - b, a × b / a * b / a x b asked
//   as "What is …?", "Compute ….", "How much is …?", "Calculate …." — and scores 1 when the
//   completion states the right answer, else 0, by eval-qa's rule (scoring.ts's scoreAnswer),
//   in any of the SFT data's forms. A capital is stated when the completion, the echo of the
//   country removed ("the capital of Peru", "Peru is in …", "Peru's capital"), contains it as
//   a whole-word sequence ("Lima." yes, "Liman" no) and names no other capital ("Lima or
//   Quito." no). An arithmetic answer is the first number after the first "=", or, with no
//   "=", the last number once any echoed "a op b" is removed ("12.", "7 + 5 = 12.", "7 plus 5
//   equals 12.", "The answer is 12."). A question it does not recognise scores 0 for every
//   completion: all tied, no pairs.
// - brevity: a style preference for short, direct answers. The score is
//   −log2(characters) / BREVITY_UNIT_BITS (characters of the trimmed text, whitespace runs
//   collapsed): a completion half as long scores 8 more ("Lima." over "Lima is the capital of
//   Peru." over its long form). The unit is chosen so that the same --noise gives a similar
//   agreement for both oracles on the default model's samples (see the usage text of
//   `palate simulate` for the measured figures).
import type { Message } from "../../db/schema";
import { countryFacts } from "../default-model/facts";
import { normalizeAnswer, scoreAnswer, statedNumber } from "../default-model/scoring";
import { TEMPLATES } from "../default-model/sft-data";

export type PromptMessages = readonly Pick<Message, "role" | "content">[];

export interface Oracle {
  name: string;
  /** One line for the usage text. */
  description: string;
  /** The completion's score for this prompt; higher is better. */
  score(prompt: PromptMessages, completion: string): number;
  /**
   * True when every completion is unacceptable by this oracle's judgement (the ranking is then
   * submitted with "none acceptable"). Absent: never.
   */
  noneAcceptable?(prompt: PromptMessages, scores: readonly number[]): boolean;
  /**
   * The scores this oracle gives when they are verdicts (correctness: [1, 0]), so that an
   * annotator may judge each completion and tie equal verdicts (judgement.ts). Absent: a taste,
   * ranked with Plackett–Luce noise only.
   */
  verdicts?: readonly number[];
}

/** The question: the last user message (or "" when there is none). */
export function questionOf(prompt: PromptMessages): string {
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === "user") return prompt[i].content;
  return "";
}

function tidy(text: string): string {
  return text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A template as an anchored, case-insensitive regex whose group 1 is the subject; final punctuation optional. */
function templateRegExp(text: string): RegExp {
  const body = text.replace(/[?.!]+$/, "");
  const [before, after] = body.split("{x}").map((part) => escapeRegExp(part).replace(/ /g, "\\s+"));
  return new RegExp(`^${before}(.+?)${after}\\s*[?.!]*$`, "i");
}

// ---- capitals ------------------------------------------------------------------------------

const CAPITAL_PATTERNS: RegExp[] = [
  ...TEMPLATES.capital.map((t) => templateRegExp(t.text)),
  // A few everyday variants beyond the SFT templates.
  templateRegExp("What's the capital of {x}?"),
  templateRegExp("What is the capital city of {x}?"),
  templateRegExp("The capital of {x} is?"),
];

let capitalsByCountry: Map<string, { country: string; capital: string }> | undefined;

function capitals(): Map<string, { country: string; capital: string }> {
  if (!capitalsByCountry) {
    capitalsByCountry = new Map();
    for (const f of countryFacts()) capitalsByCountry.set(normalizeAnswer(f.country), { country: f.country, capital: f.capital });
  }
  return capitalsByCountry;
}

/** The country and capital a question asks about, or undefined when it is not a capital question. */
export function capitalQuestion(question: string): { country: string; capital: string } | undefined {
  const q = tidy(question);
  for (const re of CAPITAL_PATTERNS) {
    const m = re.exec(q);
    if (!m) continue;
    const subject = m[1].replace(/^the\s+/i, "");
    const hit = capitals().get(normalizeAnswer(m[1])) ?? capitals().get(normalizeAnswer(subject));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * True when the completion names the capital (whole words, accents and case ignored) and no
 * other one, not counting an echo of the question ("the capital of Singapore", "Singapore's
 * capital", "Singapore is in Asia"), so that where the capital bears the country's name a
 * wrong city is not taken for it: eval-qa's rule (scoreAnswer).
 */
export function statesCapital(completion: string, fact: { country: string; capital: string }): boolean {
  return scoreAnswer(completion, { category: "capital", subject: fact.country, expected: fact.capital });
}

// ---- arithmetic ----------------------------------------------------------------------------

export type ArithmeticOp = "+" | "-" | "*";

const OP_CHARS = "+\\-\u2212\u2013\u00d7*xX\u00b7\u22c5";
const EXPRESSION = new RegExp(`^(-?\\d+)\\s*([${OP_CHARS}])\\s*(-?\\d+)$`);

const ARITHMETIC_PATTERNS: RegExp[] = [
  ...TEMPLATES.arithmetic.map((t) => templateRegExp(t.text)),
  templateRegExp("What's {x}?"),
  templateRegExp("{x} = ?"),
  templateRegExp("{x} =?"),
  templateRegExp("{x}"),
];

function opOf(c: string): ArithmeticOp {
  if (c === "+") return "+";
  if (c === "-" || c === "\u2212" || c === "\u2013") return "-";
  return "*";
}

/** The expression a question asks to evaluate, with its value; undefined when it is not one. */
export function arithmeticQuestion(question: string): { a: number; op: ArithmeticOp; b: number; value: number } | undefined {
  const q = tidy(question);
  for (const re of ARITHMETIC_PATTERNS) {
    const m = re.exec(q);
    if (!m) continue;
    const e = EXPRESSION.exec(m[1].trim());
    if (!e) continue;
    const a = Number(e[1]);
    const b = Number(e[3]);
    const op = opOf(e[2]);
    return { a, op, b, value: op === "+" ? a + b : op === "-" ? a - b : a * b };
  }
  return undefined;
}

/** The number a completion gives as its answer (scoring.ts, eval-qa's rule). */
export { statedNumber };

// ---- the oracles ---------------------------------------------------------------------------

/** What correctness knows about a question: its expected answer checker, or undefined. */
function correctnessChecker(prompt: PromptMessages): ((completion: string) => boolean) | undefined {
  const question = questionOf(prompt);
  const capital = capitalQuestion(question);
  if (capital) return (c) => statesCapital(c, capital);
  const sum = arithmeticQuestion(question);
  if (sum) return (c) => statedNumber(c) === sum.value;
  return undefined;
}

export const correctness: Oracle = {
  name: "correctness",
  description: "the right answer first (capitals, arithmetic): 1 right, 0 wrong",
  verdicts: [1, 0],
  score(prompt, completion) {
    const check = correctnessChecker(prompt);
    return check && check(completion) ? 1 : 0;
  },
  noneAcceptable(prompt, scores) {
    return correctnessChecker(prompt) !== undefined && scores.every((s) => s <= 0);
  },
};

/**
 * Bits of length per unit of brevity score: 1/8, so a completion 2^(1/8) ≈ 9% longer scores 1
 * less (one right-vs-wrong step of correctness). On the samples of the default-sft built before
 * its answers had three forms, where most lengths differ by a character or two ("7 + 5 = 12."
 * against "7 + 5 = 8."), this puts the --noise of about 80% agreement near correctness's
 * (0.7–0.8 for both); with the forms ("12." against "7 + 5 = 12, so the answer is 12.") the
 * same noise agrees more often, and the noise is to be measured again.
 */
export const BREVITY_UNIT_BITS = 1 / 8;

/** The length brevity measures: characters of the trimmed text with whitespace runs collapsed (at least 1). */
export function brevityLength(completion: string): number {
  return Math.max(1, completion.replace(/\s+/g, " ").trim().length);
}

export const brevity: Oracle = {
  name: "brevity",
  description: "shorter first: −8·log2(characters), 1 per ~9% of length",
  score(_prompt, completion) {
    return -Math.log2(brevityLength(completion)) / BREVITY_UNIT_BITS;
  },
};

export const ORACLES: Readonly<Record<string, Oracle>> = { correctness, brevity };

export function oracleNames(): string[] {
  return Object.keys(ORACLES);
}

export function getOracle(name: string): Oracle | undefined {
  return Object.prototype.hasOwnProperty.call(ORACLES, name) ? ORACLES[name] : undefined;
}
