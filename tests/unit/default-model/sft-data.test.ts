import { describe, expect, it } from "vitest";
import { Tokenizer, trainBpe, renderChat } from "@/lib/ml/tokenizer";
import {
  ANSWER_FORMS,
  drawForm,
  drawForms,
  type AnswerForm,
  evalQuestions,
  fillTemplate,
  qaFacts,
  repeatedSftExamples,
  sftExamples,
  sftMessages,
  TEMPLATES,
  QA_CATEGORIES,
  type QaFact,
} from "@/lib/default-model/sft-data";
import { countryFacts } from "@/lib/default-model/facts";
import { scoreAnswer } from "@/lib/default-model/scoring";
import { FORM_EXAMPLES } from "@/lib/default-model/card";
import { wordnetHypernyms } from "@/lib/default-model/sft-data";
import { encodeDemonstration, PackedRows } from "@/lib/default-model/sft-train";
import { Random } from "@/lib/ml/random";

const facts = qaFacts({ definitions: 20 });
const examples = sftExamples(facts);
const factOf = (category: QaFact["category"], subject: string) => facts.find((f) => f.category === category && f.subject === subject)!;

describe("SFT demonstrations", () => {
  it("cover every country's capital under several phrasings", () => {
    const capitals = facts.filter((f) => f.category === "capital");
    expect(capitals.length).toBeGreaterThan(200);
    const france = examples.filter((e) => e.category === "capital" && e.question.includes("France"));
    expect(france.length).toBeGreaterThanOrEqual(6);
    expect(new Set(france.map((e) => e.question)).size).toBe(france.length);
    const paris = Object.values(factOf("capital", "France").forms);
    for (const e of france) expect(paris).toContain(e.answer);
    expect(new Set(france.map((e) => e.form)).size).toBeGreaterThan(1);
    const seven = examples.find((e) => e.question === "What is 7 + 5?")!;
    expect(["12.", "7 + 5 = 12.", "7 + 5 = 12, so the answer is 12."]).toContain(seven.answer);
    for (const c of QA_CATEGORIES) expect(examples.some((e) => e.category === c)).toBe(true);
  });

  it("never use a held-out template", () => {
    const trainQuestions = new Set(examples.map((e) => e.question));
    for (const c of QA_CATEGORIES) {
      const held = TEMPLATES[c].filter((t) => t.heldOut);
      expect(held.length).toBeGreaterThan(0);
      for (const f of facts.filter((x) => x.category === c)) {
        for (const t of held) expect(trainQuestions.has(fillTemplate(t, f.subject))).toBe(false);
      }
    }
    const heldEval = evalQuestions(facts).filter((q) => q.heldOut);
    expect(heldEval.length).toBeGreaterThan(200);
    for (const q of heldEval) expect(trainQuestions.has(q.question)).toBe(false);
    // …while the facts asked with a training template are training questions.
    for (const q of evalQuestions(facts).filter((x) => !x.heldOut)) expect(trainQuestions.has(q.question)).toBe(true);
  });

  it("render in the chat template with the loss only on the answer and the end tokens", () => {
    const tok = Tokenizer.fromBpe(
      trainBpe(
        examples.slice(0, 300).map((e) => `${e.question} ${e.answer}`),
        { vocabSize: 400 },
      ),
    );
    const e = { question: "What is the capital of France?", answer: "The capital of France is Paris." };
    const seq = encodeDemonstration(tok, sftMessages(e));
    expect(tok.decode(seq.ids)).toBe(renderChat(sftMessages(e)) + "<|endoftext|>");
    const answerIds = seq.ids.filter((_, i) => seq.mask[i] === 1);
    expect(tok.decode(answerIds)).toBe("The capital of France is Paris.<|end|><|endoftext|>");
    expect(seq.mask[seq.mask.length - 1]).toBe(1);

    // Packed rows: labels are the next token, the mask follows the label's answer flag.
    const rows = new PackedRows([seq, seq, seq], 40, 0, new Random(1));
    const b = rows.batch(2);
    for (let t = 0; t < 39; t++) expect(b.labels[t]).toBe(b.inputIds[t + 1]);
    const masked = Array.from(b.labels)
      .filter((_, i) => b.lossMask[i] === 1 && i < 40)
      .map(Number);
    expect(tok.decode(masked)).toBe("The capital of France is Paris.<|end|><|endoftext|>");
  });
});

