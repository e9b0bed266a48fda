import { describe, expect, it } from "vitest";
import { Tokenizer, trainBpe, renderChat } from "../../../lib/ml/tokenizer";
import { evalQuestions, fillTemplate, qaFacts, sftExamples, sftMessages, TEMPLATES, QA_CATEGORIES } from "../../../lib/default-model/sft-data";
import { encodeDemonstration, PackedRows } from "../../../lib/default-model/sft-train";
import { Random } from "../../../lib/ml/random";

const facts = qaFacts({ definitions: 20 });
const examples = sftExamples(facts);

describe("SFT demonstrations", () => {
  it("cover every country's capital under several phrasings", () => {
    const capitals = facts.filter((f) => f.category === "capital");
    expect(capitals.length).toBeGreaterThan(200);
    const france = examples.filter((e) => e.category === "capital" && e.question.includes("France"));
    expect(france.length).toBeGreaterThanOrEqual(6);
    expect(new Set(france.map((e) => e.question)).size).toBe(france.length);
    expect(france[0].answer).toBe("The capital of France is Paris.");
    expect(examples).toContainEqual(expect.objectContaining({ question: "What is 7 + 5?", answer: "7 + 5 = 12." }));
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
    const tok = Tokenizer.fromBpe(trainBpe(examples.slice(0, 300).map((e) => `${e.question} ${e.answer}`), { vocabSize: 400 }));
    const e = examples.find((x) => x.question === "What is the capital of France?")!;
    const seq = encodeDemonstration(tok, sftMessages(e));
    expect(tok.decode(seq.ids)).toBe(renderChat(sftMessages(e)) + "<|endoftext|>");
    const answerIds = seq.ids.filter((_, i) => seq.mask[i] === 1);
    expect(tok.decode(answerIds)).toBe("The capital of France is Paris.<|end|><|endoftext|>");
    expect(seq.mask[seq.mask.length - 1]).toBe(1);

    // Packed rows: labels are the next token, the mask follows the label's answer flag.
    const rows = new PackedRows([seq, seq, seq], 40, 0, new Random(1));
    const b = rows.batch(2);
    for (let t = 0; t < 39; t++) expect(b.labels[t]).toBe(b.inputIds[t + 1]);
    const masked = Array.from(b.labels).filter((_, i) => b.lossMask[i] === 1 && i < 40).map(Number);
    expect(tok.decode(masked)).toBe("The capital of France is Paris.<|end|><|endoftext|>");
  });
});
