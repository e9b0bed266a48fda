// Which `palate simulate --noise` gives which agreement, measured on the embedded default-sft:
// the table in `palate simulate --help` (scripts/commands/simulate.ts), to re-run whenever the
// default model is rebuilt.
//
// The engine samples K = 4 completions for capital and arithmetic questions in the SFT
// phrasings (lib/demo/questions.ts), batched, seeded and made distinct exactly as the generate
// job does it (run-generation.ts: promptsPerBatch, batchSampling, sampleDistinct; a prompt left
// with a single distinct text gets no task). Then, for each oracle and each BETA, every task is
// ranked `--draws` times by the simulated annotator's rule (run.ts: samplePlackettLuce, then
// tieIdentical) and compared with the noise-free oracle pair by pair (agreement.ts): the
// agreement is agreed / oracle-ordered pairs over all draws, as `palate simulate` reports it.
// Beside the table: the share of tasks with at least one oracle-ordered pair, oracle-ordered
// pairs per task, the median score gap of those pairs, and the BETA that gives `--target`
// agreement in expectation (bisection on the exact pairwise form: under Plackett–Luce, i lands
// above j with probability σ((s_i − s_j)/BETA), ties aside).
//
//   npx tsx bench/simulate-noise-table.ts                  the demo's sampling (the --help table)
//   npx tsx bench/simulate-noise-table.ts --preset test    the acceptance-2 test's tasks
//   npx tsx bench/simulate-noise-table.ts --preset loop    bench/rlhf-loop.ts's tasks
//     [--tasks N] [--temperature T] [--top-p P] [--resample-rounds R] [--question-seed S]
//     [--draws D] [--betas 0.3,0.5,…] [--target 0.8] [--sft DIR]
//
// Presets: demo = lib/demo's DEMO_SAMPLING and DEMO_RESAMPLE_ROUNDS on 500 questions (seed 0);
// test = tests/integration/reward/simulated-annotators.test.ts (300 questions, seed 1,
// temperature 1.3, the job's default resampling) plus the 24 fixed demo tasks its app is seeded
// with; loop = bench/rlhf-loop.ts (360 questions, seed 7, temperature 1). Engine only: no app,
// no database. One or two minutes on two busy cores.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Message } from "../db/schema";
import { DEMO_RESAMPLE_ROUNDS, DEMO_SAMPLING } from "../lib/demo/generate-demo-tasks";
import { demoQuestions } from "../lib/demo/questions";
import { demoTasks } from "../lib/demo/seed";
import { DEFAULT_RESAMPLE_ROUNDS, type Sampling } from "../lib/generation/job-params";
import { PalateSource } from "../lib/generation/palate-source";
import { batchSampling, promptsPerBatch, sampleDistinct } from "../lib/generation/run-generation";
import { DEFAULT_MODEL_PATH } from "../lib/models/registry";
import { agreementRate, pairAgreement, type PairAgreement } from "../lib/simulate/agreement";
import { ORACLES, type Oracle } from "../lib/simulate/oracles";
import { mixSeed, mulberry32, samplePlackettLuce, tieIdentical } from "../lib/simulate/plackett-luce";

interface Preset {
  tasks: number;
  questionSeed: number;
  temperature: number;
  topP: number;
  resampleRounds: number;
  fixedDemoTasks: boolean;
}

const PRESETS: Record<string, Preset> = {
  demo: {
    tasks: 500,
    questionSeed: 0,
    temperature: DEMO_SAMPLING.temperature,
    topP: DEMO_SAMPLING.topP,
    resampleRounds: DEMO_RESAMPLE_ROUNDS,
    fixedDemoTasks: false,
  },
  test: { tasks: 300, questionSeed: 1, temperature: 1.3, topP: 1, resampleRounds: DEFAULT_RESAMPLE_ROUNDS, fixedDemoTasks: true },
  loop: { tasks: 360, questionSeed: 7, temperature: 1, topP: 1, resampleRounds: DEFAULT_RESAMPLE_ROUNDS, fixedDemoTasks: false },
};

