import { describe, expect, it } from "vitest";
import { lastNumber, numbersIn, parseNumber, sameNumber } from "@/lib/rewards/numbers";

const values = (text: string) => numbersIn(text).map((n) => n.value);

describe("numbersIn", () => {
  it.each<[string, number[]]>([
    ["72", [72]],
    ["The answer is 72.", [72]],
    ["1,000 apples", [1000]],
    ["1,000,000", [1_000_000]],
    ["1,2,3", [1, 2, 3]],
    ["12,5", [12, 5]],
    ["1000.0", [1000]],
    [".5 of it", [0.5]],
    ["3/4", [0.75]],
    ["1/0", []],
    ["-7", [-7]],
    ["\u22127", [-7]],
    ["\u20137 degrees", [-7]],
    ["+7", [7]],
    ["= -4", [-4]],
    ["3 - 7 = -4.", [3, 7, -4]],
    ["10 - 3", [10, 3]],
    ["10 -3", [10, 3]],
    ["10-4", [10, 4]],
    ["twelve", [12]],
    ["Twenty-One", [21]],
    ["twenty one", [21]],
    ["one hundred and five", [105]],
    ["three thousand four hundred and twelve", [3412]],
    ["nine hundred ninety-nine", [999]],
    ["two million", [2_000_000]],
    ["minus three", [-3]],
    ["negative twelve", [-12]],
    ["7 minus 3 is minus four", [7, 3, -4]],
    ["five six", [5, 6]],
    ["twenty twenty", [20, 20]],
    ["twenty twelve", [20, 12]],
    ["zero", [0]],
    ["zero one", [0, 1]],
    ["one hundred and", [100]],
    ["\uff11\uff12", [12]],
    ["3rd place, 2nd try", [3, 2]],
    ["no numbers here", []],
    ["", []],
  ])("%j → %j", (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it("keeps each number's text and position, sign included", () => {
    expect(numbersIn("x = -12 or minus five")).toEqual([
      { value: -12, text: "-12", start: 4, end: 7 },
      { value: -5, text: "minus five", start: 11, end: 21 },
    ]);
  });
});

describe("lastNumber", () => {
  it("is the last number in words or digits", () => {
    expect(lastNumber("7 + 5 is twelve")?.value).toBe(12);
    expect(lastNumber("twelve, or 13")?.value).toBe(13);
    expect(lastNumber("none")).toBeUndefined();
  });
});

describe("parseNumber", () => {
  it.each<[string, number | undefined]>([
    ["72", 72],
    [" 72 ", 72],
    ["$1,000.", 1000],
    ["50%", 50],
    ["\u22127", -7],
    ["-7", -7],
    ["twenty-one", 21],
    ["3/4", 0.75],
    ["72 apples", undefined],
    ["1 or 2", undefined],
    ["Paris", undefined],
    ["", undefined],
  ])("%j → %j", (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });
});

describe("sameNumber", () => {
  it("compares up to rounding only", () => {
    expect(sameNumber(1000, 1000.0)).toBe(true);
    expect(sameNumber(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameNumber(0.333, 1 / 3)).toBe(false);
    expect(sameNumber(-7, 7)).toBe(false);
    expect(sameNumber(1e12, 1e12 + 1)).toBe(true);
    expect(sameNumber(72, 73)).toBe(false);
  });
});
