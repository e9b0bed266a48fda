// Mixing SFT sources at chosen shares (lib/sft/mix.ts), the split by prompt before the mix
// (lib/sft/training-set.ts sftTrainingSet) and the step count of a run (train-sft.ts).
import { describe, expect, it } from "vitest";
import { checkMixRatios, mixExamples, mixSizes, parseMixSpec } from "@/lib/sft/mix";
import { packedRowCount, sftTotalSteps, type SftExample } from "@/lib/sft/train-sft";
import { sftTrainingSet, type SourceData } from "@/lib/sft/training-set";

describe("parseMixSpec", () => {
  it("reads FILE:RATIO, the ratio after the last colon", () => {
    expect(parseMixSpec("kept.jsonl:0.25")).toEqual({ file: "kept.jsonl", ratio: 0.25 });
    expect(parseMixSpec("C:/data/kept.jsonl:0.5")).toEqual({ file: "C:/data/kept.jsonl", ratio: 0.5 });
  });
  it("names what is wrong", () => {
    expect(() => parseMixSpec("kept.jsonl")).toThrow(/expected FILE:RATIO/);
    expect(() => parseMixSpec("kept.jsonl:")).toThrow(/expected FILE:RATIO/);
    expect(() => parseMixSpec(":0.5")).toThrow(/expected FILE:RATIO/);
    expect(() => parseMixSpec("kept.jsonl:1")).toThrow(/between 0 and 1/);
    expect(() => parseMixSpec("kept.jsonl:0")).toThrow(/between 0 and 1/);
    expect(() => parseMixSpec("kept.jsonl:half")).toThrow(/got "half"/);
  });
});

describe("mixSizes", () => {
  it("uses the primary source whole and gives each part its share of the total", () => {
    expect(mixSizes(300, [0.25])).toEqual({ total: 400, parts: [100] });
    expect(mixSizes(100, [0.5])).toEqual({ total: 200, parts: [100] });
    expect(mixSizes(60, [0.2, 0.2])).toEqual({ total: 100, parts: [20, 20] });
    expect(mixSizes(10, [])).toEqual({ total: 10, parts: [] });
  });
  it("refuses ratios that leave the primary source nothing", () => {
    expect(checkMixRatios([0.5, 0.5])).toMatch(/add up to 1/);
    expect(checkMixRatios([1.2])).toMatch(/between 0 and 1/);
    expect(checkMixRatios([0.3, 0.3])).toBeNull();
    expect(() => mixSizes(10, [0.7, 0.4])).toThrow(/add up to 1.1/);
  });
});

describe("mixExamples", () => {
  const primary = Array.from({ length: 30 }, (_, i) => `p${i}`);
  it("keeps every primary example once and draws each part to its share, upsampling a short part", () => {
    const small = ["a", "b", "c", "d"];
    const mixed = mixExamples("demos", primary, [{ name: "kept.jsonl", ratio: 0.4, examples: small }], 7);
    expect(mixed.examples).toHaveLength(50);
    expect(mixed.examples.filter((e) => e.startsWith("p")).sort()).toEqual([...primary].sort());
    const drawn = mixed.examples.filter((e) => !e.startsWith("p"));
    expect(drawn).toHaveLength(20);
    // 20 of 4: five whole passes, each example exactly five times.
    for (const e of small) expect(drawn.filter((d) => d === e)).toHaveLength(5);
    expect(mixed.counts).toEqual([
      { name: "demos", available: 30, used: 30, share: 0.6 },
      { name: "kept.jsonl", available: 4, used: 20, share: 0.4 },
    ]);
  });
  it("draws a long part without repeats, the same way for the same seed and another way for another", () => {
    const big = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const a = mixExamples("demos", primary, [{ name: "k", ratio: 0.25, examples: big }], 1);
    const drawn = a.examples.filter((e) => e.startsWith("k"));
    expect(drawn).toHaveLength(10);
    expect(new Set(drawn).size).toBe(10);
    expect(mixExamples("demos", primary, [{ name: "k", ratio: 0.25, examples: big }], 1).examples).toEqual(a.examples);
    expect(mixExamples("demos", primary, [{ name: "k", ratio: 0.25, examples: big }], 2).examples).not.toEqual(a.examples);
  });
  it("names an empty source", () => {
    expect(() => mixExamples("demos", [], [{ name: "k", ratio: 0.5, examples: ["x"] }], 0)).toThrow(/demos has no demonstrations to mix with/);
    expect(() => mixExamples("demos", primary, [{ name: "k.jsonl", ratio: 0.5, examples: [] }], 0)).toThrow(/k.jsonl has no demonstrations to mix in/);
  });
});

