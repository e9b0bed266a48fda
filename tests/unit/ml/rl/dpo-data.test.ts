// DPO's data side: every pair a ranking implies with its weight, the run's static shape and its
// truncation, and the batch layout (chosen rows, then rejected rows; empty rows weigh 0).
import { describe, expect, it } from "vitest";
import { dpoShape, makeDpoBatch, pairsOfExample, refLogpsFeed, type EncodedPair } from "@/lib/ml/rl/dpo-data";
import type { RankingExample } from "@/lib/ml/rl/reward-data";

const prompt = [{ role: "user" as const, content: "q" }];

describe("pairsOfExample", () => {
  it("gives every pair of a ranking, ties none", () => {
    const e: RankingExample = { promptKey: "q", prompt, completions: ["a", "b", "c", "d"], groups: [[2], [0, 3], [1]] };
    const pairs = pairsOfExample(e).map((p) => `${p.chosen}>${p.rejected}:${p.weight}`);
    expect(pairs.sort()).toEqual(["a>b:1", "c>a:1", "c>b:1", "c>d:1", "d>b:1"]);
  });

  it("weights a pair by the rankings that imply it, and keeps both sides of a disagreement", () => {
    const e: RankingExample = {
      promptKey: "q",
      prompt,
      completions: ["a", "b", "c"],
      groups: [],
      preferences: [
        [0, 2, 1],
        [0, 0, 0],
        [1, 0, 0],
      ],
    };
    expect(pairsOfExample(e).map((p) => [p.chosen, p.rejected, p.weight])).toEqual([
      ["a", "b", 2],
      ["a", "c", 1],
      ["c", "a", 1],
    ]);
  });
});

const pair = (prompt: number, chosen: number, rejected: number, weight = 1): EncodedPair => ({
  prompt: Array.from({ length: prompt }, (_, i) => 100 + i),
  chosen: Array.from({ length: chosen }, (_, i) => 200 + i),
  rejected: Array.from({ length: rejected }, (_, i) => 300 + i),
  weight,
});

describe("dpoShape", () => {
  it("takes the longest prompt and completion, within maxPromptLength, maxLength and the context", () => {
    expect(dpoShape([pair(5, 3, 7), pair(2, 4, 1)], { maxLength: 64, maxPromptLength: 32, nPositions: 64 })).toEqual({
      shape: { promptLength: 5, responseLength: 7 },
      truncatedPrompts: 0,
      truncatedCompletions: 0,
    });
    // Prompts cut to 4, completions to 10 − 4 = 6.
    expect(dpoShape([pair(9, 3, 8), pair(2, 7, 1)], { maxLength: 64, maxPromptLength: 4, nPositions: 10 })).toEqual({
      shape: { promptLength: 4, responseLength: 6 },
      truncatedPrompts: 1,
      truncatedCompletions: 2,
    });
  });
});

describe("makeDpoBatch", () => {
  it("lays chosen rows before rejected rows, prompts left-padded and cut from the start, completions cut at the end", () => {
    const shape = { promptLength: 3, responseLength: 2 };
    const { batch, weights, count } = makeDpoBatch([pair(4, 1, 3, 2)], 2, shape, 0);
    expect(count).toBe(1);
    expect(Array.from(weights)).toEqual([2, 0]);
    const T = 5;
    const row = (r: number) => Array.from(batch.inputIds.subarray(r * T, (r + 1) * T), Number);
    expect(row(0)).toEqual([101, 102, 103, 200, 0]); // chosen: last 3 prompt tokens, then the completion
    expect(row(2)).toEqual([101, 102, 103, 300, 301]); // rejected, cut to R = 2
    expect(Array.from(batch.mask)).toEqual([1, 0, /**/ 0, 0, /**/ 1, 1, /**/ 0, 0]);
    expect(() => makeDpoBatch([pair(1, 1, 1), pair(1, 1, 1), pair(1, 1, 1)], 2, shape, 0)).toThrow(/3 pairs for a batch of 2/);
  });

  it("lays the reference log-probabilities out as the rows", () => {
    const feed = refLogpsFeed(Float32Array.from([-1, -2, -3]), Float32Array.from([-4, -5, -6]), [2, 0], 3);
    expect(Array.from(feed)).toEqual([-3, -1, 0, -6, -4, 0]);
  });
});
