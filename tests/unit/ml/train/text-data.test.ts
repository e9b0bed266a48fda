import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonlTexts, readTextCorpus } from "@/lib/ml/train/text-corpus";
import { TokenWindows, tokenStream } from "@/lib/ml/train/token-windows";

describe("readTextCorpus", () => {
  const dir = mkdtempSync(join(tmpdir(), "palate-corpus-"));
  it("reads plain text as one document", () => {
    const f = join(dir, "a.txt");
    writeFileSync(f, "hello\nworld\n");
    expect(readTextCorpus(f)).toEqual(["hello\nworld\n"]);
  });
  it("reads JSONL by its first line, one document per line", () => {
    const f = join(dir, "b.data");
    writeFileSync(f, '{"text":"one"}\n\n{"text":"two","id":3}\n');
    expect(readTextCorpus(f)).toEqual(["one", "two"]);
  });
  it("names the line of a bad JSONL record", () => {
    expect(() => parseJsonlTexts('{"text":"ok"}\n{"txt":"no"}\n', "x.jsonl")).toThrow("x.jsonl:2");
    expect(() => parseJsonlTexts('{"text":"ok"}\n{bad\n', "x.jsonl")).toThrow("x.jsonl:2");
  });
});

describe("TokenWindows", () => {
  it("joins documents with EOS and samples aligned input/label windows", () => {
    const stream = tokenStream(
      [
        [1, 2, 3],
        [4, 5],
      ],
      0,
    );
    expect([...stream]).toEqual([1, 2, 3, 0, 4, 5, 0]);
    const w = new TokenWindows(stream, 3);
    let i = 0;
    const draws = [0, 0.999];
    const batch = w.sample(2, () => draws[i++]);
    expect(batch.seqLen).toBe(3);
    expect([...batch.inputIds].map(Number)).toEqual([1, 2, 3, 0, 4, 5]);
    expect([...batch.labels].map(Number)).toEqual([2, 3, 0, 4, 5, 0]);
  });
  it("shrinks the window to a short stream", () => {
    const w = new TokenWindows(Int32Array.from([7, 8, 9]), 16);
    expect(w.seqLen).toBe(2);
    const b = w.sample(1, () => 0.5);
    expect([...b.inputIds].map(Number)).toEqual([7, 8]);
    expect([...b.labels].map(Number)).toEqual([8, 9]);
  });
});
