import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { command } from "@/scripts/commands/logprobs";
import { loadModelDir, toGpt2Config } from "@/lib/ml/io";
import { newLanguageModelConfig, saveLanguageModel } from "@/lib/ml/nn/language-model";
import { Tokenizer, trainBpe } from "@/lib/ml/tokenizer";
import { referenceGpt2Logits } from "./reference-gpt2";
import { randomWeights } from "./tiny-gpt2";

describe("palate logprobs", () => {
  it("prints ids, tokens and next-token logprobs that match an independent HF GPT-2 reading of the saved files", async () => {
    const tokenizer = Tokenizer.fromBpe(trainBpe(["one two three, one two three, four five"], { vocabSize: 275 }));
    const shape = { vocabSize: tokenizer.vocabSize, nPositions: 24, nEmbd: 16, nLayer: 2, nHead: 4, layerNormEpsilon: 1e-5 };
    const dir = join(mkdtempSync(join(tmpdir(), "palate-logprobs-")), "m");
    await saveLanguageModel(dir, { config: newLanguageModelConfig(shape, tokenizer), weights: randomWeights(shape, 8, 0.3), tokenizer });

    const text = "one two four, three five";
    const lines: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((s: string) => void lines.push(s));
    const code = await command.run(["--model", dir, "--text", text]);
    log.mockRestore();
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]) as { ids: number[]; tokens: string[]; logprobs: number[] };
    expect(out.ids).toEqual(tokenizer.encode(text));
    expect(out.tokens).toEqual(out.ids.map((id) => tokenizer.idToToken(id)));
    expect(out.logprobs).toHaveLength(out.ids.length - 1);

    // Independent check from the files on disk: config.json + model.safetensors → plain loops.
    const saved = await loadModelDir(dir, { tokenizer: false });
    const params = new Map([...saved.params].map(([k, t]) => [k, t.data]));
    const logits = referenceGpt2Logits(toGpt2Config(saved.config), params, out.ids);
    for (let i = 0; i < out.ids.length - 1; i++) {
      const row = logits[i];
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      expect(Math.abs(out.logprobs[i] - (row[out.ids[i + 1]] - lse))).toBeLessThan(1e-4);
    }
  });

  it("names a missing flag", async () => {
    await expect(command.run(["--text", "x"])).rejects.toThrow("--model is required");
  });
});