const { values } = parseArgs({
  options: {
    preset: { type: "string", default: "demo" },
    tasks: { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "resample-rounds": { type: "string" },
    "question-seed": { type: "string" },
    draws: { type: "string", default: "200" },
    betas: { type: "string", default: "0.3,0.5,0.7,1,1.5,2,3,5,7,9,12" },
    target: { type: "string", default: "0.8" },
    sft: { type: "string" },
  },
});

const preset = PRESETS[values.preset!];
if (!preset) throw new Error(`--preset: expected one of ${Object.keys(PRESETS).join(", ")}, got "${values.preset}"`);
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const TASKS = num(values.tasks, preset.tasks);
const QUESTION_SEED = num(values["question-seed"], preset.questionSeed);
const RESAMPLE_ROUNDS = num(values["resample-rounds"], preset.resampleRounds);
const SAMPLING: Sampling = {
  k: 4,
  temperature: num(values.temperature, preset.temperature),
  topP: num(values["top-p"], preset.topP),
  topK: 0,
  maxTokens: 40,
  stop: [],
  seed: 0,
};
const DRAWS = Number(values.draws);
const BETAS = values.betas!.split(",").map(Number);
const TARGET = Number(values.target);
const root = resolve(import.meta.dirname, "..");
const SFT_DIR = resolve(values.sft ?? resolve(root, DEFAULT_MODEL_PATH));

interface Task {
  messages: Message[];
  texts: string[];
}

/** The generate job's tasks for these prompts: same batches, same seeds, same distinct rule. */
async function sampleTasks(questions: string[]): Promise<Task[]> {
  const source = await PalateSource.open(SFT_DIR, "default-sft");
  const out: Task[] = [];
  try {
    const size = promptsPerBatch(SAMPLING.k, questions.length);
    for (let start = 0; start < questions.length; start += size) {
      const batch = questions.slice(start, start + size).map((q): Message[] => [{ role: "user", content: q }]);
      const sampling = batchSampling(SAMPLING, start);
      const drawn = await sampleDistinct(batch, [{ source, k: SAMPLING.k, seed: sampling.seed }], sampling, SAMPLING.temperature === 0 ? 0 : RESAMPLE_ROUNDS);
      batch.forEach((messages, i) => {
        const texts = drawn.completions[i].map((c) => c.text);
        if (texts.length >= 2) out.push({ messages, texts }); // one distinct text: the job writes no task
      });
      process.stderr.write(`\rsampled ${Math.min(start + size, questions.length)}/${questions.length} prompts`);
    }
    process.stderr.write("\n");
  } finally {
    await source.close();
  }
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Expected agreement at `beta` from the pairwise form (valid when no task repeats a text). */
function exactAgreement(scored: readonly number[][], beta: number): number {
  let pairs = 0;
  let agreed = 0;
  for (const s of scored) {
    for (let i = 0; i < s.length; i++) {
      for (let j = i + 1; j < s.length; j++) {
        if (s[i] === s[j]) continue;
        pairs++;
        agreed += sigmoid(Math.abs(s[i] - s[j]) / beta);
      }
    }
  }
  return agreed / pairs;
}

/** The BETA whose expected agreement is `target` (agreement falls as BETA grows). */
function betaFor(scored: readonly number[][], target: number): number {
  let lo = 1e-3;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(lo * hi);
    if (exactAgreement(scored, mid) > target) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

function measure(oracle: Oracle, tasks: readonly Task[]) {
  const scored = tasks.map((t) => t.texts.map((text) => oracle.score(t.messages, text)));
  const ordered = scored.filter((s) => s.some((x) => x !== s[0])).length;
  const pairsPerDraw = scored.reduce((n, s) => n + pairAgreement(s, [s.map((_, i) => i)]).pairs, 0);
  const gaps = scored
    .flatMap((s) =>
      s.flatMap((x, i) =>
        s
          .slice(i + 1)
          .filter((y) => y !== x)
          .map((y) => Math.abs(x - y)),
      ),
    )
    .sort((a, b) => a - b);
  const medianGap = gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : null;
  const agreement = BETAS.map((beta, b) => {
    let total: PairAgreement = { pairs: 0, agreed: 0 };
    tasks.forEach((task, t) => {
      for (let d = 0; d < DRAWS; d++) {
        const sampled = samplePlackettLuce(scored[t], beta, mulberry32(mixSeed(b, t, d)));
        const a = pairAgreement(scored[t], tieIdentical(sampled, task.texts));
        total = { pairs: total.pairs + a.pairs, agreed: total.agreed + a.agreed };
      }
    });
    return agreementRate(total);
  });
  return { ordered, pairsPerDraw, medianGap, agreement, beta80: pairsPerDraw > 0 ? betaFor(scored, TARGET) : null };
}

async function main() {
  const t0 = performance.now();
  const questions = demoQuestions(TASKS, { seed: QUESTION_SEED });
  const tasks = await sampleTasks(questions);
  const sampledTasks = tasks.length;
  if (preset.fixedDemoTasks && values.preset === "test") {
    for (const t of demoTasks()) tasks.push({ messages: t.messages as Message[], texts: t.completions.map((c) => c.text) });
  }
  const completions = tasks.reduce((n, t) => n + t.texts.length, 0);
  const pct = (x: number | null) => (x === null ? "–" : `${Math.round(x * 100)}%`).padStart(6);
  console.log(
    `default-sft (${SFT_DIR}), preset ${values.preset}: ${questions.length} questions (seed ${QUESTION_SEED}), temperature ${SAMPLING.temperature}, ` +
      `top-p ${SAMPLING.topP}, ${SAMPLING.maxTokens} tokens, K ${SAMPLING.k}, ${RESAMPLE_ROUNDS} resampling rounds → ${sampledTasks} tasks` +
      (tasks.length > sampledTasks ? ` + ${tasks.length - sampledTasks} fixed demo tasks` : "") +
      `, ${(completions / tasks.length).toFixed(2)} distinct completions per task; ${DRAWS} Plackett–Luce draws per task and BETA`,
  );
  console.log(
    `  BETA         ${BETAS.map((b) => String(b).padStart(6)).join("")}   ordered tasks  pairs/task  median gap  BETA for ${Math.round(TARGET * 100)}%`,
  );
  const results: Record<string, unknown> = {};
  for (const oracle of Object.values(ORACLES)) {
    const m = measure(oracle, tasks);
    results[oracle.name] = m;
    console.log(
      `  ${oracle.name.padEnd(12)} ${m.agreement.map(pct).join("")}   ${pct(m.ordered / tasks.length)}        ${(m.pairsPerDraw / tasks.length).toFixed(2).padStart(5)}  ${(m.medianGap === null ? "–" : m.medianGap.toFixed(1)).padStart(10)}       ${m.beta80 === null ? "–" : m.beta80.toFixed(2)}`,
    );
  }
  console.log(
    JSON.stringify({
      preset: values.preset,
      sampling: SAMPLING,
      resampleRounds: RESAMPLE_ROUNDS,
      tasks: tasks.length,
      betas: BETAS,
      draws: DRAWS,
      results,
      seconds: Math.round((performance.now() - t0) / 1000),
    }),
  );
}

await main();
