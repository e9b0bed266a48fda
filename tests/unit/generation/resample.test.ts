// Distinct completions from real sources: the engine over a tiny model directory, and the same
// model behind the OpenAI-compatible server read by OpenAiSource. One-token completions with a
// small top-k make duplicates certain in the first draw: top-k 6 leaves room to fill K = 4
// distinct texts by resampling, top-k 2 cannot (at most two texts exist).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionKey } from "@/lib/generation/distinct";
import { samplingSchema } from "@/lib/generation/job-params";
import { OpenAiSource } from "@/lib/generation/openai-source";
import { startOpenAiServer, type OpenAiServer } from "@/lib/generation/openai-server";
import { PalateSource } from "@/lib/generation/palate-source";
import { resampleSeed, sampleDistinct } from "@/lib/generation/run-generation";
import type { CompletionSource } from "@/lib/generation/source";
import { makeTinyModel } from "./tiny-model";

const prompts = Array.from({ length: 6 }, (_, i) => [{ role: "user" as const, content: `Question ${i}: name a color.` }]);
const distinct = (texts: { text: string }[]) => new Set(texts.map((t) => completionKey(t.text))).size;

describe("sampleDistinct", () => {
  let engine: PalateSource;
  let server: OpenAiServer;
  let endpoint: OpenAiSource;
  beforeAll(async () => {
    const dir = await makeTinyModel();
    engine = await PalateSource.open(dir, "tiny");
    server = await startOpenAiServer({ dir, port: 0, name: "tiny" });
    endpoint = new OpenAiSource({ baseUrl: server.url, remoteModel: "tiny", modelName: "tiny-http" });
  });
  afterAll(async () => {
    await engine.close();
    await server.close();
  });

  const sourceOf = (name: "engine" | "endpoint"): CompletionSource => (name === "engine" ? engine : endpoint);

  it.each(["engine", "endpoint"] as const)("resamples duplicates until each prompt has K distinct completions (%s)", async (name) => {
    const source = sourceOf(name);
    const sampling = samplingSchema.parse({ k: 4, topK: 6, maxTokens: 1, seed: 5 });
    const first = await source.generate(prompts, sampling);
    const duplicated = first.filter((list) => distinct(list) < 4).length;
    expect(duplicated).toBeGreaterThan(0); // the first draw repeats texts

    const result = await sampleDistinct(prompts, [{ source, k: 4, seed: 5 }], sampling, 4);
    expect(result.duplicates).toBe(first.reduce((n, list) => n + list.length - distinct(list), 0));
    expect(result.resampled).toBe(result.duplicates);
    expect(result.rounds).toBeGreaterThan(0);
    for (const list of result.completions) {
      expect(list).toHaveLength(4);
      expect(distinct(list)).toBe(4);
      for (const c of list) expect(c.model).toBe(source.modelName);
    }
    // The first draw's distinct texts are kept, in order, before any resampled one.
    const firstKept = first[0].filter((c, i) => first[0].findIndex((d) => completionKey(d.text) === completionKey(c.text)) === i).map((c) => c.text);
    expect(result.completions[0].slice(0, firstKept.length).map((c) => c.text)).toEqual(firstKept);
    expect(result.sampled.length).toBeGreaterThan(4 * prompts.length);
    // Reproducible: the same seed resamples the same texts.
    const again = await sampleDistinct(prompts, [{ source, k: 4, seed: 5 }], sampling, 4);
    expect(again.completions.map((l) => l.map((c) => c.text))).toEqual(result.completions.map((l) => l.map((c) => c.text)));
  });

  it.each(["engine", "endpoint"] as const)("reports what the budget could not fill, and never keeps two equal texts (%s)", async (name) => {
    const source = sourceOf(name);
    const sampling = samplingSchema.parse({ k: 4, topK: 2, maxTokens: 1, seed: 5 });
    const result = await sampleDistinct(prompts, [{ source, k: 4, seed: 5 }], sampling, 3);
    expect(result.rounds).toBe(3);
    // Per round, each prompt still short was sampled again (K each).
    expect(result.sampled.length).toBe(4 * prompts.length * 4);
    for (const list of result.completions) {
      expect(list.length).toBeLessThanOrEqual(2);
      expect(list.length).toBeGreaterThanOrEqual(1);
      expect(distinct(list)).toBe(list.length);
    }
    expect(result.duplicates - result.resampled).toBe(prompts.length * 4 - result.completions.flat().length);
  });

  it("with no budget drops duplicates without sampling again", async () => {
    const sampling = samplingSchema.parse({ k: 4, topK: 2, maxTokens: 1, seed: 5 });
    const result = await sampleDistinct(prompts, [{ source: engine, k: 4, seed: 5 }], sampling, 0);
    expect(result.rounds).toBe(0);
    expect(result.resampled).toBe(0);
    expect(result.sampled).toHaveLength(4 * prompts.length);
    for (const list of result.completions) expect(distinct(list)).toBe(list.length);
  });

  it("head to head: each model resamples its own share, and a text of one model is a duplicate for the other", async () => {
    const sampling = samplingSchema.parse({ k: 4, topK: 6, maxTokens: 1, seed: 5 });
    const result = await sampleDistinct(
      prompts,
      [
        { source: engine, k: 2, seed: 5 },
        { source: endpoint, k: 2, seed: 104_734 },
      ],
      sampling,
      6,
    );
    for (const list of result.completions) {
      expect(distinct(list)).toBe(list.length);
      expect(list.filter((c) => c.model === "tiny").length).toBeLessThanOrEqual(2);
      expect(list.filter((c) => c.model === "tiny-http").length).toBeLessThanOrEqual(2);
      // Shares stay together: the engine's completions first.
      const models = list.map((c) => c.model);
      expect(models).toEqual([...models].sort((a, b) => (a === "tiny" ? 0 : 1) - (b === "tiny" ? 0 : 1)));
    }
    expect(result.completions.filter((l) => l.length === 4).length).toBeGreaterThan(0);
  });

  it("moves the seed with each round", () => {
    expect(new Set([0, 1, 2, 3].map((r) => resampleSeed(7, r))).size).toBe(4);
    expect(resampleSeed(2 ** 31 - 1, 4)).toBeLessThan(2 ** 31);
  });
});
