import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "@/lib/ml/generate";
import { loadLanguageModel, openDecoder } from "@/lib/ml/nn/language-model";
import { TRAINER_STATE_FILE } from "@/lib/ml/train/checkpoint";
import { METRICS_LOG_FILE } from "@/lib/ml/train/metrics-log";
import { trainLm } from "@/lib/ml/train/train-lm";

const TEXT = "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs.";
const tiny = { vocabSize: 300, context: 64, dModel: 32, layers: 2, heads: 2, batchSize: 4, seed: 1 };

describe("trainLm", () => {
  const dir = mkdtempSync(join(tmpdir(), "palate-train-lm-"));
  const data = join(dir, "text.txt");
  writeFileSync(data, TEXT);

  it("overfits a short text and then reproduces it greedily", async () => {
    const out = join(dir, "overfit");
    const progress: number[] = [];
    const r = await trainLm({
      dataPath: data,
      outDir: out,
      config: { ...tiny, steps: 150, learningRate: 1e-2, warmupSteps: 10 },
      onProgress: (p) => progress.push(p.loss),
    });
    expect(progress).toHaveLength(150);
    expect(r.finalLoss).toBeLessThan(0.1);

    const model = await loadLanguageModel(out);
    const tokenizer = model.tokenizer!;
    const ids = tokenizer.encode(TEXT);
    const session = await openDecoder(model);
    const [c] = await generate(session, [ids.slice(0, 1)], { maxNewTokens: ids.length + 5, temperature: 0, eosTokenIds: [tokenizer.eosTokenId!] }, (t) =>
      tokenizer.decode(t),
    );
    expect(tokenizer.decode(ids.slice(0, 1)) + c.text).toBe(TEXT);
    expect(c.finishReason).toBe("eos");
  });

  it("resumes from its checkpoint exactly where an uninterrupted run would be", async () => {
    const straight = join(dir, "straight");
    const resumed = join(dir, "resumed");
    const opts = { dataPath: data, config: { ...tiny, steps: 8, learningRate: 5e-3, warmupSteps: 2, checkpointEvery: 3 } };
    const full: number[] = [];
    await trainLm({ ...opts, outDir: straight, onProgress: (p) => full.push(p.loss) });

    // Stop after 4 steps (a checkpoint at step 3 is written, the stop writes step 4).
    const controller = new AbortController();
    const first: number[] = [];
    const r1 = await trainLm({
      ...opts,
      outDir: resumed,
      signal: controller.signal,
      onProgress: (p) => {
        first.push(p.loss);
        if (p.step === 4) controller.abort();
      },
    });
    expect(r1.cancelled).toBe(true);
    expect(JSON.parse(readFileSync(join(resumed, TRAINER_STATE_FILE), "utf8")).step).toBe(4);

    const second: number[] = [];
    let resumedFrom: number | undefined;
    const r2 = await trainLm({
      ...opts,
      outDir: resumed,
      onProgress: (p) => {
        second.push(p.loss);
        resumedFrom ??= p.resumedFrom;
      },
    });
    expect(r2.resumedFrom).toBe(4);
    expect(resumedFrom).toBe(4);
    expect([...first, ...second]).toHaveLength(8);
    const all = [...first, ...second];
    for (let i = 0; i < 8; i++) expect(all[i]).toBeCloseTo(full[i], 5);

    const a = await loadLanguageModel(straight);
    const b = await loadLanguageModel(resumed);
    let worst = 0;
    for (const [name, w] of Object.entries(a.weights)) for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i] - b.weights[name][i]));
    expect(worst).toBe(0);
    // Every step logged once, as the uninterrupted run logged it (the stop at 4 came after the checkpoint at 3).
    const log = (d: string) => readFileSync(join(d, METRICS_LOG_FILE), "utf8");
    expect(log(resumed)).toBe(log(straight));
    expect(
      log(straight)
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).step),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Object.keys(JSON.parse(log(straight).split("\n")[0]))).toEqual(["step", "loss", "grad_norm", "lr", "num_tokens"]);
  });
});
