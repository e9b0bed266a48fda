import { describe, expect, it } from "vitest";
import { completionKey, DistinctCompletions, sameCompletionText } from "@/lib/generation/distinct";

const c = (text: string, model = "a") => ({ text, model });

describe("completionKey", () => {
  it("trims and collapses whitespace, and nothing else", () => {
    expect(completionKey("  Paris.\n")).toBe("Paris.");
    expect(completionKey("The  capital\tis\n\nParis.")).toBe("The capital is Paris.");
    expect(sameCompletionText(" Paris. ", "Paris.")).toBe(true);
    expect(sameCompletionText("Paris.", "paris.")).toBe(false);
    expect(sameCompletionText("Paris.", "Paris")).toBe(false);
    expect(sameCompletionText("\t", "")).toBe(true);
  });
});

describe("DistinctCompletions", () => {
  it("keeps first occurrences in order, share by share, and owes the dropped ones to their share", () => {
    const set = new DistinctCompletions([
      [c("Paris."), c(" Paris."), c("Lyon.")],
      [c("Paris.", "b"), c("Nice.", "b")],
    ]);
    expect(set.duplicates).toBe(2);
    expect(set.missing(0)).toBe(1);
    expect(set.missing(1)).toBe(1);
    expect(set.complete).toBe(false);
    expect(set.completions().map((x) => `${x.model}:${x.text}`)).toEqual(["a:Paris.", "a:Lyon.", "b:Nice."]);
  });

  it("offer takes only new texts, at most what the share owes, and the share's completions stay together", () => {
    const set = new DistinctCompletions([
      [c("x"), c("x")],
      [c("y", "b"), c("y", "b")],
    ]);
    expect(set.offer(0, [c("y"), c("x "), c("z"), c("w")])).toBe(1);
    expect(set.missing(0)).toBe(0);
    expect(set.offer(1, [c("z", "b"), c("w", "b")])).toBe(1);
    expect(set.complete).toBe(true);
    expect(set.completions().map((x) => `${x.model}:${x.text}`)).toEqual(["a:x", "a:z", "b:y", "b:w"]);
  });

  it("is complete at once when the first draw is distinct", () => {
    const set = new DistinctCompletions([[c("a"), c("b"), c("c")]]);
    expect(set.complete).toBe(true);
    expect(set.duplicates).toBe(0);
    expect(set.offer(0, [c("d")])).toBe(0);
  });
});
