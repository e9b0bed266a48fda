import { describe, expect, it } from "vitest";
import { annotatorOrder, displayOrder } from "@/lib/labeling/assignment-view";
import { completionSnippet, letterAt, lettersFor, orderInLetters } from "@/lib/labeling/letters";

describe("letters", () => {
  it("A–Z by index, then #27 …", () => {
    expect([0, 1, 25, 26].map(letterAt)).toEqual(["A", "B", "Z", "#27"]);
  });

  it("writes a ranking in the letters of an order, ties with =", () => {
    const letters = lettersFor([40, 10, 30, 20]); // the order a reader saw: 40 = A, 10 = B, …
    expect(orderInLetters([[20, 40], [30], [10]], letters)).toBe("D = A > C > B");
    expect(orderInLetters([[99]], letters)).toBe("#99");
  });

  it("an annotator's letters are their assignment's display order (the ranking page's shuffle)", () => {
    const byPosition = [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }];
    expect(annotatorOrder(byPosition, 17)).toEqual(displayOrder(byPosition, 17));
    const orders = new Set(
      [5, 6, 7, 8, 9, 10].map((a) =>
        annotatorOrder(byPosition, a)
          .map((c) => c.id)
          .join(),
      ),
    );
    expect(orders.size).toBeGreaterThan(1); // different assignments see different orders
  });

  it("snippets are one line and bounded", () => {
    expect(completionSnippet("a\n\n b ")).toBe("a b");
    expect(completionSnippet("x".repeat(100), 10)).toBe("xxxxxxxxx…");
  });
});
