import { describe, expect, it } from "vitest";
import { rankingPairs } from "@/lib/labeling/pairs";

const short = (pairs: { chosen: string; rejected: string }[]) => pairs.map((p) => p.chosen + ">" + p.rejected);

describe("rankingPairs", () => {
  const groups = [["a"], ["b", "c"], ["d"]]; // a > b = c > d

  it("all: every pair across groups, ties give none", () => {
    expect(short(rankingPairs(groups, "all"))).toEqual(["a>b", "a>c", "a>d", "b>d", "c>d"]);
  });

  it("best-vs-rest: the top group against each lower group", () => {
    expect(short(rankingPairs(groups, "best-vs-rest"))).toEqual(["a>b", "a>c", "a>d"]);
  });

  it("adjacent: neighbouring groups only", () => {
    expect(short(rankingPairs(groups, "adjacent"))).toEqual(["a>b", "a>c", "b>d", "c>d"]);
  });

  it("a strict order of K items gives K choose 2 pairs; one group gives none", () => {
    expect(rankingPairs([[1], [2], [3], [4]], "all")).toHaveLength(6);
    expect(rankingPairs([[1, 2, 3]], "all")).toHaveLength(0);
  });

  it("records group indices", () => {
    expect(rankingPairs(groups, "all")[3]).toMatchObject({ chosen: "b", rejected: "d", chosenGroup: 1, rejectedGroup: 2 });
  });
});
