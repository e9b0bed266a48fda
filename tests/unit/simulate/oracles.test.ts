import { describe, expect, it } from "vitest";
import { TEMPLATES, fillTemplate } from "@/lib/default-model/sft-data";
import { arithmeticQuestion, brevity, capitalQuestion, correctness, getOracle, oracleNames, statedNumber } from "@/lib/simulate/oracles";

const ask = (content: string) => [{ role: "user" as const, content }];

describe("correctness: capitals", () => {
  it("recognises every capital phrasing of the SFT data, held-out ones too, whatever the case", () => {
    for (const t of TEMPLATES.capital) {
      expect(capitalQuestion(fillTemplate(t, "France"))?.capital, t.text).toBe("Paris");
      expect(capitalQuestion(fillTemplate(t, "new zealand"))?.capital, t.text).toBe("Wellington");
    }
    expect(capitalQuestion("Which city is the capital of TÜRKIYE?")?.capital).toBe("Ankara");
    expect(capitalQuestion("What is the capital of Atlantis?")).toBeUndefined();
  });

  it("scores the right capital 1, a wrong or other city 0", () => {
    const q = ask("What is the capital of Canada?");
    expect(correctness.score(q, "The capital of Canada is Ottawa.")).toBe(1);
    expect(correctness.score(q, "Ottawa")).toBe(1);
    expect(correctness.score(q, "The capital of Canada is Toronto.")).toBe(0);
    expect(correctness.score(q, "The capital of Canada is Ottawan.")).toBe(0);
    expect(correctness.score(q, "Canada is a large country.")).toBe(0);
    // Accents do not matter (eval-qa's normalization).
    expect(correctness.score(ask("Capital of Brazil?"), "The capital of Brazil is Brasilia.")).toBe(1);
    expect(correctness.score(ask("Tell me the capital of Japan."), "The capital of Japan is Kyoto.")).toBe(0);
  });

  it("an echo of the question is not the answer where the capital bears the country's name", () => {
    const q = ask("What is the capital of Singapore?");
    expect(correctness.score(q, "The capital of Singapore is Singapore.")).toBe(1);
    expect(correctness.score(q, "Singapore.")).toBe(1);
    expect(correctness.score(q, "The capital of Singapore is Jakarta.")).toBe(0);
    expect(correctness.score(ask("Singapore's capital is which city?"), "Singapore's capital is Jakarta.")).toBe(0);
    expect(correctness.score(ask("Capital of Guatemala?"), "The capital of Guatemala is Guatemala City.")).toBe(1);
    expect(correctness.score(ask("Capital of Guatemala?"), "The capital of Guatemala is Antigua.")).toBe(0);
  });

  it("scores every answer form of the SFT data: short, sentence, long", () => {
    const q = ask("What is the capital of Peru?");
    expect(correctness.score(q, "Lima.")).toBe(1);
    expect(correctness.score(q, "The capital of Peru is Lima.")).toBe(1);
    expect(correctness.score(q, "Lima is the capital of Peru.")).toBe(1);
    expect(correctness.score(q, "Lima is the capital of Peru, and Peru is in South America.")).toBe(1);
    expect(correctness.score(q, "Quito.")).toBe(0);
    expect(correctness.score(q, "Quito is the capital of Peru, and Peru is in South America.")).toBe(0);
    expect(correctness.score(q, "Lima or Quito.")).toBe(0);
    // The long form's echo of the country is not the answer either.
    const s = ask("Capital of Singapore?");
    expect(correctness.score(s, "Singapore is the capital of Singapore, and Singapore is in Asia.")).toBe(1);
    expect(correctness.score(s, "Jakarta is the capital of Singapore, and Singapore is in Asia.")).toBe(0);
    expect(correctness.score(s, "Tanjong Pagar is the capital of Singapore, and Singapore is in Asia.")).toBe(0);
  });

  it("an answer about another country is wrong", () => {
    expect(correctness.score(ask("Name the capital city of North Korea."), "The capital of South Korea is Seoul.")).toBe(0);
  });
});