describe("sftTrainingSet", () => {
  const ex = (q: string, a: string): SftExample => {
    const prompt = [{ role: "user" as const, content: q }];
    return { promptKey: JSON.stringify(prompt), prompt, answer: a, reference: null };
  };
  const source = (examples: SftExample[], heldOutKeys: string[] | null = null): SourceData => ({
    examples,
    heldOutKeys,
    source: { kind: "demonstrations", selection: "submitted", demonstrations: examples.length, hash: "h" },
    description: "d",
  });

  it("holds prompts out across every source, then mixes the training side only", () => {
    const demos = Array.from({ length: 20 }, (_, i) => ex(`q${i}`, `demo ${i}`));
    // The kept file answers some of the same prompts: a held-out prompt leaves both sides' answers out of training.
    const kept = Array.from({ length: 10 }, (_, i) => ex(`q${i * 2}`, `kept ${i}`));
    const set = sftTrainingSet(source(demos), [{ file: "kept.jsonl", ratio: 0.2, examples: kept, hash: "k" }], 0.2, 3);
    const heldKeys = new Set(set.eval.map((e) => e.promptKey));
    expect(heldKeys.size).toBe(4); // round(0.2 × 20 distinct prompts)
    for (const e of set.train) expect(heldKeys.has(e.promptKey)).toBe(false);
    expect(set.eval.filter((e) => e.answer.startsWith("demo"))).toHaveLength(4);
    const trainDemos = set.train.filter((e) => e.answer.startsWith("demo"));
    expect(trainDemos).toHaveLength(16);
    expect(set.train.filter((e) => e.answer.startsWith("kept"))).toHaveLength(4); // 0.2 of 20
    expect(set.counts.map((c) => c.name)).toEqual(["submitted demonstrations", "kept.jsonl"]);
  });

  it("holds out exactly a snapshot's test prompts", () => {
    const demos = Array.from({ length: 6 }, (_, i) => ex(`q${i}`, `demo ${i}`));
    const set = sftTrainingSet(source(demos, [demos[1].promptKey, demos[4].promptKey]), [], 0.5, 0);
    expect(set.eval.map((e) => e.answer)).toEqual(["demo 1", "demo 4"]);
    expect(set.train).toHaveLength(4);
  });
});

describe("steps of a run", () => {
  it("packs whole demonstrations greedily, a longer one alone", () => {
    expect(packedRowCount([10, 10, 10], 25)).toBe(2);
    expect(packedRowCount([25, 1], 25)).toBe(2);
    expect(packedRowCount([40, 5, 5], 25)).toBe(2);
    expect(packedRowCount([], 25)).toBe(0);
  });
  it("counts epochs over the rows, or takes maxSteps", () => {
    expect(sftTotalSteps({ maxSteps: 0, epochs: 3, batchSize: 8 }, 20)).toBe(8);
    expect(sftTotalSteps({ maxSteps: 5, epochs: 3, batchSize: 8 }, 20)).toBe(5);
    expect(sftTotalSteps({ maxSteps: 0, epochs: 0.1, batchSize: 8 }, 2)).toBe(1);
  });
});
