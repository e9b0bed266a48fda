// Reward-model training on the default SFT model with a synthetic, learnable preference in
// its domain (capitals, arithmetic, definitions; the shorter answer wins), as three noisy
// annotator rankings per prompt. Prints the time and the held-out accuracy: the figures
// behind the defaults in lib/ml/rl/reward-config.ts.
//
//   npx tsx bench/reward-model.ts [--prompts 300] [--merged] [--lr 1e-4] [--epochs 2] [--batch 8] [--base models/default-sft] [--out DIR (kept)]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Random } from "../lib/ml/random";
import { RewardScorer, trainRewardModel, type RankingExample } from "../lib/ml/rl";

const { values: args } = parseArgs({
  options: {
    prompts: { type: "string", default: "300" },
    rankings: { type: "string", default: "3" },
    merged: { type: "boolean", default: false },
    lr: { type: "string" },
    epochs: { type: "string" },
    batch: { type: "string" },
    noise: { type: "string", default: "0.1" },
    base: { type: "string", default: "models/default-sft" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
  },
});

const COUNTRIES: [string, string][] = [
  ["France", "Paris"],
  ["Germany", "Berlin"],
  ["Italy", "Rome"],
  ["Spain", "Madrid"],
  ["Portugal", "Lisbon"],
  ["Japan", "Tokyo"],
  ["China", "Beijing"],
  ["India", "New Delhi"],
  ["Egypt", "Cairo"],
  ["Kenya", "Nairobi"],
  ["Peru", "Lima"],
  ["Chile", "Santiago"],
  ["Canada", "Ottawa"],
  ["Mexico", "Mexico City"],
  ["Norway", "Oslo"],
  ["Sweden", "Stockholm"],
  ["Finland", "Helsinki"],
  ["Poland", "Warsaw"],
  ["Greece", "Athens"],
  ["Austria", "Vienna"],
  ["Ireland", "Dublin"],
  ["Russia", "Moscow"],
  ["Turkey", "Ankara"],
  ["Iran", "Tehran"],
  ["Iraq", "Baghdad"],
  ["Cuba", "Havana"],
  ["Ghana", "Accra"],
  ["Nigeria", "Abuja"],
  ["Argentina", "Buenos Aires"],
  ["Brazil", "Brasília"],
];
const WORDS: [string, string][] = [
  ["river", "a large natural stream of water"],
  ["forest", "a large area covered with trees"],
  ["island", "land surrounded by water"],
  ["whale", "a very large sea mammal"],
  ["ship", "a large boat for carrying people or goods"],
  ["harbor", "a sheltered port for ships"],
  ["storm", "a violent disturbance of the weather"],
  ["bread", "food made of flour and baked"],
  ["mountain", "a very high hill"],
  ["captain", "the person in command of a ship"],
];

interface Item {
  key: string;
  question: string;
  answers: string[]; // shortest first, 4..6 of them
}

function items(n: number, rng: Random): Item[] {
  const out: Item[] = [];
  const seen = new Set<string>();
  while (out.length < n) {
    const kind = rng.int(3);
    let item: Item;
    if (kind === 0) {
      const [country, capital] = COUNTRIES[rng.int(COUNTRIES.length)];
      const t = ["What is the capital of {x}?", "Name the capital city of {x}.", "Tell me the capital of {x}.", "Which city is the capital of {x}?"][
        rng.int(4)
      ];
      item = {
        key: t.replace("{x}", country),
        question: t.replace("{x}", country),
        answers: [
          `${capital}.`,
          `The capital is ${capital}.`,
          `The capital of ${country} is ${capital}.`,
          `The capital city of ${country} is ${capital}, its seat of government.`,
          `${capital} is the capital of ${country}; it is where the government of ${country} sits.`,
          `The capital of ${country} is the city of ${capital}, which is also one of the best known places in ${country}.`,
        ],
      };
    } else if (kind === 1) {
      const a = rng.int(21);
      const b = rng.int(21);
      const t = ["What is {x}?", "Compute {x}.", "How much is {x}?"][rng.int(3)];
      const x = `${a} + ${b}`;
      item = {
        key: t.replace("{x}", x),
        question: t.replace("{x}", x),
        answers: [
          `${a + b}.`,
          `${x} = ${a + b}.`,
          `The answer is ${a + b}.`,
          `${x} is ${a + b}, because adding ${b} to ${a} gives ${a + b}.`,
          `If you add ${a} and ${b} you get ${a + b}, so the sum ${x} equals ${a + b}.`,
        ],
      };
    } else {
      const [word, gloss] = WORDS[rng.int(WORDS.length)];
      const t = ["Define the word {x}.", "What does {x} mean?", "What is the meaning of {x}?"][rng.int(3)];
      item = {
        key: t.replace("{x}", word),
        question: t.replace("{x}", word),
        answers: [
          `${gloss}.`,
          `A ${word} is ${gloss}.`,
          `The word ${word} means ${gloss}.`,
          `A ${word} is ${gloss}; the word is common in stories about the sea and the land.`,
          `In everyday English a ${word} is ${gloss}, and people use the word often in books and in speech.`,
        ],
      };
    }
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    out.push(item);
  }
  return out;
}

function main() {
  return (async () => {
    const rng = new Random(Number(args.seed));
    const nPrompts = Number(args.prompts);
    const nRankings = Number(args.rankings);
    const noise = Number(args.noise);
    const examples: RankingExample[] = [];
    const truth: { prompt: RankingExample["prompt"]; completions: string[]; key: string }[] = [];
    for (const it of items(nPrompts, rng)) {
      // Four answers of different lengths, in random order; the true ranking is by length.
      const chosen = rng.shuffle([...it.answers.keys()]).slice(0, 4);
      const completions = chosen.map((i) => it.answers[i]);
      const order = [...completions.keys()].sort((a, b) => completions[a].length - completions[b].length);
      const prompt = [{ role: "user" as const, content: it.question }];
      truth.push({ prompt, completions, key: it.key });
      const rankings = Array.from({ length: nRankings }, () => {
        const o = [...order];
        if (rng.uniform() < noise * 3) {
          const i = rng.int(3);
          [o[i], o[i + 1]] = [o[i + 1], o[i]]; // an annotator swaps two neighbours
        }
        return o.map((i) => [i]);
      });
      if (args.merged) {
        const prefs = completions.map(() => completions.map(() => 0));
        for (const groups of rankings) for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) prefs[groups[a][0]][groups[b][0]] += 1;
        examples.push({ promptKey: it.key, prompt, completions, groups: [], preferences: prefs });
      } else {
        for (const groups of rankings) examples.push({ promptKey: it.key, prompt, completions, groups });
      }
    }
    const outDir = args.out ?? join(mkdtempSync(join(tmpdir(), "palate-bench-rm-")), "rm");
    const config = {
      ...(args.lr ? { learningRate: Number(args.lr) } : {}),
      ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
      ...(args.batch ? { batchSize: Number(args.batch) } : {}),
      evalEvery: 0,
      checkpointEvery: 1000,
    };
    const t0 = performance.now();
    const r = await trainRewardModel({ baseDir: args.base!, outDir, examples, config, overwrite: true, onLog: (s) => console.log(s) });
    const seconds = (performance.now() - t0) / 1000;
    const m = r.metrics;

    // Accuracy against the true (noise-free) order on the held-out prompts.
    const scorer = await RewardScorer.load(outDir);
    let right = 0;
    let total = 0;
    for (const t of truth) {
      if (!(m.eval_rankings > 0) || !(await isEval(outDir, t.key))) continue;
      const s = await scorer.score(t.completions.map((completion) => ({ prompt: t.prompt, completion })));
      for (let a = 0; a < 4; a++)
        for (let b = 0; b < 4; b++)
          if (t.completions[a].length < t.completions[b].length) {
            total++;
            if (s[a] > s[b]) right++;
          }
    }
    await scorer.release();
    console.log(
      JSON.stringify({
        examples: examples.length,
        merged: args.merged,
        config: m.config,
        batch_shape: m.batch_shape,
        steps: m.steps,
        seconds_total: Math.round(seconds * 10) / 10,
        seconds_training_steps: m.train_seconds,
        eval_accuracy: m.eval_accuracy,
        eval_loss: m.eval_loss,
        eval_accuracy_vs_true_order: total > 0 ? right / total : null,
        train_loss_last_step: m.train_loss,
      }),
    );
    if (!args.out) rmSync(outDir, { recursive: true, force: true });
  })();
}

let evalKeys: Set<string> | null = null;
async function isEval(dir: string, key: string): Promise<boolean> {
  if (!evalKeys) {
    const { readFile } = await import("node:fs/promises");
    evalKeys = new Set((JSON.parse(await readFile(join(dir, "split.json"), "utf8")) as { eval: string[] }).eval);
  }
  return evalKeys.has(key);
}

void main();
