import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PackedRows, encodeDemonstration, trainSft, type MaskedSequence } from "@/lib/default-model/sft-train";
import { initGPT2Params } from "@/lib/ml/io";
import { loadLanguageModel, newLanguageModelConfig, type LanguageModel } from "@/lib/ml/nn/language-model";
import { Random } from "@/lib/ml/random";
import { Tokenizer, trainBpe } from "@/lib/ml/tokenizer";
import { TRAINER_STATE_FILE } from "@/lib/ml/train/checkpoint";
import { METRICS_LOG_FILE } from "@/lib/ml/train/metrics-log";

const QA: [string, string][] = [
  ["What is the capital of France?", "Paris."],
  ["Name a colour.", "Red."],
  ["What is two plus two?", "Four."],
  ["Say hello.", "Hello!"],
  ["Count to three.", "One, two, three."],
  ["Who jumps?", "The quick brown fox jumps over the lazy dog."],
];

function tinyModel(): { model: LanguageModel; sequences: MaskedSequence[] } {
  const tokenizer = Tokenizer.fromBpe(trainBpe(QA.flat(), { vocabSize: 300 }));
  const config = newLanguageModelConfig({ vocabSize: tokenizer.vocabSize, nPositions: 32, nEmbd: 16, nLayer: 1, nHead: 2, layerNormEpsilon: 1e-5 }, tokenizer);
  const weights: Record<string, Float32Array> = {};
  for (const [name, t] of initGPT2Params(config, 3)) weights[name] = t.data;
  const sequences = QA.map(([q, a]) =>
    encodeDemonstration(tokenizer, [
      { role: "user", content: q },
      { role: "assistant", content: a },
    ]),
  );
  return { model: { config, weights, tokenizer }, sequences };
}

describe("PackedRows", () => {
  it("continues from a saved position with exactly the rows it would have packed", () => {
    const { sequences } = tinyModel();
    const a = new PackedRows(sequences, 24, 0, new Random(4));
    for (let i = 0; i < 5; i++) a.row();
    const position = JSON.parse(JSON.stringify(a.position()));
    const b = new PackedRows(sequences, 24, 0, new Random(999));
    b.restore(position);
    for (let i = 0; i < 12; i++) expect(b.row()).toEqual(a.row());
    expect(() => b.restore({ ...position, pending: 99 })).toThrow(/not a position/);
  });
});

describe("trainSft", () => {
  const root = mkdtempSync(join(tmpdir(), "palate-sft-"));
  const config = { steps: 9, batchSize: 2, maxLength: 24, learningRate: 3e-3, warmupSteps: 2, seed: 5, checkpointEvery: 4 };

  it("resumes from its checkpoint exactly where an uninterrupted run would be", async () => {
    const { model, sequences } = tinyModel();
    const before = Float32Array.from(model.weights["transformer.wte.weight"]);
    const straight = await trainSft(model, sequences, { config, outDir: join(root, "straight") });
    const inMemory = await trainSft(model, sequences, { config });
    expect(inMemory.finalLoss).toBe(straight.finalLoss);
    expect(model.weights["transformer.wte.weight"]).toEqual(before); // the input model is left as it was

    const dir = join(root, "resumed");
    const controller = new AbortController();
    const first = await trainSft(model, sequences, { config, outDir: dir, signal: controller.signal, onProgress: (p) => p.step === 6 && controller.abort() });
    expect(first.cancelled).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, TRAINER_STATE_FILE), "utf8")).step).toBe(6);
    let resumedFrom: number | undefined;
    const second = await trainSft(model, sequences, { config, outDir: dir, onProgress: (p) => (resumedFrom ??= p.resumedFrom) });
    expect(resumedFrom).toBe(6);
    expect(second.resumedFrom).toBe(6);
    expect(second.steps).toBe(9);
    expect(second.finalLoss).toBe(straight.finalLoss);
    expect(second.tailLoss).toBe(straight.tailLoss);
    for (const [name, w] of Object.entries(straight.model.weights)) expect(second.model.weights[name], name).toEqual(w);
    const saved = await loadLanguageModel(dir);
    expect(saved.weights["transformer.h.0.attn.c_attn.weight"]).toEqual(straight.model.weights["transformer.h.0.attn.c_attn.weight"]);
    const log = (d: string) => readFileSync(join(d, METRICS_LOG_FILE), "utf8");
    expect(log(dir)).toBe(log(join(root, "straight")));
    expect(log(dir).trim().split("\n")).toHaveLength(9);

    // Other demonstrations are not this checkpoint's.
    await expect(trainSft(model, sequences.slice(1), { config, outDir: dir })).rejects.toThrow(/other demonstrations/);
  });
});
