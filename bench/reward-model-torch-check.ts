// Scores some prompts with Palate's RewardScorer and writes {sequences, scores} for
// bench/reward-model-torch-check.py, an independent PyTorch reading of
// GPT2ForSequenceClassification:
//
//   npx tsx bench/reward-model-torch-check.ts RM_DIR /tmp/scores.json
//   python3 bench/reward-model-torch-check.py RM_DIR /tmp/scores.json
import { writeFileSync } from "node:fs";
import { RewardScorer } from "../lib/ml/rl";

async function main() {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error("usage: tsx bench/reward-model-torch-check.ts RM_DIR OUT.json");
  const scorer = await RewardScorer.load(dir);
  const questions = ["What is the capital of France?", "What is 7 + 5?", "Define the word river.", "Which continent is Peru in?"];
  const answers = [
    "Paris.",
    "The capital of France is Paris.",
    "12.",
    "7 + 5 = 12, because adding 5 to 7 gives 12.",
    "a large natural stream of water.",
    "South America.",
  ];
  const items = questions.flatMap((q) => answers.map((completion) => ({ prompt: [{ role: "user" as const, content: q }], completion })));
  const scores = await scorer.score(items, { batchSize: 7 });
  const sequences = items.map((it) => scorer.encode(it));
  writeFileSync(out, JSON.stringify({ sequences, scores }));
  await scorer.release();
  console.log(`${items.length} scores written to ${out}`);
}

void main();
