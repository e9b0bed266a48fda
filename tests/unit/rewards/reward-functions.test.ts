// Every reward function on a table of cases (issue 13, acceptance 1).
import { describe, expect, it } from "vitest";
import { accuracy } from "@/lib/rewards/accuracy";
import { format } from "@/lib/rewards/format";
import { length, lengthPenalty, lengthReward } from "@/lib/rewards/length";

describe("accuracy", () => {
  it.each<[string, string, string | null, number]>([
    // GSM8K-style numeric references
    ["plain sentence", "The answer is 72.", "72", 1],
    ["answer tags", "<answer>72</answer>", "72", 1],
    ["think then answer", "<think>48 / 2 = 24, 48 + 24 = 72</think>\n<answer>72</answer>", "72", 1],
    ["tags win over the last number", "<answer>72</answer> (I checked 73 cases)", "72", 1],
    ["wrong answer in tags", "<think>it is 72</think><answer>71</answer>", "72", 0],
    ["tags missing: the last number", "48 + 24 = 72", "72", 1],
    ["tags missing: a wrong last number", "72 is close, but 74", "72", 0],
    ["an echoed operand is not the answer", "7 - 0 = 8.", "7", 0],
    ["unterminated answer tag", "so <answer>72", "72", 1],
    ["nested tags", "<answer>hm <answer>72</answer></answer>", "72", 1],
    ["extra text outside the tags", "Sure! <answer>72</answer> Hope that helps.", "72", 1],
    ["thinking never closed", "<think>it must be 72", "72", 0],
    ["numbers as words", "The answer is seventy-two.", "72", 1],
    ["a reference in words", "<answer>12</answer>", "twelve", 1],
    ["hundreds in words", "one hundred and five", "105", 1],
    ["1,000 vs 1000", "<answer>1,000</answer>", "1000", 1],
    ["1000 vs 1,000", "It costs 1000 dollars.", "1,000", 1],
    ["1000.0 vs 1000", "<answer>1000.0</answer>", "1000", 1],
    ["currency", "It costs $1,000.", "1000", 1],
    ["negative number", "3 - 7 = -4", "-4", 1],
    ["Unicode minus", "<answer>\u22127</answer>", "-7", 1],
    ["minus in words", "The result is minus seven.", "-7", 1],
    ["the sign matters", "<answer>7</answer>", "-7", 0],
    ["subtraction is not a sign", "10 -7", "-7", 0],
    ["decimals", "<answer>0.50</answer>", "0.5", 1],
    ["fractions", "<answer>1/2</answer>", "0.5", 1],
    ["numbers of a list", "<answer>1,2,3</answer>", "123", 0],
    ["no number at all", "I do not know.", "72", 0],
    ["empty completion", "", "72", 0],
    ["the reference only in the prompt", "Let me think about it.", "72", 0],
    // text references
    ["text in tags", "<answer>Paris</answer>", "Paris", 1],
    ["case, accents and punctuation", "<answer> SÃO PAULO! </answer>", "São Paulo", 1],
    ["a leading article", "<answer>The Nile</answer>", "nile", 1],
    ["the last phrase", "The capital of France is Paris.", "Paris", 1],
    ["after a colon", "Final answer: Lima", "Lima", 1],
    ["a different city", "The capital of France is Lyon.", "Paris", 0],
    ["a word inside another", "<answer>Parisian</answer>", "Paris", 0],
    ["an answer before the copula does not count", "Paris is the capital of France.", "Paris", 0],
    ["no reference", "<answer>72</answer>", null, 0],
    ["an empty reference", "<answer></answer>", "", 0],
    ["a reference of punctuation only", "<answer>?</answer>", "?", 0],
  ])("%s", (_name, completion, reference, expected) => {
    expect(accuracy("What is the answer? (72)", completion, reference)).toBe(expected);
  });
});

describe("format", () => {
  it.each<[string, string, number]>([
    ["exactly the shape", "<think>7 + 5 = 12</think><answer>12</answer>", 1],
    ["whitespace and line breaks around and between", "\n <think>\nreasoning\n</think>\n\n<answer>\n12\n</answer>\n", 1],
    ["tags missing", "12", 0],
    ["answer only", "<answer>12</answer>", 0],
    ["think only", "<think>12</think>", 0],
    ["reversed", "<answer>12</answer><think>x</think>", 0],
    ["text before", "Sure. <think>x</think><answer>12</answer>", 0],
    ["text after", "<think>x</think><answer>12</answer> done", 0],
    ["text between", "<think>x</think> so <answer>12</answer>", 0],
    ["empty think", "<think> </think><answer>12</answer>", 0],
    ["empty answer", "<think>x</think><answer>\n</answer>", 0],
    ["nested answer", "<think>x</think><answer><answer>12</answer></answer>", 0],
    ["a tag inside think", "<think>x <answer>1</answer></think><answer>12</answer>", 0],
    ["two answers", "<think>x</think><answer>1</answer><answer>2</answer>", 0],
    ["unterminated answer", "<think>x</think><answer>12", 0],
    ["unterminated think", "<think>x<answer>12</answer>", 0],
    ["upper-case tags", "<THINK>x</THINK><ANSWER>12</ANSWER>", 0],
    ["empty completion", "", 0],
  ])("%s", (_name, completion, expected) => {
    expect(format("prompt", completion)).toBe(expected);
  });
});

describe("length", () => {
  it("is 0 within the budget, falls linearly past it, and stays at −1", () => {
    const p = { budget: 10, ramp: 20 };
    expect(lengthPenalty(0, p)).toBe(0);
    expect(lengthPenalty(10, p)).toBe(0);
    expect(lengthPenalty(15, p)).toBeCloseTo(-0.25);
    expect(lengthPenalty(20, p)).toBeCloseTo(-0.5);
    expect(lengthPenalty(30, p)).toBe(-1);
    expect(lengthPenalty(1000, p)).toBe(-1);
  });

  it("counts characters (code points) by default, tokens when asked", () => {
    const params = { budget: 4, ramp: 4, unit: "characters" as const };
    expect(length("", "abcd", null, params)).toBe(0);
    expect(length("", "abcdef", null, params)).toBeCloseTo(-0.5);
    expect(length("", "😀😀😀😀", null, params)).toBe(0);
    expect(length("", "abcdefgh", null, { ...params, unit: "tokens" }, 2)).toBe(0);
    expect(length("", "ab", null, { ...params, unit: "tokens" }, 6)).toBeCloseTo(-0.5);
    expect(() => length("", "ab", null, { ...params, unit: "tokens" })).toThrow(/token count/);
  });

  it("has defaults: a 512-character budget and a 512-character ramp", () => {
    const defaults = lengthReward.params.parse({});
    expect(defaults).toEqual({ budget: 512, ramp: 512, unit: "characters" });
    expect(lengthReward.score({ prompt: "", completion: "x".repeat(512), reference: null }, defaults)).toBe(0);
    expect(lengthReward.score({ prompt: "", completion: "x".repeat(768), reference: null }, defaults)).toBeCloseTo(-0.5);
  });
});