describe("answer forms", () => {
  it("are short, sentence and long, each with a clause true to the data", () => {
    expect(factOf("capital", "Peru").forms).toEqual({
      short: "Lima.",
      sentence: "Lima is the capital of Peru.",
      long: "Lima is the capital of Peru, and Peru is in South America.",
    });
    expect(factOf("continent", "Peru").forms).toEqual({
      short: "South America.",
      sentence: "South America is the continent of Peru.",
      long: "South America is the continent of Peru, and the capital of Peru is Lima.",
    });
    expect(factOf("language", "Armenia").forms).toEqual({
      short: "Armenian and Russian.",
      sentence: "Armenian and Russian are spoken in Armenia.",
      long: "Armenian and Russian are spoken in Armenia, and Armenia is in Asia.",
    });
    expect(factOf("language", "Peru").forms.sentence).toBe("Spanish is spoken in Peru.");
    expect(factOf("currency", "Peru").forms).toEqual({
      short: "PEN.",
      sentence: "PEN is the currency of Peru.",
      long: "PEN is the currency of Peru, and Peru is in South America.",
    });
    expect(factOf("arithmetic", "7 + 5").forms).toEqual({ short: "12.", sentence: "7 + 5 = 12.", long: "7 + 5 = 12, so the answer is 12." });
    expect(factOf("arithmetic", "3 * 4").forms.long).toBe("3 * 4 = 12, so the answer is 12.");
    const def = facts.find((f) => f.category === "definition" && f.forms.long !== f.forms.sentence)!;
    const gloss = def.forms.short.slice(0, -1); // "Mutual exchange of commercial or other privileges"
    expect([`${gloss} is called a ${def.subject}.`, `${gloss} is called an ${def.subject}.`]).toContain(def.forms.sentence);
    const kind = wordnetHypernyms().get(`${def.subject}\t${gloss.charAt(0).toLowerCase()}${gloss.slice(1)}`);
    expect(def.forms.long).toBe(`${def.forms.sentence.slice(0, -1)}, a kind of ${kind}.`);

    // The model card shows the same forms.
    expect(FORM_EXAMPLES.capital).toEqual(factOf("capital", "Peru").forms);
    expect(FORM_EXAMPLES.continent).toEqual(factOf("continent", "Peru").forms);
    expect(FORM_EXAMPLES.language).toEqual(factOf("language", "Armenia").forms);
    expect(FORM_EXAMPLES.currency).toEqual(factOf("currency", "Peru").forms);
    expect(FORM_EXAMPLES.arithmetic).toEqual(factOf("arithmetic", "7 + 5").forms);
    expect(wordnetHypernyms().get("dogtrot\ta steady trot like that of a dog")).toBe("jog");
    expect(FORM_EXAMPLES.definition.long).toBe("A steady trot like that of a dog is called a dogtrot, a kind of jog.");

    // The long form's clause is the gazetteer's: the country's continent, or its capital.
    const byName = new Map(countryFacts().map((c) => [c.country, c]));
    for (const f of facts) {
      const c = byName.get(f.subject);
      if (f.category === "capital" || f.category === "currency" || f.category === "language")
        expect(f.forms.long).toContain(`, and ${c!.country} is in ${c!.continent}.`);
      if (f.category === "continent") expect(f.forms.long).toContain(`, and the capital of ${c!.country} is ${c!.capital}.`);
    }
    // Every form starts with the answer (arithmetic: after the echoed expression in two).
    for (const f of facts) {
      for (const form of ANSWER_FORMS) {
        const text = f.forms[form];
        if (f.category === "arithmetic") expect(form === "short" ? text : text.slice(`${f.subject} = `.length), text).toMatch(new RegExp(`^${f.expected}[.,]`));
        else expect(text.toLowerCase().startsWith(f.expected.toLowerCase()), text).toBe(true);
      }
    }
  });

  it("are shortest to longest, and eval-qa scores every form of a fact right and another fact's wrong", () => {
    for (const f of facts) {
      expect(f.forms.short.length, f.forms.short).toBeLessThan(f.forms.sentence.length);
      if (f.forms.long !== f.forms.sentence) expect(f.forms.sentence.length, f.forms.long).toBeLessThan(f.forms.long.length);
      expect(f.answer).toBe(f.forms.sentence);
      for (const form of ANSWER_FORMS) expect(scoreAnswer(f.forms[form], f), `${f.category}: ${f.forms[form]}`).toBe(true);
    }
    for (const c of QA_CATEGORIES) {
      const of = facts.filter((f) => f.category === c);
      let wrong = 0;
      let pairs = 0;
      for (let i = 0; i < of.length; i++) {
        const other = of[(i + 1) % of.length];
        if (other.expected === of[i].expected) continue;
        for (const form of ANSWER_FORMS) {
          pairs++;
          if (!scoreAnswer(other.forms[form], of[i])) wrong++;
        }
      }
      // Definitions' glosses may share their first words; every other category's neighbour is wrong.
      if (c === "definition") expect(wrong / pairs).toBeGreaterThan(0.95);
      else expect(wrong, c).toBe(pairs);
    }
  });

  it("every category is taught in all three forms, about a third each, drawn by the seed", () => {
    const allFacts = qaFacts();
    const all = sftExamples(allFacts);
    const factsOf = new Map<string, QaFact[]>();
    for (const f of allFacts) factsOf.set(`${f.category} ${f.subject}`, [...(factsOf.get(`${f.category} ${f.subject}`) ?? []), f]);
    // Each demonstration's answer is its fact's text in the form it names.
    for (const e of all) expect(factsOf.get(`${e.category} ${e.subject}`)!.some((f) => f.forms[e.form] === e.answer)).toBe(true);
    for (const c of QA_CATEGORIES) {
      const of = all.filter((e) => e.category === c);
      for (const form of ANSWER_FORMS) {
        const share = of.filter((e) => e.form === form).length / of.length;
        expect(share, `${c} ${form}`).toBeGreaterThan(0.28);
        expect(share, `${c} ${form}`).toBeLessThan(0.39);
      }
    }
    // Every fact is taught in every form: once each under three templates, 2–3 times each under eight.
    const formsOf = new Map<string, AnswerForm[]>();
    for (const e of all) formsOf.set(`${e.category} ${e.subject}`, [...(formsOf.get(`${e.category} ${e.subject}`) ?? []), e.form]);
    for (const [key, forms] of formsOf) {
      if (key.startsWith("definition")) continue; // a few lemmas are two facts; one has no long form
      const n = forms.length;
      for (const form of ANSWER_FORMS) {
        const k = forms.filter((f) => f === form).length;
        expect(k, `${key} ${form}`).toBeGreaterThanOrEqual(Math.floor(n / 3));
        expect(k, `${key} ${form}`).toBeLessThanOrEqual(Math.ceil(n / 3));
      }
    }

    expect(sftExamples(facts).map((e) => e.form)).toEqual(examples.map((e) => e.form));
    expect(sftExamples(facts, { seed: 1 }).map((e) => e.form)).not.toEqual(examples.map((e) => e.form));
    expect(sftExamples(facts, { formWeights: { short: 1, sentence: 0, long: 0 } }).every((e) => e.form === "short")).toBe(true);
    expect([0, 0.34, 0.67, 0.999].map((u) => drawForm(u))).toEqual(["short", "sentence", "long", "long"]);
    const rng = new Random(3);
    for (let n = 1; n <= 9; n++) {
      const forms = drawForms(n, rng, { short: 0.25, sentence: 0.5, long: 0.25 });
      expect(forms).toHaveLength(n);
      expect(Math.abs(forms.filter((f) => f === "sentence").length - n / 2)).toBeLessThan(1);
    }
  });

  it("eval questions carry the sentence form as their reference answer", () => {
    for (const q of evalQuestions(facts)) {
      expect(q.form).toBe("sentence");
      expect(q.answer).toBe(factOf(q.category, q.subject).forms.sentence);
    }
  });
});

