// jsonString is JSON.stringify for strings, fast path or not: every UTF-16 code unit alone, every
// escape next to plain text, surrogate pairs and lone surrogates, and random mixes of them.
import { describe, expect, it } from "vitest";
import { jsonString } from "@/lib/datasets/json-text";

describe("jsonString", () => {
  it("writes every single UTF-16 code unit as JSON.stringify does", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const s = String.fromCharCode(code);
      if (jsonString(s) !== JSON.stringify(s)) expect(jsonString(s), `U+${code.toString(16)}`).toBe(JSON.stringify(s));
    }
  });

  it("writes plain text between quotes and escapes what JSON escapes, wherever it is", () => {
    expect(jsonString("plain words, é and 漢字")).toBe('"plain words, é and 漢字"');
    expect(jsonString("")).toBe('""');
    for (const special of ['"', "\\", "\n", "\t", "\u0000", "\u001f", "\ud83d\ude00", "\ud800", "\udfff", "\u2028", "\u007f"]) {
      for (const s of [special, `a${special}`, `${special}b`, `a${special}b${special}`]) expect(jsonString(s)).toBe(JSON.stringify(s));
    }
  });

  it("agrees with JSON.stringify on random mixes", () => {
    const pieces = ["plain", " ", '"', "\\", "\n", "\r\n", "\b\f", "\u0001", "😀", "\ud83d", "\ude00", "é", "\u2029", "/", "</script>"];
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 3000; n++) {
      const s = Array.from({ length: Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join("");
      expect(jsonString(s)).toBe(JSON.stringify(s));
    }
  });
});
