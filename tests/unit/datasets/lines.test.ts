import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileLines, LineSplitter, streamLines, type Line } from "@/lib/datasets/lines";

const bytes = (s: string) => new TextEncoder().encode(s);

function splitAll(chunks: Uint8Array[], max?: number): Line[] {
  const s = new LineSplitter(max);
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
}

describe("LineSplitter", () => {
  it("numbers every line from 1, blank lines included, with or without a final newline", () => {
    expect(splitAll([bytes("a\n\nb")])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "" },
      { line: 3, text: "b" },
    ]);
    expect(splitAll([bytes("a\nb\n")])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
    ]);
    expect(splitAll([])).toEqual([]);
  });

  it("joins lines split across chunks, also inside a multi-byte character", () => {
    const all = bytes('{"x":"é€😀"}\n{"y":1}\n');
    for (let cut = 1; cut < all.length; cut++) {
      expect(splitAll([all.slice(0, cut), all.slice(cut)])).toEqual([
        { line: 1, text: '{"x":"é€😀"}' },
        { line: 2, text: '{"y":1}' },
      ]);
    }
  });

  it("strips CRLF line ends and a byte-order mark on the first line only", () => {
    expect(splitAll([bytes("\uFEFFa\r\n\uFEFFb\r\n")])).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "\uFEFFb" },
    ]);
  });

  it("reports invalid UTF-8 on its own line and carries on", () => {
    const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const lines = splitAll([bytes("ok\n"), bad, bytes("\n"), new Uint8Array([0xc3]), bytes("\nfine")]);
    expect(lines).toEqual([
      { line: 1, text: "ok" },
      { line: 2, error: "invalid UTF-8" },
      { line: 3, error: "invalid UTF-8" }, // a truncated two-byte sequence
      { line: 4, text: "fine" },
    ]);
  });

  it("reports a line over the length limit without keeping it, and the next line is read normally", () => {
    const lines = splitAll([bytes("0123"), bytes("456789\nshort\n")], 8);
    expect(lines).toEqual([
      { line: 1, error: "line is longer than 8 bytes" },
      { line: 2, text: "short" },
    ]);
    // The same when the long line lies whole inside one chunk; exactly the limit is fine.
    expect(splitAll([bytes("0123456789\n01234567\nshort\n")], 8)).toEqual([
      { line: 1, error: "line is longer than 8 bytes" },
      { line: 2, text: "01234567" },
      { line: 3, text: "short" },
    ]);
  });

  it("does not keep a reference to the caller's buffer", () => {
    const s = new LineSplitter();
    const buf = bytes("abc");
    s.push(buf);
    buf.set(bytes("xyz"));
    expect(s.end()).toEqual([{ line: 1, text: "abc" }]);
  });
});

describe("fileLines and streamLines", () => {
  it("read the same lines from a file and from a stream of odd-sized chunks", async () => {
    const dir = mkdtempSync(join(tmpdir(), "palate-lines-"));
    try {
      const text = Array.from({ length: 500 }, (_, i) => `{"i":${i},"s":"ü${"x".repeat(i % 37)}"}`).join("\n") + "\n";
      const path = join(dir, "f.jsonl");
      writeFileSync(path, text);
      const fromFile = [...fileLines(path, 97)];
      const all = bytes(text);
      async function* chunks() {
        for (let i = 0; i < all.length; i += 61) yield all.slice(i, i + 61);
      }
      const fromStream: Line[] = [];
      for await (const l of streamLines(chunks())) fromStream.push(l);
      expect(fromFile).toHaveLength(500);
      expect(fromStream).toEqual(fromFile);
      expect(fromFile[499]).toEqual({ line: 500, text: `{"i":499,"s":"ü${"x".repeat(499 % 37)}"}` });

      const web = new Blob([all]).stream();
      const fromWeb: Line[] = [];
      for await (const l of streamLines(web)) fromWeb.push(l);
      expect(fromWeb).toEqual(fromFile);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
