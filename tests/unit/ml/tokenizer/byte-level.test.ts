import { describe, expect, it } from "vitest";
import { BYTE_TO_UNICODE, UNICODE_TO_BYTE, fromByteLevel, splitPreTokens, toByteLevel } from "@/lib/ml/tokenizer/byte-level";

describe("byte-level mapping", () => {
  it("maps the 256 bytes to 256 distinct printable characters, as GPT-2 does", () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(UNICODE_TO_BYTE.size).toBe(256);
    for (const c of BYTE_TO_UNICODE) expect(c).toMatch(/^\S$/u);
    expect(BYTE_TO_UNICODE[0x20]).toBe("Ġ");
    expect(BYTE_TO_UNICODE[0x0a]).toBe("Ċ");
    expect(BYTE_TO_UNICODE[0x09]).toBe("ĉ");
    expect(BYTE_TO_UNICODE[0x41]).toBe("A");
    expect(BYTE_TO_UNICODE[0x00]).toBe("Ā");
    expect(BYTE_TO_UNICODE[0xad]).toBe("Ń");
  });

  it("round-trips UTF-8 through byte-level characters", () => {
    const text = "héllo 🙂\n\t日本";
    const chars = toByteLevel(text);
    expect(chars.length).toBe(new TextEncoder().encode(text).length);
    expect(new TextDecoder().decode(fromByteLevel(chars))).toBe(text);
    expect(() => fromByteLevel("€")).toThrow(/not a byte-level symbol/);
  });
});

describe("GPT-2 pre-tokenization", () => {
  it("splits words with their leading space, contractions, numbers, punctuation and whitespace runs", () => {
    expect(splitPreTokens("Hello world's  end!!\n\n x")).toEqual(["Hello", " world", "'s", " ", " end", "!!", "\n\n", " x"]);
    expect(splitPreTokens("I'll pay 42 dollars")).toEqual(["I", "'ll", " pay", " 42", " dollars"]);
    expect(splitPreTokens("   ")).toEqual(["   "]);
    expect(splitPreTokens("a   b")).toEqual(["a", "  ", " b"]);
    expect(splitPreTokens("")).toEqual([]);
  });
});
