import { describe, expect, it } from "vitest";
import { trainBpe } from "@/lib/ml/tokenizer/train-bpe";
import { validateBpeModel } from "@/lib/ml/tokenizer/bpe-model";
import { DEFAULT_SPECIAL_TOKENS } from "@/lib/ml/tokenizer/special-tokens";
import { repeatedCorpus } from "./corpus";

function docs(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([w, n]) => Array<string>(n).fill(w));
}

describe("trainBpe", () => {
  it("merges the most frequent pair first, breaking ties by the smaller (left id, right id)", () => {
    // Sennrich et al.'s example: pairs e-s and s-t both occur 9 times; then l-o and o-w 7 times.
    const model = trainBpe(docs({ low: 5, lower: 2, newest: 6, widest: 3 }), { vocabSize: 5 + 256 + 5, specialTokens: DEFAULT_SPECIAL_TOKENS });
    expect(model.merges).toEqual([
      ["e", "s"],
      ["es", "t"],
      ["l", "o"],
      ["lo", "w"],
      ["e", "w"],
    ]);
    expect(model.vocab.slice(261)).toEqual(["es", "est", "lo", "low", "ew"]);
  });

  it("lays out special tokens first, then the 256 bytes, then merges, and reaches the vocab size", () => {
    const model = trainBpe(repeatedCorpus(), { vocabSize: 400 });
    expect(model.vocab.length).toBe(400);
    expect(model.vocab.slice(0, 5)).toEqual([...DEFAULT_SPECIAL_TOKENS]);
    expect(model.vocab[5 + 0x20]).toBe("Ġ");
    expect(model.vocab[5 + 0x61]).toBe("a");
    expect(model.specialTokens).toEqual([...DEFAULT_SPECIAL_TOKENS]);
    validateBpeModel(model);
  });

  it("never learns merges across or inside special tokens", () => {
    const corpus = Array<string>(50).fill("<|endoftext|><|user|>ab<|end|>");
    const model = trainBpe(corpus, { vocabSize: 300 });
    expect(model.merges).toEqual([["a", "b"]]);
  });

  it("is deterministic and independent of document order", () => {
    const corpus = repeatedCorpus();
    const a = trainBpe(corpus, { vocabSize: 350 });
    const b = trainBpe([...corpus].reverse(), { vocabSize: 350 });
    expect(b).toEqual(a);
  });

  it("stops when the best pair is rarer than minFrequency", () => {
    const model = trainBpe(["abab", "cd"], { vocabSize: 1000, minFrequency: 2 });
    expect(model.merges).toEqual([["a", "b"]]);
    const all = trainBpe(["abab", "cd"], { vocabSize: 1000, minFrequency: 1 });
    expect(all.merges.map((m) => m.join("+"))).toEqual(["a+b", "c+d", "ab+ab"]); // after a+b, c-d and ab-ab tie at 1: c has the smaller id;
  });

  it("keeps the merge counts right when a pair overlaps itself (aaaa)", () => {
    // "aaaa" x3: a-a counts 3 per word but merges non-overlapping → "aa aa" then "aaaa".
    const model = trainBpe(["aaaa", "aaaa", "aaaa"], { vocabSize: 1000, minFrequency: 2 });
    expect(model.merges).toEqual([
      ["a", "a"],
      ["aa", "aa"],
    ]);
  });

  it("rejects a vocab size smaller than the base alphabet", () => {
    expect(() => trainBpe(["x"], { vocabSize: 100 })).toThrow(/vocabSize/);
  });
});
