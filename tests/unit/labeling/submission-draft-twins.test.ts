import { describe, expect, it } from "vitest";
import {
  bindTwins,
  draftFromGroups,
  identicalSets,
  initialDraft,
  moveBy,
  moveTo,
  rankLabels,
  tie,
  toGroups,
  twinsOf,
  untie,
  type Draft,
} from "@/lib/labeling/submission-draft";

// A=1, B=2, C=3, D=4, E=5; A and C have the same text.
const show = (d: Draft) =>
  toGroups(d)
    .map((g) => g.map((id) => "ABCDE"[id - 1]).join("="))
    .join(" > ");
const twins = twinsOf([[1, 3]]);
const start = () => initialDraft([1, 2, 3, 4], twins);

describe("identical completions", () => {
  it("are the same text after trimming and collapsing whitespace, and nothing looser", () => {
    const sets = identicalSets([
      { id: 7, text: "Lima." },
      { id: 8, text: "Cusco." },
      { id: 9, text: " Lima. " },
      { id: 10, text: "Cusco.\n" },
      { id: 11, text: "Quito." },
      { id: 12, text: "quito." },
      { id: 13, text: "The capital\n\nis  Lima." },
      { id: 14, text: "The capital is Lima." },
    ]);
    expect(sets).toEqual([
      [7, 9],
      [8, 10],
      [13, 14],
    ]);
  });

  it("start side by side in one group, at the place of the first one", () => {
    expect(show(start())).toBe("A=C > B > D");
    expect(rankLabels(start())).toEqual(["1=", "1=", "2", "3"]);
    expect(show(initialDraft([2, 1, 4, 3], twins))).toBe("B > A=C > D");
    expect(show(initialDraft([2, 4, 5, 1, 3], twinsOf([[2, 5]])))).toBe("B=E > D > A > C");
  });

  it("move together, by place, by step and by drag, and never land inside a group", () => {
    expect(show(moveTo(start(), 3, 3, twins))).toBe("B > D > A=C"); // place 4: the block ends last
    expect(show(moveTo(start(), 1, 2, twins))).toBe("B > A=C > D"); // dropped on B (index 2): just below it
    expect(show(moveBy(start(), 3, 1, twins))).toBe("B > A=C > D");
    expect(show(moveBy(moveBy(start(), 1, 1, twins), 1, 1, twins))).toBe("B > D > A=C");
    expect(show(moveBy(start(), 1, -1, twins))).toBe("A=C > B > D"); // already first
    expect(show(moveTo(start(), 4, 0, twins))).toBe("D > A=C > B");
    const d = tie(tie(initialDraft([2, 4, 1, 3], twins), 1, twins), 4, twins); // B=D=A=C
    expect(show(d)).toBe("B=D=A=C");
    expect(show(moveBy(d, 3, -1, twins))).toBe("A=C > B=D"); // the block leaves its group upwards
    expect(show(moveBy(d, 2, 1, twins))).toBe("D=A=C > B");
    expect(show(moveTo(start(), 2, 1, twins))).toBe("B > A=C > D"); // B dropped inside the block's group: above it
  });

  it("stay tied: untying a twin unties its block from the group above, tying one ties the block", () => {
    expect(show(untie(start(), 3, twins))).toBe("A=C > B > D");
    const d = moveTo(start(), 2, 0, twins); // B > A=C > D
    expect(show(tie(d, 3, twins))).toBe("B=A=C > D");
    expect(show(untie(tie(d, 3, twins), 3, twins))).toBe("B > A=C > D");
  });

  it("are bound again in a stored ranking that split them", () => {
    expect(show(draftFromGroups([[2], [1], [4], [3]], twins))).toBe("B > A=C > D");
    // C sits in the better group; A joins it, and D, tied with A, comes along (no tie is dropped)
    expect(
      show(
        draftFromGroups(
          [
            [2, 3],
            [1, 4],
          ],
          twins,
        ),
      ),
    ).toBe("B=C=A=D");
    expect(show(draftFromGroups([[2, 3], [4], [1]], twins))).toBe("B=C=A > D");
    expect(show(bindTwins(initialDraft([1, 2, 3, 4]), twins))).toBe("A=C > B > D");
    expect(show(bindTwins(initialDraft([1, 2, 3, 4])))).toBe("A > B > C > D"); // no twins: unchanged
  });
});
