import { describe, expect, it } from "vitest";
import { initialDraft, moveBy, moveTo, rankLabels, tie, toGroups, untie, type Draft } from "@/lib/labeling/submission-draft";

// A=1, B=2, C=3, D=4
const start = () => initialDraft([1, 2, 3, 4]);
const show = (d: Draft) =>
  toGroups(d)
    .map((g) => g.map((id) => "ABCD"[id - 1]).join("="))
    .join(" > ");

describe("the ranking draft", () => {
  it("starts as a strict order", () => {
    expect(show(start())).toBe("A > B > C > D");
    expect(rankLabels(start())).toEqual(["1", "2", "3", "4"]);
  });

  it("moves a card to a place (drag, or a number key)", () => {
    expect(show(moveTo(start(), 4, 0))).toBe("D > A > B > C");
    expect(show(moveTo(start(), 1, 2))).toBe("B > C > A > D");
    expect(show(moveTo(start(), 1, 99))).toBe("B > C > D > A");
  });

  it("moves a card one step with the arrow keys, and stops at the ends", () => {
    expect(show(moveBy(start(), 3, -1))).toBe("A > C > B > D");
    expect(show(moveBy(start(), 3, 1))).toBe("A > B > D > C");
    expect(show(moveBy(start(), 1, -1))).toBe("A > B > C > D");
    expect(show(moveBy(start(), 4, 1))).toBe("A > B > C > D");
  });

  it("ties a card with the one above and shows shared ranks", () => {
    const d = tie(start(), 3); // B = C
    expect(show(d)).toBe("A > B=C > D");
    expect(rankLabels(d)).toEqual(["1", "2=", "2=", "3"]);
    expect(show(tie(d, 1))).toBe("A > B=C > D"); // the top card has nobody above
    expect(show(tie(tie(d, 2), 4))).toBe("A=B=C=D");
  });

  it("unties a card: it starts a new group with the cards tied below it", () => {
    const d = tie(tie(start(), 3), 4); // A > B=C=D
    expect(show(untie(d, 3))).toBe("A > B > C=D");
    expect(show(untie(d, 2))).toBe("A > B=C=D"); // the head has no tie above
  });

  it("moving a tied card takes it out of its group", () => {
    const d = tie(tie(start(), 2), 3); // A=B=C > D
    expect(show(moveBy(d, 2, -1))).toBe("B > A=C > D");
    expect(show(moveBy(d, 2, 1))).toBe("A=C > B > D");
    expect(show(moveBy(d, 1, -1))).toBe("A > B=C > D"); // the head leaves upwards, staying first
    expect(show(moveTo(d, 3, 3))).toBe("A=B > D > C");
  });

  it("a lone card passes a whole group, never landing inside it", () => {
    const d = tie(tie(start(), 3), 4); // A > B=C=D
    expect(show(moveBy(d, 1, 1))).toBe("B=C=D > A");
    const e = tie(tie(start(), 2), 3); // A=B=C > D
    expect(show(moveBy(e, 4, -1))).toBe("D > A=B=C");
    // dropped in the middle of a group: above it when moving up, below it when moving down
    expect(show(moveTo(e, 4, 1))).toBe("D > A=B=C");
    const f = tie(tie(start(), 3), 4); // A > B=C=D
    expect(show(moveTo(f, 1, 2))).toBe("B=C=D > A");
  });

  it("removing a group's head keeps the rest of the group together", () => {
    const d = tie(tie(start(), 2), 3); // A=B=C > D
    expect(show(moveTo(d, 1, 3))).toBe("B=C > D > A");
  });
});
