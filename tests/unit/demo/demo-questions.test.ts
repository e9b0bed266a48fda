// The demo's questions (lib/demo/questions.ts): distinct, seeded, each subject once, or once per
// training template with templates "every".
import { describe, expect, it } from "vitest";
import { demoQuestions } from "../../../lib/demo/questions";
import { TEMPLATES, fillTemplate } from "../../../lib/default-model/sft-data";

const ARITHMETIC_SUBJECTS = 21 * 21 + (21 * 22) / 2 + 13 * 13; // a + b, a − b (b ≤ a) up to 20; a × b up to 12
const arithmeticTemplates = TEMPLATES.arithmetic.filter((t) => !t.heldOut);

describe("demoQuestions", () => {
  it("asks each subject once, in a training template, the same for the same seed", () => {
    const qs = demoQuestions(10_000, { seed: 7, categories: ["arithmetic"] });
    expect(qs).toHaveLength(ARITHMETIC_SUBJECTS);
    expect(new Set(qs).size).toBe(qs.length);
    expect(demoQuestions(10_000, { seed: 7, categories: ["arithmetic"] })).toEqual(qs);
    expect(demoQuestions(5, { seed: 7, categories: ["arithmetic"] })).toEqual(qs.slice(0, 5));
  });

  it('with templates "every", asks each subject in every training template, and no held-out one', () => {
    const qs = demoQuestions(10_000, { seed: 7, categories: ["arithmetic"], templates: "every" });
    expect(qs).toHaveLength(ARITHMETIC_SUBJECTS * arithmeticTemplates.length);
    expect(new Set(qs).size).toBe(qs.length);
    const expected = new Set(arithmeticTemplates.map((t) => fillTemplate(t, "17 + 8")));
    expect(qs.filter((q) => expected.has(q))).toHaveLength(arithmeticTemplates.length);
    for (const t of TEMPLATES.arithmetic.filter((t) => t.heldOut)) expect(qs).not.toContain(fillTemplate(t, "17 + 8"));
    expect(demoQuestions(4, { seed: 7, categories: ["arithmetic"], templates: "every" })).toEqual(qs.slice(0, 4));
  });
});
