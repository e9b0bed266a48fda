import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { samplingSchema } from "@/lib/generation/job-params";
import { PalateSource } from "@/lib/generation/palate-source";
import { renderChat } from "@/lib/ml/tokenizer/chat-template";
import { makeTinyModel } from "./tiny-model";

describe("PalateSource (the engine over a model directory)", () => {
  let source: PalateSource;
  beforeAll(async () => {
    source = await PalateSource.open(await makeTinyModel(), "tiny");
  });
  afterAll(() => source.close());

  const prompts = [
    [{ role: "user" as const, content: "What is the capital of France?" }],
    [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: "Name a color." },
    ],
  ];

  it("renders prompts with the chat template and the generation prompt", () => {
    const ids = source.model.encodeMessages(prompts[1]);
    expect(source.model.decode(ids)).toBe(renderChat(prompts[1], { addGenerationPrompt: true }));
    expect(source.model.hasChatTemplate).toBe(true);
  });

  it("returns K completions per prompt with token ids and raw logprobs, reproducibly for a seed", async () => {
    const sampling = samplingSchema.parse({ k: 4, maxTokens: 10, seed: 9 });
    const a = await source.generate(prompts, sampling);
    expect(a.map((k) => k.length)).toEqual([4, 4]);
    for (const c of a.flat()) {
      expect(c.logprobs).toHaveLength(c.tokenIds!.length);
      expect(c.tokenIds!.length).toBeLessThanOrEqual(10);
      for (const x of c.logprobs!) expect(x).toBeLessThanOrEqual(0);
      expect(["stop", "length"]).toContain(c.finishReason);
    }
    expect(new Set(a[0].map((c) => c.text)).size).toBeGreaterThan(1);
    expect(await source.generate(prompts, sampling)).toEqual(a);
    expect(await source.generate(prompts, { ...sampling, seed: 10 })).not.toEqual(a);
  });

  it("cuts at a stop string", async () => {
    const [[free]] = await source.generate([prompts[0]], samplingSchema.parse({ k: 2, maxTokens: 12, temperature: 0 }));
    const stop = free.text.slice(3, 5);
    const [[cut]] = await source.generate([prompts[0]], samplingSchema.parse({ k: 2, maxTokens: 12, temperature: 0, stop: [stop] }));
    expect(cut.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    expect(cut.finishReason).toBe("stop");
  });
});
