import { describe, expect, it } from "vitest";
import { normalizeCompletionText, tieIdenticalCompletions } from "@/lib/labeling/identical";

const C = [
  { id: 1, text: "Paris." },
  { id: 2, text: "  Paris.\n" },
  { id: 3, text: "Lyon is  the capital." },
  { id: 4, text: "Lyon is the\tcapital." },
  { id: 5, text: "paris." },
];

describe("identical completions", () => {
  it("compares texts after trimming and collapsing whitespace, case kept", () => {
    expect(normalizeCompletionText("  a \n\t b  ")).toBe("a b");
    expect(normalizeCompletionText("Paris.")).not.toBe(normalizeCompletionText("paris."));
  });

  it("moves identical completions into the best group any of them was placed in", () => {
    // 2 is placed below 3 and 5; it joins 1 at the top. 4 joins 3's group; emptied groups vanish.
    expect(tieIdenticalCompletions([[1], [3], [5], [2], [4]], C)).toEqual([[1, 2], [3, 4], [5]]);
    // The better one wins even when it is the second of the pair in the text list.
    expect(tieIdenticalCompletions([[4], [1], [3, 2], [5]], C)).toEqual([[4, 3], [1, 2], [5]]);
  });

  it("leaves a ranking that already ties them (or has none) unchanged", () => {
    expect(tieIdenticalCompletions([[1, 2], [3, 4], [5]], C)).toEqual([[1, 2], [3, 4], [5]]);
    const distinct = C.filter((c) => c.id === 1 || c.id === 3 || c.id === 5);
    expect(tieIdenticalCompletions([[5], [3], [1]], distinct)).toEqual([[5], [3], [1]]);
  });
});
