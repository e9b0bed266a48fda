// Gold matching (each kind of expectation, ties, none acceptable), the expectation checks, the
// accuracy with its Wilson interval, and the pause rule.
import { describe, expect, it } from "vitest";
import { expectationProblem, goldAccuracy, goldTauB, isPaused, matchesGold } from "@/lib/quality/gold-match";

const answer = (groups: number[][], noneAcceptable = false) => ({ groups, noneAcceptable });

describe("matchesGold", () => {
  const full = { kind: "ranking" as const, groups: [[1], [2], [3], [4]] };

  it("a full ranking: the same order matches; one swap of neighbours of four still does (τ-b 0.67), two do not (0.33)", () => {
    expect(matchesGold(full, answer([[1], [2], [3], [4]]))).toBe(true);
    expect(goldTauB([[2], [1], [3], [4]], full.groups)).toBeCloseTo(2 / 3, 10);
    expect(matchesGold(full, answer([[2], [1], [3], [4]]))).toBe(true);
    expect(goldTauB([[2], [1], [4], [3]], full.groups)).toBeCloseTo(1 / 3, 10);
    expect(matchesGold(full, answer([[2], [1], [4], [3]]))).toBe(false);
    expect(matchesGold(full, answer([[4], [3], [2], [1]]))).toBe(false);
  });

  it("a full ranking: ties on either side are τ-b's; all tied, or none acceptable, fails", () => {
    // Annotator ties the top two the expectation separates: C = 5, D = 0, n1 = 1 → 5/√(6·5) = 0.913.
    expect(goldTauB([[1, 2], [3], [4]], full.groups)).toBeCloseTo(5 / Math.sqrt(30), 10);
    expect(matchesGold(full, answer([[1, 2], [3], [4]]))).toBe(true);
    const tied = { kind: "ranking" as const, groups: [[1, 2], [3]] };
    expect(matchesGold(tied, answer([[2], [1], [3]]))).toBe(true);
    expect(matchesGold(tied, answer([[3], [1], [2]]))).toBe(false);
    expect(matchesGold(full, answer([[1, 2, 3, 4]]))).toBe(false);
    expect(matchesGold(full, answer([[1], [2], [3], [4]], true))).toBe(false);
  });

  it("first: the completion is in the first group (a tie at the top counts), unless everything is tied; none acceptable fails", () => {
    const first = { kind: "first" as const, completionId: 3 };
    expect(matchesGold(first, answer([[3], [1], [2]]))).toBe(true);
    expect(matchesGold(first, answer([[1, 3], [2]]))).toBe(true);
    expect(matchesGold(first, answer([[1], [3], [2]]))).toBe(false);
    expect(matchesGold(first, answer([[1, 2, 3]]))).toBe(false);
    expect(matchesGold(first, answer([[3], [1], [2]], true))).toBe(false);
  });

  it("none acceptable: only a ranking that says so", () => {
    expect(matchesGold({ kind: "none" }, answer([[1], [2]], true))).toBe(true);
    expect(matchesGold({ kind: "none" }, answer([[1], [2]]))).toBe(false);
  });
});

describe("expectationProblem", () => {
  it("a full ranking names every completion once, in at least two groups; first names one of them", () => {
    const ids = [10, 11, 12];
    expect(expectationProblem({ kind: "ranking", groups: [[10], [11, 12]] }, ids)).toBeNull();
    expect(expectationProblem({ kind: "ranking", groups: [[10], [11]] }, ids)).toMatch(/all 3 completions/);
    expect(expectationProblem({ kind: "ranking", groups: [[10], [11], [11, 12]] }, ids)).toMatch(/11 appears twice/);
    expect(expectationProblem({ kind: "ranking", groups: [[10], [99], [11, 12]] }, ids)).toMatch(/99 is not one of the task's/);
    expect(expectationProblem({ kind: "ranking", groups: [[10, 11, 12]] }, ids)).toMatch(/expects nothing/);
    expect(expectationProblem({ kind: "first", completionId: 12 }, ids)).toBeNull();
    expect(expectationProblem({ kind: "first", completionId: 9 }, ids)).toMatch(/not one of the task's/);
    expect(expectationProblem({ kind: "none" }, ids)).toBeNull();
  });
});

describe("accuracy and the pause rule", () => {
  it("accuracy comes with its count and a Wilson interval", () => {
    const a = goldAccuracy(2, 5);
    expect(a).toMatchObject({ answered: 5, correct: 2, accuracy: 0.4 });
    // Wilson 95% for 2/5: (0.1176, 0.7693).
    expect(a.interval![0]).toBeCloseTo(0.1176, 3);
    expect(a.interval![1]).toBeCloseTo(0.7693, 3);
    expect(goldAccuracy(0, 0)).toEqual({ answered: 0, correct: 0, accuracy: null, interval: null });
  });

  it("pauses below the threshold only after the minimum count", () => {
    const rule = { threshold: 0.6, minAnswers: 5 };
    expect(isPaused(goldAccuracy(0, 4), rule)).toBe(false);
    expect(isPaused(goldAccuracy(2, 5), rule)).toBe(true);
    expect(isPaused(goldAccuracy(3, 5), rule)).toBe(false);
    expect(isPaused(goldAccuracy(0, 0), { threshold: 0.6, minAnswers: 0 })).toBe(false);
  });
});