describe("correctness: arithmetic", () => {
  it("recognises the SFT phrasings and the operator spellings", () => {
    for (const t of TEMPLATES.arithmetic) expect(arithmeticQuestion(fillTemplate(t, "7 + 5"))?.value, t.text).toBe(12);
    expect(arithmeticQuestion("What is 12 - 4?")?.value).toBe(8);
    expect(arithmeticQuestion("What is 12 − 4?")?.value).toBe(8);
    expect(arithmeticQuestion("How much is 3 × 4?")?.value).toBe(12);
    expect(arithmeticQuestion("Compute 3 * 4.")?.value).toBe(12);
    expect(arithmeticQuestion("Calculate 3 x 4.")?.value).toBe(12);
    expect(arithmeticQuestion("what is 20-15")?.value).toBe(5);
    expect(arithmeticQuestion("What is the capital of France?")).toBeUndefined();
    expect(arithmeticQuestion("What is 7 + 5 + 1?")).toBeUndefined();
  });

  it("reads the first number after '=', else the last number once the expression is removed", () => {
    expect(statedNumber("7 + 5 = 12.")).toBe(12);
    expect(statedNumber("7 + 5 =12")).toBe(12);
    expect(statedNumber("7 + 5 = 13. No wait, 12.")).toBe(13);
    expect(statedNumber("1 + 1 = = = 8.")).toBe(8);
    expect(statedNumber("3 - 5 = -2")).toBe(-2);
    expect(statedNumber("12")).toBe(12);
    expect(statedNumber("7 + 5 is 12.")).toBe(12);
    expect(statedNumber("The answer is 12.")).toBe(12);
    expect(statedNumber("7 + 5")).toBeUndefined();
    expect(statedNumber("twelve")).toBeUndefined();
  });

  it("scores right answers 1 and wrong ones 0", () => {
    const q = ask("What is 7 + 5?");
    expect(correctness.score(q, "7 + 5 = 12.")).toBe(1);
    expect(correctness.score(q, "12")).toBe(1);
    expect(correctness.score(q, "7 + 5 = 13.")).toBe(0);
    expect(correctness.score(q, "7 + 5 = 112.")).toBe(0);
    expect(correctness.score(q, "Let me think about numbers.")).toBe(0);
    expect(correctness.score(ask("How much is 8 * 11?"), "8 * 11 = 88.")).toBe(1);
    expect(correctness.score(ask("How much is 8 x 11?"), "8 x 11 = 89.")).toBe(0);
  });

  it("scores every answer form of the SFT data (short, equation, restated) and words", () => {
    const q = ask("What is 7 + 5?");
    for (const c of ["12.", "7 + 5 = 12.", "7 + 5 = 12, so the answer is 12.", "7 plus 5 equals 12."]) expect(correctness.score(q, c), c).toBe(1);
    for (const c of ["13.", "7 + 5 = 13.", "7 + 5 = 13, so the answer is 13.", "7 plus 5 equals 13."]) expect(correctness.score(q, c), c).toBe(0);
    // An echoed operand is not the answer.
    const z = ask("Compute 7 - 0.");
    expect(correctness.score(z, "7 minus 0 equals 8.")).toBe(0);
    expect(correctness.score(z, "7 minus 0 equals 7.")).toBe(1);
    expect(statedNumber("3 times 4 equals 12.")).toBe(12);
  });
});

describe("correctness: none acceptable and unrecognised questions", () => {
  it("an unrecognised question scores 0 for every completion and is never none-acceptable", () => {
    const q = ask("Define the word river.");
    expect(correctness.score(q, "A river is a large natural stream of water.")).toBe(0);
    expect(correctness.noneAcceptable!(q, [0, 0, 0, 0])).toBe(false);
  });

  it("a recognised question with every completion wrong is none-acceptable", () => {
    const q = ask("What is 7 + 5?");
    expect(correctness.noneAcceptable!(q, [0, 0, 0, 0])).toBe(true);
    expect(correctness.noneAcceptable!(q, [0, 1, 0, 0])).toBe(false);
  });

  it("reads the last user message of a conversation", () => {
    const q = [
      { role: "user" as const, content: "What is the capital of France?" },
      { role: "assistant" as const, content: "Paris." },
      { role: "user" as const, content: "What is 2 + 2?" },
    ];
    expect(correctness.score(q, "2 + 2 = 4.")).toBe(1);
    expect(correctness.score(q, "Paris.")).toBe(0);
  });
});

describe("brevity", () => {
  it("prefers shorter completions, 8 units per halving of the length", () => {
    const q = ask("What is the capital of France?");
    expect(brevity.score(q, "Paris.")).toBeGreaterThan(brevity.score(q, "The capital of France is Paris."));
    expect(brevity.score(q, "abcd") - brevity.score(q, "abcdabcd")).toBeCloseTo(8);
    expect(brevity.score(q, "  a   b ")).toBe(brevity.score(q, "a b"));
    expect(Number.isFinite(brevity.score(q, ""))).toBe(true);
  });

  it("orders the SFT data's forms short over sentence over long", () => {
    const q = ask("What is the capital of Peru?");
    const [short, sentence, long] = ["Lima.", "Lima is the capital of Peru.", "Lima is the capital of Peru, and Peru is in South America."].map((c) =>
      brevity.score(q, c),
    );
    expect(short).toBeGreaterThan(sentence);
    expect(sentence).toBeGreaterThan(long);
    const a = ask("What is 7 + 5?");
    const [n, eq, words] = ["12.", "7 + 5 = 12.", "7 + 5 = 12, so the answer is 12."].map((c) => brevity.score(a, c));
    expect(n).toBeGreaterThan(eq);
    expect(eq).toBeGreaterThan(words);
  });
});

describe("the registry", () => {
  it("names correctness and brevity", () => {
    expect(oracleNames()).toEqual(expect.arrayContaining(["correctness", "brevity"]));
    expect(getOracle("correctness")).toBe(correctness);
    expect(getOracle("toString")).toBeUndefined();
  });
});
