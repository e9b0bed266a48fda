// `npm run bench:grpo`: GRPO samples (completions) per second and update time of trainGrpo on a
// fixed configuration, through the same code path as a real run:
//
//   a GPT-2 policy of vocab 2048, d 128, 4 layers, 4 heads, random init (the frozen reference is
//   its start); 4 prompts of 16 random tokens × G = 4 completions = 16 completions per iteration,
//   48 new tokens each (temperature 1, no top-k / top-p, no early stop: stopTokenId null);
//   β 0.04 (the reference runs), ε 0.2, μ = 1 pass cut into 4 minibatches of 4 (so the sampling
//   policy's log-probabilities are computed too: off-policy after the first step), loss "grpo";
//   a rule reward on the text (its share of even token ids); no evaluation, no checkpoint inside the timing
//
//   samples_per_s     16 / iteration_s
//   iteration_s       median wall time between consecutive iterations (1 warm-up + --iters)
//   sample_s          median time of sampling the 16 completions
//   score_s           median time of the scoring pass (old and reference log-probabilities) + rewards + advantages
//   update_s          median time of the update (4 minibatch steps); update_step_s = update_s / 4
//   peak_rss_mb       peak resident memory of this process
//
// Best of --threads (intra-op threads per session, default 1 and 2); --repeat runs, medians. ONE JSON line on stdout.
//
//   npm run bench:grpo -- [--threads 1,2] [--iters 5] [--repeat 1]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createGPT2Config, initGPT2Params } from "../lib/ml/io";
import type { Gpt2Config } from "../lib/ml/nn/gpt2-config";
import { saveLanguageModel } from "../lib/ml/nn/language-model";
import { Random } from "../lib/ml/random";
import { trainGrpo, type GrpoRewardFn } from "../lib/ml/rl/train-grpo";

const { values: args } = parseArgs({
  options: {
    threads: { type: "string", default: "1,2" },
    iters: { type: "string", default: "5" },
    repeat: { type: "string", default: "1" },
  },
});

const PROMPTS = 4;
const G = 4;
const B = PROMPTS * G;
const MINIBATCHES = 4;
const PROMPT = 16;
const GEN = 48;
const shape: Gpt2Config = { vocabSize: 2048, nPositions: PROMPT + GEN, nEmbd: 128, nLayer: 4, nHead: 4, layerNormEpsilon: 1e-5 };
const iters = Number(args.iters);
const threadCounts = args.threads.split(",").map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(join(tmpdir(), "palate-bench-grpo-"));
const config = createGPT2Config({ ...shape, bosTokenId: 0, eosTokenId: 0 });
const weights: Record<string, Float32Array> = {};
for (const [name, t] of initGPT2Params(config, 0)) weights[name] = t.data;
const policyDir = join(work, "policy");
await saveLanguageModel(policyDir, { config, weights, tokenizer: null });
const rng = new Random(3);
const prompts = Array.from({ length: PROMPTS * (iters + 1) }, () => Array.from({ length: PROMPT }, () => rng.int(shape.vocabSize)));
// Without a tokenizer a completion's text is its token ids joined by spaces.
const reward: GrpoRewardFn = (_, text) => {
  const ids = text.split(" ").filter(Boolean).map(Number);
  const even = ids.length === 0 ? 0 : ids.filter((t) => t % 2 === 0).length / ids.length;
  return { total: even, parts: { even } };
};

interface Run {
  threads: number;
  samples_per_s: number;
  iteration_s: number;
  sample_s: number;
  score_s: number;
  update_s: number;
  update_step_s: number;
}

async function runOnce(threads: number, run: number): Promise<Run> {
  const stamps: number[] = [];
  const phases: { rollout: number; score: number; update: number }[] = [];
  const outDir = join(work, `out-${threads}-${run}`);
  stamps.push(performance.now());
  await trainGrpo({
    policyDir,
    outDir,
    prompts,
    reward,
    stopTokenId: null,
    intraOpNumThreads: threads,
    config: {
      totalEpisodes: B * (iters + 1),
      batchSize: B,
      numGenerations: G,
      numIterations: 1,
      stepsPerGeneration: MINIBATCHES,
      maxCompletionLength: GEN,
      temperature: 1,
      topK: 0,
      topP: 1,
      beta: 0.04,
      epsilon: 0.2,
      learningRate: 1e-5,
      evalEvery: 0,
      checkpointEvery: 1_000_000,
      seed: run,
    },
    onProgress: (p) => {
      stamps.push(performance.now());
      phases.push(p.seconds);
    },
  });
  rmSync(outDir, { recursive: true, force: true });
  // Iteration 1 is the warm-up (sessions' first runs); the first stamp also holds session creation.
  const walls = stamps.slice(2).map((t, i) => (t - stamps[i + 1]) / 1000);
  const timed = phases.slice(1);
  const iteration = median(walls);
  const update = median(timed.map((p) => p.update));
  return {
    threads,
    samples_per_s: B / iteration,
    iteration_s: iteration,
    sample_s: median(timed.map((p) => p.rollout)),
    score_s: median(timed.map((p) => p.score)),
    update_s: update,
    update_step_s: update / MINIBATCHES,
  };
}

const runs: Run[] = [];
for (let r = 0; r < Number(args.repeat); r++) {
  const byThreads: Run[] = [];
  for (const t of threadCounts) byThreads.push(await runOnce(t, r));
  console.error(`bench: ${JSON.stringify(byThreads)}`);
  runs.push(byThreads.reduce((a, b) => (b.iteration_s < a.iteration_s ? b : a)));
}
rmSync(work, { recursive: true, force: true });

const pick = <K extends keyof Run>(k: K) => median(runs.map((o) => o[k] as number));
console.log(
  JSON.stringify({
    samples_per_s: pick("samples_per_s"),
    iteration_s: pick("iteration_s"),
    sample_s: pick("sample_s"),
    score_s: pick("score_s"),
    update_s: pick("update_s"),
    update_step_s: pick("update_step_s"),
    config: {
      prompts: PROMPTS,
      num_generations: G,
      completions: B,
      prompt_tokens: PROMPT,
      completion_tokens: GEN,
      minibatches: MINIBATCHES,
      beta: 0.04,
      model: shape,
    },
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    threads: threadCounts.length > 1 ? `best of ${threadCounts.join(",")}` : threadCounts[0],
    runs: runs.length,
  }),
);
