import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/ml/random";
import { coincidenceMatrix, krippendorffAlpha } from "@/lib/quality/krippendorff-alpha";

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders × 12 units, "." missing.
const EXAMPLE = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3", ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."].map((row) =>
  row.split(" ").map((v) => (v === "." ? null : Number(v))),
);

describe("Krippendorff's alpha", () => {
  it("reproduces the worked example: nominal 0.743, ordinal 0.815, interval 0.849", () => {
    expect(krippendorffAlpha(EXAMPLE, "nominal")).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(EXAMPLE, "ordinal")).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(EXAMPLE, "interval")).toBeCloseTo(0.849, 3);
  });

  it("builds the example's coincidence matrix: unit 12 (one value) dropped, marginals 9, 13, 10, 5, 3 of n = 40", () => {
    const { values, o } = coincidenceMatrix(EXAMPLE);
    expect(values).toEqual([1, 2, 3, 4, 5]);
    const marginals = values.map((_, c) => values.reduce((s, __, k) => s + o[c * 5 + k], 0));
    marginals.forEach((n, i) => expect(n).toBeCloseTo([9, 13, 10, 5, 3][i], 10));
    // The paper's first row: o_11 = 7, o_12 = 4/3 (units 6 and 8), o_13 = o_14 = 1/3 (unit 6).
    [7, 4 / 3, 1 / 3, 1 / 3, 0].forEach((v, k) => expect(o[k]).toBeCloseTo(v, 10));
    for (let c = 0; c < 5; c++) for (let k = 0; k < 5; k++) expect(o[c * 5 + k]).toBeCloseTo(o[k * 5 + c], 12);
  });

  it("is 1 under perfect agreement (with missing values) and undefined without variation or pairs", () => {
    const perfect = [
      [1, 2, 3, null, 5],
      [1, 2, 3, 4, 5],
      [null, 2, 3, 4, null],
    ];
    for (const metric of ["nominal", "ordinal", "interval"] as const) expect(krippendorffAlpha(perfect, metric)).toBe(1);
    expect(
      krippendorffAlpha(
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
        "interval",
      ),
    ).toBeNull();
    expect(
      krippendorffAlpha(
        [
          [1, null],
          [null, 2],
        ],
        "nominal",
      ),
    ).toBeNull();
  });

  it("is near 0 for independent coders and negative for systematic disagreement", () => {
    const random = mulberry32(7);
    const noise = [0, 1, 2].map(() => Array.from({ length: 3000 }, () => 1 + Math.floor(random() * 5)));
    for (const metric of ["nominal", "ordinal", "interval"] as const) expect(Math.abs(krippendorffAlpha(noise, metric)!)).toBeLessThan(0.03);
    const opposite = [
      [1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1],
    ];
    expect(krippendorffAlpha(opposite, "interval")).toBeLessThan(-0.5);
    expect(krippendorffAlpha(opposite, "ordinal")).toBeLessThan(-0.5);
  });
});
