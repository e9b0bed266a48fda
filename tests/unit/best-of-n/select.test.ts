// Rejection sampling's choice (lib/best-of-n/select.ts): the best answer by score, kept at the
// threshold, empty answers never kept, ties to the first sampled; and the counts printed.
import { describe, expect, it } from "vitest";
import { bestAnswer, bestOfNCounts } from "@/lib/best-of-n/select";

const a = (text: string, score: number) => ({ text, score });

describe("bestAnswer", () => {
  it("keeps the highest score, the first sampled on a tie", () => {
    expect(bestAnswer([a("x", 0.2), a("y", 0.9), a("z", 0.9)], null)).toEqual({ text: "y", score: 0.9, sample: 1, kept: true });
  });
  it("keeps the best only at or above the threshold", () => {
    expect(bestAnswer([a("x", 0), a("y", 1)], 1)).toMatchObject({ text: "y", kept: true });
    expect(bestAnswer([a("x", 0), a("y", 0.5)], 1)).toMatchObject({ text: "y", kept: false });
    expect(bestAnswer([a("x", -3), a("y", -2)], -2.5)).toMatchObject({ text: "y", kept: true });
  });
  it("never chooses an empty answer or a score that is not a number", () => {
    expect(bestAnswer([a("  ", 5), a("x", 1), a("y", NaN)], null)).toMatchObject({ text: "x", sample: 1 });
    expect(bestAnswer([a("", 1), a("\n", 2)], null)).toBeNull();
    expect(bestAnswer([], 0)).toBeNull();
  });
});

describe("bestOfNCounts", () => {
  it("counts prompts, kept ones, the mean best score, the mean score and the pass rate", () => {
    const perPrompt = [
      [a("r", 1), a("w", 0), a("w", 0), a("r", 1)], // kept, best 1, 2 of 4 pass
      [a("w", 0), a("w", 0), a("w", 0), a("w", 0)], // not kept, best 0
      [a("", 1), a("", 1), a("", 1), a("", 1)], // every answer empty: no best
    ];
    expect(bestOfNCounts(perPrompt, 1)).toEqual({ prompts: 3, kept: 1, meanBestScore: 0.5, meanScore: 0.25, passRate: 0.5 / 3 });
    expect(bestOfNCounts(perPrompt, null)).toMatchObject({ kept: 2, passRate: null });
    expect(bestOfNCounts([], null)).toEqual({ prompts: 0, kept: 0, meanBestScore: null, meanScore: null, passRate: null });
  });
});
