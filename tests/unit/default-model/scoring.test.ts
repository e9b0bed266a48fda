import { describe, expect, it } from "vitest";
import { isCorrect, normalizeAnswer } from "../../../lib/default-model/scoring";
import { summarize, type QaAnswer } from "../../../lib/default-model/eval-qa";

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

  it("aggregates per category and overall, training vs held-out templates", () => {
    const a = (category: QaAnswer["category"], heldOut: boolean, correct: boolean): QaAnswer => ({
      category,
      heldOut,
      correct,
      question: "q",
      answer: "a",
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
