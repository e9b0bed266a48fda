import { describe, expect, it } from "vitest";
import { addAgreement, agreementRate, pairAgreement } from "@/lib/simulate/agreement";

describe("pairwise agreement with the noise-free oracle", () => {
  it("counts only the pairs the oracle orders strictly", () => {
    // Scores: item 0 best, 1 and 2 tied, 3 worst → oracle pairs: 0>1, 0>2, 0>3, 1>3, 2>3 (5).
    const scores = [3, 2, 2, 1];
    expect(pairAgreement(scores, [[0], [1], [2], [3]])).toEqual({ pairs: 5, agreed: 5 });
    expect(pairAgreement(scores, [[0], [2], [1], [3]])).toEqual({ pairs: 5, agreed: 5 });
    expect(pairAgreement(scores, [[3], [2], [1], [0]])).toEqual({ pairs: 5, agreed: 0 });
    expect(pairAgreement(scores, [[1], [0], [2], [3]])).toEqual({ pairs: 5, agreed: 4 });
  });

  it("counts a submitted tie of an oracle-ordered pair as disagreement", () => {
    expect(pairAgreement([1, 0], [[0, 1]])).toEqual({ pairs: 1, agreed: 0 });
    expect(
      pairAgreement(
        [3, 2, 2, 1],
        [
          [0, 1],
          [2, 3],
        ],
      ),
    ).toEqual({ pairs: 5, agreed: 3 });
  });

  it("gives no pairs for an all-tied oracle, and a null rate", () => {
    const a = pairAgreement([0, 0, 0, 0], [[2], [0], [3], [1]]);
    expect(a).toEqual({ pairs: 0, agreed: 0 });
    expect(agreementRate(a)).toBeNull();
  });

  it("adds up over rankings", () => {
    const total = addAgreement(pairAgreement([1, 0], [[0], [1]]), pairAgreement([1, 0, 0], [[1], [0], [2]]));
    expect(total).toEqual({ pairs: 3, agreed: 2 });
    expect(agreementRate(total)).toBeCloseTo(2 / 3);
  });
});
