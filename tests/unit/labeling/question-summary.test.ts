import { describe, expect, it } from "vitest";
import { formatRating, formatTags, summarizeAnswers } from "@/lib/labeling/question-summary";
import { ratingQuestion, type QualityQuestion } from "@/lib/labeling/questions";

const QUALITY = ratingQuestion("quality", "Quality", { min: 1, max: 5 });
const ISSUES: QualityQuestion = { kind: "tags", key: "issues", prompt: "Problems", required: false, tags: ["verbose", "wrong"] };

describe("summaries of the answers", () => {
  const rows = [
    { group: "m1", rankingId: 1, completionId: 10, questionKey: "quality", value: 4 },
    { group: "m1", rankingId: 2, completionId: 10, questionKey: "quality", value: 5 },
    { group: "m1", rankingId: 2, completionId: 10, questionKey: "issues", value: ["verbose"] },
    { group: "m1", rankingId: 1, completionId: 11, questionKey: "quality", value: 3 },
    { group: "m2", rankingId: 1, completionId: 12, questionKey: "issues", value: ["verbose", "wrong"] },
    { group: "m2", rankingId: 1, completionId: 12, questionKey: "gone", value: 3 }, // a question no longer asked
  ];
  const summary = summarizeAnswers([QUALITY, ISSUES], rows);

  it("give a rating's mean, sample sd and distribution per group", () => {
    expect(summary.get("m1")?.get("quality")).toEqual({ kind: "rating", n: 3, mean: 4, sd: 1, distribution: [0, 0, 1, 1, 1] });
    expect(summary.get("m2")?.get("quality")).toEqual({ kind: "rating", n: 0, mean: null, sd: null, distribution: [0, 0, 0, 0, 0] });
    expect(formatRating(summary.get("m1")?.get("quality") as never)).toBe("4.00 ± 1.00 (n = 3)");
    expect(formatRating(summary.get("m2")?.get("quality") as never)).toBe("—");
  });

  it("count each tag out of the completions judged (ranking × completion with any answer)", () => {
    expect(summary.get("m1")?.get("issues")).toEqual({
      kind: "tags",
      judged: 3,
      counts: [
        { tag: "verbose", n: 1 },
        { tag: "wrong", n: 0 },
      ],
    });
    expect(formatTags(summary.get("m2")?.get("issues") as never)).toBe("verbose 1/1 · wrong 1/1");
    expect([...(summary.get("m2")?.keys() ?? [])]).toEqual(["quality", "issues"]);
  });
});