describe("repeatedSftExamples", () => {
  it("teaches a category R times, each pass with forms drawn anew, the others once", () => {
    const arithmetic = facts.filter((f) => f.category === "arithmetic");
    const once = sftExamples(facts);
    const thrice = repeatedSftExamples(facts, { arithmetic: 3 });
    const count = (xs: typeof once, category: QaFact["category"]) => xs.filter((e) => e.category === category).length;
    expect(count(thrice, "arithmetic")).toBe(3 * count(once, "arithmetic"));
    for (const c of QA_CATEGORIES.filter((c) => c !== "arithmetic")) expect(count(thrice, c)).toBe(count(once, c));
    // The first pass is sftExamples itself; later passes are not copies of it.
    expect(thrice.slice(0, once.length)).toEqual(once);
    const passes = [1, 2].map((r) => thrice.slice(once.length + (r - 1) * arithmetic.length * 3, once.length + r * arithmetic.length * 3));
    for (const pass of passes) {
      expect(pass.every((e) => e.category === "arithmetic" && !e.heldOut)).toBe(true);
      expect(pass.map((e) => e.form)).not.toEqual(once.filter((e) => e.category === "arithmetic").map((e) => e.form));
    }
    expect(repeatedSftExamples(facts)).toEqual(once);
  });
});
