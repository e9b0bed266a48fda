// `palate make-default-model`: corpus → tokenizer + pretrained GPT-2 (default-base) →
// masked SFT on generated demonstrations (default-sft) → eval-qa of both → model card.
//
// Deterministic: fixed seeds everywhere and one intra-op thread in every training session
// (lib/ml's default), so a re-run reproduces the final losses. The pretraining and SFT
// checkpoints (with their optimizer state and metrics.jsonl) live in `workDir`; the output
// directories hold only the model files and the card.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gpt2ParamShapes, saveModelDir, createGenerationConfig, type NamedParams } from "../ml/io";
import { exportGpt2Onnx } from "../ml/nn/gpt2-inference";
import { loadLanguageModel, saveLanguageModel, shapeOf, type LanguageModel } from "../ml/nn/language-model";
import { END_MARKER } from "../ml/tokenizer";
import { trainLm } from "../ml/train/train-lm";
import { renderModelCard, type MakeReport } from "./card";
import type { DefaultModelConfig } from "./config";
import { buildPretrainingCorpus } from "./corpus";
import { evalQa } from "./eval-qa";
import { qaFacts, repeatedSftExamples, sftMessages } from "./sft-data";
import { encodeDemonstration, trainSft } from "./sft-train";

export const MODEL_CARD_FILE = "MODEL_CARD.md";
export const EVAL_FILE = "eval_qa.json";

export type Stage = "pretrain" | "sft" | "eval-base" | "eval-sft";

export interface StageProgress {
  stage: Stage;
  value: number;
  total: number;
  /** Training stages: the loss of the step. */
  loss?: number;
}

export interface MakeDefaultModelOptions {
  config: DefaultModelConfig;
  baseDir: string;
  sftDir: string;
  /** Scratch space: corpus file and the pretraining and SFT checkpoints. */
  workDir: string;
  /** Resume pretraining and SFT from their checkpoints in workDir instead of starting over. */
  resume?: boolean;
  onLog?: (line: string) => void;
  onProgress?: (p: StageProgress) => void;
}

async function saveSft(dir: string, model: LanguageModel): Promise<void> {
  const params: NamedParams = new Map();
  for (const [name, shape] of gpt2ParamShapes(model.config)) params.set(name, { shape, data: model.weights[name] });
  const end = model.tokenizer?.tokenToId(END_MARKER);
  const eos = model.config.eos_token_id;
  await saveModelDir(dir, {
    config: model.config,
    params,
    tokenizer: model.tokenizer ?? undefined,
    // A chat answer ends with <|end|>: generation stops there (and at <|endoftext|>).
    generationConfig: createGenerationConfig({
      bosTokenId: model.config.bos_token_id,
      eosTokenId: end === undefined ? eos : [end, eos],
      padTokenId: eos,
    }),
    onnx: exportGpt2Onnx(shapeOf(model), model.weights),
  });
}

