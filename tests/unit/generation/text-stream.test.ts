// Incremental detokenization: pieces add up to the final text, never split a character, and
// never send what a stop string will cut. The decoder here is byte-level (one id = one UTF-8
// byte), the case that splits characters across tokens.
import { describe, expect, it } from "vitest";
import { stopPrefixLength, TextStream } from "@/lib/generation/text-stream";

const bytes = (text: string) => [...Buffer.from(text, "utf8")];
const decode = (ids: readonly number[]) => Buffer.from(ids).toString("utf8");

describe("TextStream", () => {
  it("sends whole characters only, and the pieces add up to the text", () => {
    const text = "héllo ✓ wörld 🙂!";
    const stream = new TextStream(decode);
    const pieces = bytes(text).map((id) => stream.push(id));
    expect(pieces.join("")).toBe(text);
    expect(pieces.some((p) => p.includes("\uFFFD"))).toBe(false);
    expect(pieces.filter((p) => p === "").length).toBe(bytes(text).length - [...text].length); // a 4-byte emoji waits 3 tokens
    expect(stream.finish(text)).toBe("");
  });

  it("holds back a tail that may become a stop string, and finish() sends the rest of the final text", () => {
    const stream = new TextStream(decode, ["STOP", "\n\n"]);
    let sent = "";
    for (const id of bytes("abc ST")) sent += stream.push(id);
    expect(sent).toBe("abc "); // "ST" may start "STOP"
    for (const id of bytes("ART ")) sent += stream.push(id);
    expect(sent).toBe("abc START "); // it did not
    for (const id of bytes("x\n")) sent += stream.push(id);
    expect(sent).toBe("abc START x");
    // the model then samples "\n" and generation cuts the text before "\n\n"
    sent += stream.finish("abc START x");
    expect(sent).toBe("abc START x");
  });

  it("finish() after a length stop sends the held-back tail", () => {
    const stream = new TextStream(decode, ["STOP"]);
    let sent = "";
    for (const id of bytes("go STO")) sent += stream.push(id);
    expect(sent).toBe("go ");
    expect(stream.finish("go STO")).toBe("STO");
  });

  it("stopPrefixLength is the longest suffix that is a proper prefix of a stop string", () => {
    expect(stopPrefixLength("abcST", ["STOP"])).toBe(2);
    expect(stopPrefixLength("abcSTOP", ["STOP"])).toBe(0);
    expect(stopPrefixLength("ab", ["b", "bc", "abcd"])).toBe(2);
    expect(stopPrefixLength("", ["x"])).toBe(0);
    expect(stopPrefixLength("aaa", [])).toBe(0);
  });
});
