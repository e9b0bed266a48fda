import { describe, expect, it } from "vitest";
import { referenceOf, withReference } from "@/lib/rewards/reference";

describe("referenceOf", () => {
  it.each<[unknown, string | null]>([
    [{ reference: "72" }, "72"],
    [{ reference: "Paris", solution: "…" }, "Paris"],
    [{ reference: 72 }, "72"],
    [{ reference: -1.5 }, "-1.5"],
    [{ reference: "  " }, null],
    [{ reference: null }, null],
    [{ reference: ["72"] }, null],
    [{ answer: "72" }, null],
    [{}, null],
    [null, null],
    [undefined, null],
    ["72", null],
    [["72"], null],
  ])("%j → %j", (metadata, expected) => {
    expect(referenceOf(metadata)).toBe(expected);
  });

  it("sets a reference, keeping the other fields", () => {
    expect(withReference({ solution: "s", reference: "1" }, "2")).toEqual({ solution: "s", reference: "2" });
    expect(withReference(null, "2")).toEqual({ reference: "2" });
  });
});
