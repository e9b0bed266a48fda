// `npm run bench:ppo`: PPO iterations per second of trainPpo on EXACTLY the work of
// ../shared/bench/pytorch_ppo.py (acceptance 7), through the same code path as a real run:
//
//   four GPT-2 models of vocab 2048, d 128, 4 layers, 4 heads, random init (policy, frozen
//   reference = the policy's start, value model = the reward model's start, frozen reward model)
//   16 prompts of 16 random tokens per iteration, 48 new tokens each (temperature 1, no top-k /
//   top-p, no early stop: stopTokenId null), 4 PPO epochs × 4 minibatches, β 0.05, clip 0.2,
//   value clip 0.2, vf_coef 0.1, γ 1, λ 0.95; no evaluation, no checkpoint inside the timing
//
//   ppo_iteration_s     median wall time between consecutive iterations (1 warm-up + --iters)
//   ppo_episodes_per_s  16 / ppo_iteration_s
//   rollout_s           median of sampling + scoring + advantages (PyTorch's rollout_s covers
//                       the same: its timer stops after GAE), split as sample_s + score_s
//   update_s            median of the 16 minibatch steps
//   peak_rss_mb         peak resident memory of this process
//
// Best of --threads (intra-op threads per session, default 1 and 2), as the PyTorch script
// reports the best of 1 and 2 threads. When /usr/bin/python3 has torch, the PyTorch reference
// runs in the same invocation, alternating with ours --repeat times (the machine is shared:
// compare medians measured back to back), and the ratio is printed. ONE JSON line on stdout.
//
//   npm run bench:ppo -- [--threads 1,2] [--iters 5] [--repeat 1] [--no-torch]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SCORE_WEIGHT, createGPT2Config, initGPT2Params, saveModelDir, withArchitecture, type NamedParams } from "../lib/ml/io";
import type { Gpt2Config } from "../lib/ml/nn/gpt2-config";
import { saveLanguageModel } from "../lib/ml/nn/language-model";
import { Random } from "../lib/ml/random";
import { trainPpo } from "../lib/ml/rl/train-ppo";
import { runPytorchReference } from "./pytorch-reference";

const { values: args } = parseArgs({
  options: {
    threads: { type: "string", default: "1,2" },
    iters: { type: "string", default: "5" },
    repeat: { type: "string", default: "1" },
    "no-torch": { type: "boolean", default: false },
  },
});

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PYTORCH_SCRIPT = join(root, "..", "shared", "bench", "pytorch_ppo.py");

const B = 16;
const PROMPT = 16;
const GEN = 48;
const shape: Gpt2Config = { vocabSize: 2048, nPositions: PROMPT + GEN, nEmbd: 128, nLayer: 4, nHead: 4, layerNormEpsilon: 1e-5 };
const iters = Number(args.iters);
const threadCounts = args.threads.split(",").map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The models: a random policy (also the reference) and a random reward model (also the value model's start).
const work = mkdtempSync(join(tmpdir(), "palate-bench-ppo-"));
const config = createGPT2Config({ ...shape, bosTokenId: 0, eosTokenId: 0 });
const weights: Record<string, Float32Array> = {};
for (const [name, t] of initGPT2Params(config, 0)) weights[name] = t.data;
const policyDir = join(work, "policy");
await saveLanguageModel(policyDir, { config, weights, tokenizer: null });
const rmConfig = withArchitecture(config, "GPT2ForSequenceClassification");
const rmParams: NamedParams = new Map();
for (const [name, t] of initGPT2Params(config, 1)) rmParams.set(name, t);
rmParams.set(SCORE_WEIGHT, { shape: [1, shape.nEmbd], data: new Random(2).fillNormal(new Float32Array(shape.nEmbd), 0, 0.02) });
const rewardModelDir = join(work, "rm");
await saveModelDir(rewardModelDir, { config: rmConfig, params: rmParams });
const rng = new Random(3);
const prompts = Array.from({ length: B * (iters + 1) }, () => Array.from({ length: PROMPT }, () => rng.int(shape.vocabSize)));

interface Ours {
  threads: number;
  ppo_iteration_s: number;
  ppo_episodes_per_s: number;
  rollout_s: number;
  sample_s: number;
  score_s: number;
  update_s: number;
}

async function runOurs(threads: number, run: number): Promise<Ours> {
  const stamps: number[] = [];
  const phases: { rollout: number; score: number; update: number }[] = [];
  const outDir = join(work, `out-${threads}-${run}`);
  stamps.push(performance.now());
  await trainPpo({
    policyDir,
    rewardModelDir,
    outDir,
    prompts,
    stopTokenId: null,
    intraOpNumThreads: threads,
    config: {
      totalEpisodes: B * (iters + 1),
      batchSize: B,
      numMiniBatches: 4,
      numPpoEpochs: 4,
      responseLength: GEN,
      temperature: 1,
      topK: 0,
      topP: 1,
      klCoef: 0.05,
      cliprange: 0.2,
      cliprangeValue: 0.2,
      vfCoef: 0.1,
      gamma: 1,
      lam: 0.95,
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
  return {
    threads,
    ppo_iteration_s: iteration,
    ppo_episodes_per_s: B / iteration,
    rollout_s: median(timed.map((p) => p.rollout + p.score)),
    sample_s: median(timed.map((p) => p.rollout)),
    score_s: median(timed.map((p) => p.score)),
    update_s: median(timed.map((p) => p.update)),
  };
}

function runPytorch(): Record<string, number | string> | null {
  if (args["no-torch"]) return null;
  return runPytorchReference(PYTORCH_SCRIPT, [`--iters=${iters}`]);
}

const oursRuns: Ours[] = [];
const torchRuns: Record<string, number | string>[] = [];
for (let r = 0; r < Number(args.repeat); r++) {
  const byThreads: Ours[] = [];
  for (const t of threadCounts) byThreads.push(await runOurs(t, r));
  const best = byThreads.reduce((a, b) => (b.ppo_iteration_s < a.ppo_iteration_s ? b : a));
  oursRuns.push(best);
  console.error(`bench: ours ${JSON.stringify(byThreads)}`);
  const torch = runPytorch();
  if (torch) {
    torchRuns.push(torch);
    console.error(`bench: pytorch ${JSON.stringify(torch)}`);
  }
}
rmSync(work, { recursive: true, force: true });

const pick = <K extends keyof Ours>(k: K) => median(oursRuns.map((o) => o[k] as number));
const result: Record<string, unknown> = {
  ppo_episodes_per_s: pick("ppo_episodes_per_s"),
  ppo_iteration_s: pick("ppo_iteration_s"),
  rollout_s: pick("rollout_s"),
  sample_s: pick("sample_s"),
  score_s: pick("score_s"),
  update_s: pick("update_s"),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  threads: threadCounts.length > 1 ? `best of ${threadCounts.join(",")}` : threadCounts[0],
  runs: oursRuns.length,
};
if (torchRuns.length > 0) {
  const t = (k: string) => median(torchRuns.map((r) => Number(r[k])));
  result.pytorch = {
    ppo_episodes_per_s: t("ppo_episodes_per_s"),
    ppo_iteration_s: t("ppo_iteration_s"),
    rollout_s: t("rollout_s"),
    update_s: t("update_s"),
    runs: torchRuns.length,
  };
  result.ratio_vs_pytorch = (result.ppo_episodes_per_s as number) / t("ppo_episodes_per_s");
} else {
  result.pytorch = null;
}
console.log(JSON.stringify(result));
