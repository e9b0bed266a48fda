import { describe, expect, it } from "vitest";
import { answerRegion, finalAnswer } from "@/lib/rewards/answer";

describe("answerRegion", () => {
  it.each<[string, string, boolean]>([
    ["<think>7+5</think><answer>12</answer>", "12", true],
    ["<ANSWER> 12 </Answer>", "12", true],
    ["<answer>5</answer> then <answer>6</answer>", "6", true],
    ["<answer>5</answer> then <answer>6", "5", true],
    ["<answer>x <answer>5</answer></answer>", "5", true],
    ["it is <answer>42", "42", true],
    ["<answer><think>a</think>7</answer>", "a 7", true],
    ["<think>7 + 5 = 12</think> The sum is 13.", "The sum is 13.", false],
    ["<think>a</think> 1 <think>b</think> 2", "1   2", false],
    ["reasoning 7 + 5 = 12</think> 12", "12", false],
    ["so far so good <think> 7 + 5 = 12", "so far so good", false],
    ["<think>only thinking, never closed 12", "", false],
    ["", "", false],
  ])("%j → %j", (completion, text, tagged) => {
    expect(answerRegion(completion)).toEqual({ text, tagged });
  });
});

describe("finalAnswer", () => {
  it.each<[string, string, string]>([
    ["<think>x</think><answer>72</answer>", "72", "tag"],
    ["The answer is 72.", "72", "number"],
    ["7 + 5 = 12, so the answer is 12.", "12", "number"],
    ["It is twenty-one.", "twenty-one", "number"],
    ["The capital of France is Paris.", "Paris", "phrase"],
    ["Hmm.\nParis!", "Paris", "phrase"],
    ["Final answer: Lima", "Lima", "phrase"],
    ["<think>no answer yet", "", "none"],
    ["", "", "none"],
    ["<answer></answer>", "", "none"],
  ])("%j → %j (%s)", (completion, text, source) => {
    expect(finalAnswer(completion)).toEqual({ text, source });
  });
});
