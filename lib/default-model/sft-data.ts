// The SFT demonstrations of the default model and the questions of its evaluation,
// generated from structured data: capitals, continents, languages and currencies of
// countries (countries-list), definitions (WordNet glosses), small arithmetic.
//
// Every category has several question TEMPLATES. Some are held out: they never appear in
// the training data, and eval-qa asks the same facts with them to measure whether the
// model follows the format for phrasings it never saw. The facts themselves (every
// country's capital, …) are all in the training data under the training templates.
import type { ChatMessage } from "../ml/tokenizer";
import { article, joinList, wordnetEntries } from "./corpus";
import { countryFacts, type CountryFact } from "./facts";

export type QaCategory = "capital" | "continent" | "language" | "currency" | "definition" | "arithmetic";

export const QA_CATEGORIES: readonly QaCategory[] = ["capital", "continent", "language", "currency", "definition", "arithmetic"];

/** A question template: `{x}` (the subject) is substituted. */
export interface QuestionTemplate {
  text: string;
  heldOut: boolean;
}

/** One fact: its subject (what replaces {x}), the reference answer and the expected answer. */
export interface QaFact {
  category: QaCategory;
  subject: string;
  /** The full demonstration answer ("The capital of France is Paris."). */
  answer: string;
  /** What a correct response must contain as whole words ("Paris"); see scoring.ts. */
  expected: string;
}

export interface QaExample {
  category: QaCategory;
  question: string;
  answer: string;
  expected: string;
  heldOut: boolean;
}

const t = (text: string, heldOut = false): QuestionTemplate => ({ text, heldOut });

export const TEMPLATES: Readonly<Record<QaCategory, readonly QuestionTemplate[]>> = {
  capital: [
    t("What is the capital of {x}?"),
    t("Name the capital city of {x}."),
    t("{x}'s capital is which city?"),
    t("Which city is the capital of {x}?"),
    t("Tell me the capital of {x}."),
    t("What city serves as the capital of {x}?"),
    t("Capital of {x}?"),
    t("I would like to know the capital of {x}."),
    t("What's the capital city of {x}?", true),
    t("Can you tell me what the capital of {x} is?", true),
    t("Which city is {x}'s capital?", true),
  ],
  continent: [
    t("On which continent is {x}?"),
    t("Which continent is {x} in?"),
    t("What continent is {x} located in?"),
    t("{x} is on which continent?"),
    t("Tell me the continent of {x}.", true),
    t("Where is {x}? Name the continent.", true),
  ],
  language: [
    t("What language is spoken in {x}?"),
    t("Which languages do people speak in {x}?"),
    t("What is the official language of {x}?"),
    t("Name a language spoken in {x}.", true),
  ],
  currency: [
    t("What is the currency of {x}?"),
    t("Which currency is used in {x}?"),
    t("What money do they use in {x}?"),
    t("Name the currency of {x}.", true),
  ],
  definition: [
    t("Define the word {x}."),
    t("What does {x} mean?"),
    t("What is the meaning of {x}?"),
    t("Give me a definition of {x}.", true),
  ],
  arithmetic: [t("What is {x}?"), t("Compute {x}."), t("How much is {x}?"), t("Calculate {x}.", true)],
};

export function fillTemplate(template: QuestionTemplate, subject: string): string {
  return template.text.replace("{x}", subject);
}

function countryFactsOf(category: "capital" | "continent" | "language" | "currency", facts: readonly CountryFact[]): QaFact[] {
  const out: QaFact[] = [];
  for (const f of facts) {
    const c = f.country;
    if (category === "capital") out.push({ category, subject: c, answer: `The capital of ${c} is ${f.capital}.`, expected: f.capital });
    else if (category === "continent") out.push({ category, subject: c, answer: `${c} is in ${f.continent}.`, expected: f.continent });
    else if (category === "language" && f.languages.length > 0)
      out.push({ category, subject: c, answer: `People in ${c} speak ${joinList(f.languages)}.`, expected: f.languages[0] });
    else if (category === "currency" && f.currency) out.push({ category, subject: c, answer: `The currency of ${c} is ${f.currency}.`, expected: f.currency });
  }
  return out;
}

