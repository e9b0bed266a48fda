import { describe, expect, it } from "vitest";
import { isCorrect, normalizeAnswer, scoreAnswer, statedNumber, withoutEcho, type AnswerKey } from "@/lib/default-model/scoring";
import { summarize, type QaAnswer } from "@/lib/default-model/eval-qa";

describe("eval-qa scoring", () => {
  it("normalizes case, accents and punctuation", () => {
    expect(normalizeAnswer("  Bogotá, D.C.! ")).toBe("bogota d c");
  });

  it("accepts the expected answer as whole words anywhere in the response", () => {
    expect(isCorrect("The capital of France is Paris.", "Paris")).toBe(true);
    expect(isCorrect("paris", "Paris")).toBe(true);
    expect(isCorrect("It is Washington, D.C.", "Washington D.C.")).toBe(true);
    expect(isCorrect("The capital of Colombia is Bogota.", "Bogotá")).toBe(true);
    expect(isCorrect("7 + 5 = 12.", "12")).toBe(true);
  });

  it("rejects partial words, other answers and empty expectations", () => {
    expect(isCorrect("A Parisian city.", "Paris")).toBe(false);
    expect(isCorrect("The capital of France is Lyon.", "Paris")).toBe(false);
    expect(isCorrect("7 + 5 = 112.", "12")).toBe(false);
    expect(isCorrect("anything", "")).toBe(false);
  });

  it("reads the answer out of the short, sentence and long forms", () => {
    const peru: AnswerKey = { category: "capital", subject: "Peru", expected: "Lima" };
    expect(scoreAnswer("Lima.", peru)).toBe(true);
    expect(scoreAnswer("lima", peru)).toBe(true);
    expect(scoreAnswer("The capital of Peru is Lima.", peru)).toBe(true);
    expect(scoreAnswer("The capital of Peru is Lima, and Peru is in South America.", peru)).toBe(true);
    expect(scoreAnswer("Lima is the capital of Peru, and Peru is in South America.", peru)).toBe(true);
    const continent: AnswerKey = { category: "continent", subject: "Peru", expected: "South America" };
    for (const r of ["South America.", "Peru is in South America.", "South America is the continent of Peru, and the capital of Peru is Lima."])
      expect(scoreAnswer(r, continent), r).toBe(true);
    const language: AnswerKey = { category: "language", subject: "Peru", expected: "Spanish", alsoAccepted: ["Quechua", "Aymara"] };
    for (const r of [
      "Spanish, Quechua and Aymara.",
      "People in Peru speak Spanish.",
      "Spanish, Quechua and Aymara are spoken in Peru, and Peru is in South America.",
    ])
      expect(scoreAnswer(r, language), r).toBe(true);
    const currency: AnswerKey = { category: "currency", subject: "Peru", expected: "PEN" };
    for (const r of ["PEN.", "The currency of Peru is PEN.", "PEN is the currency of Peru, and Peru is in South America."])
      expect(scoreAnswer(r, currency), r).toBe(true);
    const sum: AnswerKey = { category: "arithmetic", subject: "7 + 5", expected: "12" };
    for (const r of ["12.", "7 + 5 = 12.", "7 + 5 = 12, so the answer is 12.", "7 plus 5 equals 12."]) expect(scoreAnswer(r, sum), r).toBe(true);
    const def: AnswerKey = { category: "definition", subject: "dogtrot", expected: "a steady trot" };
    for (const r of [
      "A steady trot like that of a dog.",
      "A steady trot like that of a dog is called a dogtrot, a kind of jog.",
      "A dogtrot is a steady trot like that of a dog.",
    ])
      expect(scoreAnswer(r, def), r).toBe(true);
  });

  it("counts a wrong answer wrong in any form: other answers, hedges, echoes of the question", () => {
    const peru: AnswerKey = { category: "capital", subject: "Peru", expected: "Lima" };
    expect(scoreAnswer("Quito.", peru)).toBe(false);
    expect(scoreAnswer("Lima or Quito.", peru)).toBe(false);
    expect(scoreAnswer("The capital of Peru is Quito, and Peru is in South America.", peru)).toBe(false);
    // The country's name is an echo, not the answer…
    expect(scoreAnswer("The capital of Djibouti is Tadjoura.", { category: "capital", subject: "Djibouti", expected: "Djibouti" })).toBe(false);
    expect(scoreAnswer("Djibouti's capital is Tadjoura.", { category: "capital", subject: "Djibouti", expected: "Djibouti" })).toBe(false);
    expect(scoreAnswer("South Africa is in Europe.", { category: "continent", subject: "South Africa", expected: "Africa" })).toBe(false);
    expect(
      scoreAnswer("The capital of Singapore is Jakarta, and Singapore is in Asia.", { category: "capital", subject: "Singapore", expected: "Singapore" }),
    ).toBe(false);
    expect(
      scoreAnswer("Jakarta is the capital of Singapore, and Singapore is in Asia.", { category: "capital", subject: "Singapore", expected: "Singapore" }),
    ).toBe(false);
    // …unless it is named as the answer.
    expect(
      scoreAnswer("The capital of Singapore is Singapore, and Singapore is in Asia.", { category: "capital", subject: "Singapore", expected: "Singapore" }),
    ).toBe(true);
    expect(scoreAnswer("Singapore.", { category: "capital", subject: "Singapore", expected: "Singapore" })).toBe(true);
    expect(scoreAnswer("Singapore is the capital of Singapore.", { category: "capital", subject: "Singapore", expected: "Singapore" })).toBe(true);
    expect(scoreAnswer("The capital of Kuwait is Kuwait City.", { category: "capital", subject: "Kuwait", expected: "Kuwait City" })).toBe(true);
    expect(scoreAnswer("South Africa is in Africa.", { category: "continent", subject: "South Africa", expected: "Africa" })).toBe(true);
    // An echo inside the answer is the answer ("City of San Marino" names San Marino).
    expect(scoreAnswer("City of San Marino.", { category: "capital", subject: "San Marino", expected: "City of San Marino" })).toBe(true);
    expect(scoreAnswer("The capital of San Marino is Serravalle.", { category: "capital", subject: "San Marino", expected: "City of San Marino" })).toBe(false);
    // A longer accepted answer is taken out before rivals are looked for ("City of Victoria" ⊃ "Victoria").
    expect(scoreAnswer("The capital of Hong Kong is City of Victoria.", { category: "capital", subject: "Hong Kong", expected: "City of Victoria" })).toBe(
      true,
    );
    // Other continents, languages, currency codes.
    expect(scoreAnswer("Peru is in South America and Asia.", { category: "continent", subject: "Peru", expected: "South America" })).toBe(false);
    expect(
      scoreAnswer("People in Peru speak Spanish and French.", { category: "language", subject: "Peru", expected: "Spanish", alsoAccepted: ["Quechua"] }),
    ).toBe(false);
    expect(scoreAnswer("PEN or USD.", { category: "currency", subject: "Peru", expected: "PEN" })).toBe(false);
    // Codes are upper-case words: "all" is not Albania's lek.
    expect(scoreAnswer("All of Peru uses PEN.", { category: "currency", subject: "Peru", expected: "PEN" })).toBe(true);
    // Arithmetic: the stated number, not an echoed operand.
    const seven: AnswerKey = { category: "arithmetic", subject: "7 - 0", expected: "7" };
    expect(scoreAnswer("7 - 0 = 8.", seven)).toBe(false);
    expect(scoreAnswer("7 minus 0 equals 8.", seven)).toBe(false);
    expect(scoreAnswer("7 - 0 = 8, so the answer is 7.", seven)).toBe(false);
    expect(scoreAnswer("8.", seven)).toBe(false);
    expect(scoreAnswer("7 - 0 = 7.", seven)).toBe(true);
    expect(scoreAnswer("", seven)).toBe(false);
  });

  it("removes the echo of the subject and keeps the subject named as an answer", () => {
    expect(withoutEcho("the capital of peru is lima and peru is in south america", "Peru")).toBe("the capital is lima and south america");
    expect(withoutEcho("singapore is the capital of singapore and singapore is in asia", "Singapore")).toBe("singapore is the capital and asia");
    expect(withoutEcho("people in the bahamas speak english", "Bahamas")).toBe("people speak english");
    expect(withoutEcho("singapore s capital is singapore", "Singapore")).toBe("capital is singapore");
    expect(statedNumber("7 times 3 equals 21.")).toBe(21);
  });

  it("aggregates per category and overall, training vs held-out templates", () => {
    const a = (category: QaAnswer["category"], heldOut: boolean, correct: boolean): QaAnswer => ({
      category,
      heldOut,
      correct,
      question: "q",
      subject: "s",
      answer: "a",
      form: "sentence",
      expected: "e",
      response: "r",
      finished: true,
    });
    const s = summarize("m", [a("capital", false, true), a("capital", false, false), a("capital", true, true), a("arithmetic", false, true)]);
    expect(s.trainTemplates.capital).toEqual({ correct: 1, total: 2, accuracy: 0.5 });
    expect(s.trainTemplates.overall).toEqual({ correct: 2, total: 3, accuracy: 0.6667 });
    expect(s.heldOutTemplates.capital).toEqual({ correct: 1, total: 1, accuracy: 1 });
    expect(s.heldOutTemplates.arithmetic).toBeUndefined();
  });
});
