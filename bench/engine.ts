// `npm run bench:engine`: training and generation throughput of the engine on the
// reference GPT-2 (vocab 2048, context 128, d 128, 4 layers, 4 heads, batch 16, random
// data), measured like ../shared/bench/pytorch_gpt.py measures PyTorch:
//
//   train_tokens_per_s     batch·context / median time of one full training step
//                          (forward, cross-entropy, backward, clipping, AdamW), 3 warm-up
//                          steps then 10 timed, best of 1 and 2 intra-op threads
//   gen_bN_tokens_per_s    N rows × 112 new tokens (16-token random prompt, multinomial
//                          sampling from softmax(logits), KV cache), prompt pass included;
//                          median of 3 runs, best of 1 and 2 intra-op threads
//   peak_rss_mb            peak resident memory of this process
//
// When /usr/bin/python3 has torch, the PyTorch reference runs in the same invocation and
// the ratios are printed. Prints ONE JSON line on stdout; notes go to stderr.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../lib/ml/generate";
import { createGPT2Config, initGPT2Params } from "../lib/ml/io";
import { float32, int64 } from "../lib/ml/onnx";
import { Gpt2Decoder } from "../lib/ml/nn/gpt2-decoder";
import { flatLayout, packParams } from "../lib/ml/nn/flat-params";
import type { Gpt2Config } from "../lib/ml/nn/gpt2-config";
import { Random } from "../lib/ml/random";
import { causalLmSpec } from "../lib/ml/train/causal-lm";
import { TRAIN_SESSION_OPTIONS, TrainStep, initialAdamWState } from "../lib/ml/train/train-step";
import { runPytorchReference } from "./pytorch-reference";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PYTORCH_SCRIPT = join(root, "..", "shared", "bench", "pytorch_gpt.py");

const shape: Gpt2Config = { vocabSize: 2048, nPositions: 128, nEmbd: 128, nLayer: 4, nHead: 4, layerNormEpsilon: 1e-5 };
const B = 16;
const T = 128;
const PROMPT = 16;
const NEW = T - PROMPT;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const config = createGPT2Config({ ...shape, bosTokenId: 0, eosTokenId: 0 });
const weights: Record<string, Float32Array> = {};
for (const [name, t] of initGPT2Params(config, 0)) weights[name] = t.data;
const rng = new Random(0);

async function trainTokensPerSecond(threads: number): Promise<number> {
  const spec = causalLmSpec(shape, B, T);
  const step = await TrainStep.create(spec, { ...TRAIN_SESSION_OPTIONS, intraOpNumThreads: threads });
  const state = initialAdamWState(packParams(flatLayout(spec.params), weights));
  const randomIds = () => BigInt64Array.from({ length: B * T }, () => BigInt(rng.int(shape.vocabSize)));
  const batch = { input_ids: int64(randomIds(), [B, T]), labels: int64(randomIds(), [B, T]), loss_mask: float32(new Float32Array(B * T).fill(1), [B, T]) };
  for (let i = 0; i < 3; i++) await step.run(state, batch, 1e-3);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await step.run(state, batch, 1e-3);
    times.push((performance.now() - t0) / 1000);
  }
  await step.release();
  return (B * T) / median(times);
}

async function genTokensPerSecond(model: Gpt2Decoder, batch: number, seed: number): Promise<number> {
  const prompts = Array.from({ length: batch }, () => Array.from({ length: PROMPT }, () => rng.int(shape.vocabSize)));
  const t0 = performance.now();
  const out = await generate(model, prompts, { maxNewTokens: NEW, temperature: 1, seed });
  const seconds = (performance.now() - t0) / 1000;
  const tokens = out.reduce((s, c) => s + c.tokenIds.length, 0);
  if (tokens !== batch * NEW) throw new Error(`expected ${batch * NEW} tokens, got ${tokens}`);
  return tokens / seconds;
}

function runPytorch(): Record<string, number | string> | null {
  return runPytorchReference(PYTORCH_SCRIPT);
}

const train1 = await trainTokensPerSecond(1);
const train2 = await trainTokensPerSecond(2);
const result: Record<string, unknown> = { train_tokens_per_s: Math.max(train1, train2) };

const gen: Record<string, number> = {};
for (const threads of [1, 2]) {
  const model = await Gpt2Decoder.create(shape, weights, { intraOpNumThreads: threads, graphOptimizationLevel: "all" });
  await genTokensPerSecond(model, 1, 99); // warm-up
  for (const batch of [1, 16]) {
    const key = `gen_b${batch}_tokens_per_s`;
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) runs.push(await genTokensPerSecond(model, batch, threads * 100 + batch * 10 + r));
    gen[key] = Math.max(gen[key] ?? 0, median(runs));
  }
  await model.release();
}
Object.assign(result, gen);
result.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
result.threads = "best of 1,2";
result.train_tokens_per_s_by_threads = { 1: train1, 2: train2 };

const torch = runPytorch();
if (torch) {
  result.pytorch = torch;
  const ratio = (k: string) => (result[k] as number) / (torch[k] as number);
  result.ratios = {
    train: ratio("train_tokens_per_s"),
    gen_b1: ratio("gen_b1_tokens_per_s"),
    gen_b16: ratio("gen_b16_tokens_per_s"),
  };
}
const round = (_k: string, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v);
console.log(JSON.stringify(result, round));