/** Definitions of single-word WordNet nouns that are also in the pretraining glosses (every 4th synset). */
function definitionFacts(count: number): QaFact[] {
  const entries = wordnetEntries(4).filter((e) => /^[a-z]+$/.test(e.lemma) && e.gloss.split(" ").length >= 3);
  const stride = Math.max(1, Math.floor(entries.length / count));
  const out: QaFact[] = [];
  for (let i = 0; i < entries.length && out.length < count; i += stride) {
    const { lemma, gloss } = entries[i];
    out.push({
      category: "definition",
      subject: lemma,
      answer: `${capitalize(article(lemma))} ${lemma} is ${gloss}.`,
      expected: gloss.split(" ").slice(0, 3).join(" "),
    });
  }
  return out;
}

/** a + b and a − b (a ≥ b) for a, b ≤ 20, a × b for a, b ≤ 12. */
function arithmeticFacts(): QaFact[] {
  const out: QaFact[] = [];
  const add = (a: number, op: string, b: number, r: number) =>
    out.push({ category: "arithmetic", subject: `${a} ${op} ${b}`, answer: `${a} ${op} ${b} = ${r}.`, expected: String(r) });
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= 20; b++) add(a, "+", b, a + b);
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= a; b++) add(a, "-", b, a - b);
  for (let a = 0; a <= 12; a++) for (let b = 0; b <= 12; b++) add(a, "*", b, a * b);
  return out;
}

export interface SftDataOptions {
  /** WordNet definitions to teach (default 600). */
  definitions?: number;
}

/** All facts, category by category, in a fixed order. */
export function qaFacts(o: SftDataOptions = {}): QaFact[] {
  const facts = countryFacts();
  return [
    ...countryFactsOf("capital", facts),
    ...countryFactsOf("continent", facts),
    ...countryFactsOf("language", facts),
    ...countryFactsOf("currency", facts),
    ...definitionFacts(o.definitions ?? 600),
    ...arithmeticFacts(),
  ];
}

/** The training demonstrations: every fact under every training template (never a held-out one). */
export function sftExamples(facts: readonly QaFact[] = qaFacts()): QaExample[] {
  const out: QaExample[] = [];
  for (const f of facts) {
    for (const tpl of TEMPLATES[f.category]) {
      if (tpl.heldOut) continue;
      out.push({ category: f.category, question: fillTemplate(tpl, f.subject), answer: f.answer, expected: f.expected, heldOut: false });
    }
  }
  return out;
}

/** The chat of one demonstration (user question, assistant answer). */
export function sftMessages(e: Pick<QaExample, "question" | "answer">): ChatMessage[] {
  return [
    { role: "user", content: e.question },
    { role: "assistant", content: e.answer },
  ];
}

export interface EvalQuestionsOptions {
  /** At most this many facts per category (default: all capitals, 60 of the others). */
  limit?: number;
}

/**
 * The evaluation questions: per fact, one question in a training template (rotating
 * through them by fact index) and one in a held-out template (likewise). Capitals are
 * asked for every country; the other categories for an evenly spaced subset.
 */
export function evalQuestions(facts: readonly QaFact[] = qaFacts(), o: EvalQuestionsOptions = {}): QaExample[] {
  const out: QaExample[] = [];
  for (const category of QA_CATEGORIES) {
    const all = facts.filter((f) => f.category === category);
    const want = Math.min(all.length, o.limit ?? (category === "capital" ? all.length : 60));
    const stride = all.length / Math.max(1, want);
    const trainTpl = TEMPLATES[category].filter((x) => !x.heldOut);
    const heldTpl = TEMPLATES[category].filter((x) => x.heldOut);
    for (let i = 0; i < want; i++) {
      const f = all[Math.floor(i * stride)];
      for (const [tpls, heldOut] of [
        [trainTpl, false],
        [heldTpl, true],
      ] as const) {
        const tpl = tpls[i % tpls.length];
        out.push({ category, question: fillTemplate(tpl, f.subject), answer: f.answer, expected: f.expected, heldOut });
      }
    }
  }
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