export async function makeDefaultModel(o: MakeDefaultModelOptions): Promise<MakeReport> {
  const c = o.config;
  const log = o.onLog ?? (() => {});
  const started = Date.now();
  mkdirSync(o.workDir, { recursive: true });

  // 1. Corpus.
  const corpus = buildPretrainingCorpus(c.corpus);
  const corpusPath = join(o.workDir, "corpus.jsonl");
  writeFileSync(corpusPath, corpus.documents.map((text) => JSON.stringify({ text })).join("\n") + "\n");
  log(`corpus: ${corpus.documents.length} documents, ${(corpus.bytes / 1e6).toFixed(2)} MB`);

  // 2. Tokenizer + pretraining (train-lm trains the BPE tokenizer on the corpus first).
  const checkpointDir = join(o.workDir, "base-checkpoint");
  const t0 = Date.now();
  const pre = await trainLm({
    dataPath: corpusPath,
    outDir: checkpointDir,
    config: {
      vocabSize: c.vocabSize,
      dModel: c.dModel,
      layers: c.layers,
      heads: c.heads,
      context: c.context,
      batchSize: c.pretrain.batchSize,
      steps: c.pretrain.steps,
      learningRate: c.pretrain.lr,
      warmupSteps: c.pretrain.warmupSteps,
      seed: c.seed,
      checkpointEvery: Math.max(100, Math.floor(c.pretrain.steps / 10)),
    },
    overwrite: !o.resume,
    onProgress: (p) => o.onProgress?.({ stage: "pretrain", value: p.step, total: p.totalSteps, loss: p.loss }),
  });
  const pretrainSeconds = (Date.now() - t0) / 1000;
  const base = await loadLanguageModel(checkpointDir);
  const tokenizer = base.tokenizer;
  if (!tokenizer) throw new Error("the pretrained model has no tokenizer");
  let corpusTokens = 0;
  for (const d of corpus.documents) corpusTokens += tokenizer.encode(d).length + 1;
  rmSync(o.baseDir, { recursive: true, force: true });
  await saveLanguageModel(o.baseDir, base);
  log(`pretraining: ${pre.steps} steps, final loss ${pre.finalLoss.toFixed(4)}, ${pretrainSeconds.toFixed(0)} s → ${o.baseDir}`);

  // 3. SFT.
  const facts = qaFacts({ definitions: c.sft.definitions });
  const examples = repeatedSftExamples(facts, c.sft.repeats);
  const sequences = examples.map((e) => encodeDemonstration(tokenizer, sftMessages(e)));
  const sftTokens = sequences.reduce((n, s) => n + s.ids.length, 0);
  const answerTokens = sequences.reduce((n, s) => n + s.mask.reduce((a, b) => a + b, 0), 0);
  const t1 = Date.now();
  const sft = await trainSft(base, sequences, {
    config: {
      steps: c.sft.steps,
      batchSize: c.sft.batchSize,
      maxLength: c.sft.seqLen,
      learningRate: c.sft.lr,
      warmupSteps: c.sft.warmupSteps,
      seed: c.seed,
      checkpointEvery: Math.max(100, Math.floor(c.sft.steps / 10)),
    },
    outDir: join(o.workDir, "sft-checkpoint"),
    overwrite: !o.resume,
    onProgress: (p) => o.onProgress?.({ stage: "sft", value: p.step, total: p.totalSteps, loss: p.loss }),
  });
  const sftSeconds = (Date.now() - t1) / 1000;
  rmSync(o.sftDir, { recursive: true, force: true });
  await saveSft(o.sftDir, sft.model);
  log(`SFT: ${sft.steps} steps, final loss ${sft.finalLoss.toFixed(4)}, ${sftSeconds.toFixed(0)} s → ${o.sftDir}`);

  // 4. Evaluation of both.
  const t2 = Date.now();
  const evalBase = await evalQa(o.baseDir, { limit: c.evalLimit, onProgress: (v, t) => o.onProgress?.({ stage: "eval-base", value: v, total: t }) });
  const evalSft = await evalQa(o.sftDir, { limit: c.evalLimit, onProgress: (v, t) => o.onProgress?.({ stage: "eval-sft", value: v, total: t }) });

  log(`eval-qa: ${((Date.now() - t2) / 1000).toFixed(0)} s`);

  // 5. The card (the same card in both directories) and the eval results.
  const countByCategory: Record<string, number> = {};
  for (const e of examples) countByCategory[e.category] = (countByCategory[e.category] ?? 0) + 1;
  const report: MakeReport = {
    config: c,
    corpus: { sources: corpus.sources, bytes: corpus.bytes, documents: corpus.documents.length, tokens: corpusTokens },
    tokenizer: { vocabSize: tokenizer.vocabSize },
    parameters: Object.values(base.weights).reduce((n, w) => n + w.length, 0),
    pretrain: { steps: pre.steps, finalLoss: pre.finalLoss, seconds: pretrainSeconds },
    sft: {
      steps: sft.steps,
      finalLoss: sft.finalLoss,
      tailLoss: sft.tailLoss,
      seconds: sftSeconds,
      examples: examples.length,
      examplesByCategory: countByCategory,
      tokens: sftTokens,
      answerTokens,
    },
    eval: { base: evalBase.summary, sft: evalSft.summary },
    samples: evalSft.answers
      .filter((a) => a.category === "capital")
      .slice(0, 4)
      .map((a, i) => ({
        question: a.question,
        base: evalBase.answers.find((b) => b.question === a.question)?.response ?? "",
        sft: a.response,
        heldOut: a.heldOut,
        index: i,
      })),
    totalSeconds: (Date.now() - started) / 1000,
  };
  const card = renderModelCard(report);
  for (const [dir, result] of [
    [o.baseDir, evalBase],
    [o.sftDir, evalSft],
  ] as const) {
    writeFileSync(join(dir, MODEL_CARD_FILE), card);
    writeFileSync(join(dir, EVAL_FILE), JSON.stringify(result.summary, null, 2) + "\n");
  }
  return report;
}
