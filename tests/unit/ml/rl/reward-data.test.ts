import { describe, expect, it } from "vitest";
import {
  batchShape,
  encodeCompletion,
  encodeRankings,
  makeRankingBatch,
  pairCount,
  pairMatrix,
  splitByPrompt,
  trainingSetHash,
  validateRankingExample,
  type RankingExample,
} from "@/lib/ml/rl/reward-data";
import { loadModelDir } from "@/lib/ml/io";
import { syntheticRankings, tinyLmDir } from "./reward-fixtures";

describe("reward data", () => {
  it("encodes prompt + completion in the chat template ending in <|end|>, cut from the start", async () => {
    const { tokenizer } = await loadModelDir(await tinyLmDir());
    const prompt = [{ role: "user" as const, content: "Say something about item 3." }];
    const full = encodeCompletion(tokenizer!, prompt, "red apple.", 1000);
    expect(full[0]).toBe(tokenizer!.tokenToId("<|user|>"));
    expect(full.at(-1)).toBe(tokenizer!.tokenToId("<|end|>"));
    expect(full).toContain(tokenizer!.tokenToId("<|assistant|>"));
    expect(full).not.toContain(0);
    const cut = encodeCompletion(tokenizer!, prompt, "red apple.", 5);
    expect(cut).toEqual(full.slice(full.length - 5));
  });

  it("splits by prompt deterministically, never putting a prompt on both sides", () => {
    const base = syntheticRankings(40, 3, 1);
    const examples = [...base, ...base.map((e) => ({ ...e, id: `${e.id}-b` }))]; // two rankings per prompt
    const a = splitByPrompt(examples, 0.25, 7);
    const b = splitByPrompt(examples, 0.25, 7);
    expect(a).toEqual(b);
    const trainKeys = new Set(a.train.map((e) => e.promptKey));
    const evalKeys = new Set(a.eval.map((e) => e.promptKey));
    expect(evalKeys.size).toBe(10);
    expect([...evalKeys].filter((k) => trainKeys.has(k))).toEqual([]);
    expect(a.train.length + a.eval.length).toBe(examples.length);
    expect(splitByPrompt(examples, 0.25, 8).eval).not.toEqual(a.eval);
    expect(splitByPrompt(examples, 0, 7).eval).toEqual([]);
    expect(splitByPrompt(examples.slice(0, 1), 0.5, 7).eval).toEqual([]); // one prompt: nothing to hold out
  });

  it("hashes the exact examples", () => {
    const ex = syntheticRankings(5, 3, 1);
    const h = trainingSetHash(ex);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(trainingSetHash(structuredClone(ex))).toBe(h);
    const changed = structuredClone(ex);
    changed[2].groups = [...changed[2].groups].reverse();
    expect(trainingSetHash(changed)).not.toBe(h);
    expect(trainingSetHash(ex.slice(1))).not.toBe(h);
  });

  it("takes pair counts from preferences when given, else from groups", () => {
    const e: RankingExample = { promptKey: "p", prompt: [], completions: ["a", "b", "c"], groups: [[1], [0, 2]] };
    expect(Array.from(pairMatrix(e))).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 0]);
    expect(pairCount(e)).toBe(2);
    const merged = {
      ...e,
      preferences: [
        [0, 2, 1],
        [1, 0, 3],
        [0, 0, 0],
      ],
    };
    expect(Array.from(pairMatrix(merged))).toEqual([0, 2, 1, 1, 0, 3, 0, 0, 0]);
    expect(pairCount(merged)).toBe(7);
    expect(pairCount({ ...e, groups: [[0, 1, 2]] })).toBe(0);
  });

  it("rejects malformed examples, naming them", () => {
    const e: RankingExample = { promptKey: "p", prompt: [], completions: ["a", "b"], groups: [[0], [1]], id: "t9" };
    expect(() => validateRankingExample({ ...e, completions: ["a"] }, 3)).toThrow(/example 3 \(id t9\).*at least 2/);
    expect(() => validateRankingExample({ ...e, groups: [[0], [2]] }, 0)).toThrow(/index 2/);
    expect(() => validateRankingExample({ ...e, groups: [[0], [0]] }, 0)).toThrow(/twice/);
    expect(() => validateRankingExample({ ...e, preferences: [[0, 1]] }, 0)).toThrow(/2×2/);
    expect(() =>
      validateRankingExample(
        {
          ...e,
          preferences: [
            [0, -1],
            [0, 0],
          ],
        },
        0,
      ),
    ).toThrow(/≥ 0/);
  });

  it("batches with static shapes: dummy completions and empty rows take part in nothing", async () => {
    const { tokenizer } = await loadModelDir(await tinyLmDir());
    const ex: RankingExample[] = [
      { promptKey: "a", prompt: [{ role: "user", content: "item 1" }], completions: ["red.", "blue stone river.", "apple."], groups: [[2], [0, 1]] },
      { promptKey: "b", prompt: [{ role: "user", content: "item 2" }], completions: ["north.", "apple light."], groups: [[1], [0]] },
    ];
    const enc = encodeRankings(tokenizer!, ex, 64);
    const { k, seqLen } = batchShape(enc, 64);
    expect(k).toBe(3);
    const longest = Math.max(...enc.flatMap((r) => r.sequences.map((s) => s.length)));
    expect(seqLen).toBe(Math.ceil(longest / 8) * 8);
    expect(batchShape(enc, 6).seqLen).toBe(6);

    const b = makeRankingBatch(enc, { batchSize: 3, k, seqLen });
    expect(b.count).toBe(2);
    expect(Array.from(b.valid)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // Row 1, completion 2 is a dummy: all padding, no last token, no pairs.
    const dummy = (1 * 3 + 2) * seqLen;
    expect(Array.from(b.inputIds.subarray(dummy, dummy + seqLen), Number).every((x) => x === 0)).toBe(true);
    expect(b.lastTokenMask.subarray(dummy, dummy + seqLen).every((x) => x === 0)).toBe(true);
    // Pairs: ranking 0 → 2 over 0 and 1; ranking 1 → 1 over 0 (in its 3×3 block).
    const p = Array.from(b.preferences);
    expect(p.slice(0, 9)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 0]);
    expect(p.slice(9, 18)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(p.slice(18).every((x) => x === 0)).toBe(true);
    // Each real sequence: its ids then padding, one-hot at its last token.
    enc[0].sequences.forEach((s, i) => {
      const row = i * seqLen;
      expect(Array.from(b.inputIds.subarray(row, row + s.length), Number)).toEqual(s);
      expect(b.lastTokenMask[row + s.length - 1]).toBe(1);
      expect(b.lastTokenMask.subarray(row, row + seqLen).reduce((x, y) => x + y, 0)).toBe(1);
    });
  });
});
