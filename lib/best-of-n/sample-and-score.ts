// Rejection sampling's engine: N answers per prompt from a policy (lib/generation's PalateModel:
// the chat template, the stop tokens, batched sampling with a seed), each scored by a reward model
// (lib/ml/rl/reward-scorer.ts, as `palate score`) or by rule reward functions (lib/rewards: a
// spec such as `accuracy,format=0.5`, each prompt's reference answer given), then the best kept
// (select.ts). No database: prompts in, choices out.
import { promptText } from "../datasets/prompt-text";
import { PalateModel } from "../generation/palate-model";
import { RewardScorer } from "../ml/rl/reward-scorer";
import type { ChatMessage } from "../ml/tokenizer";
import { combineRewards, type CombinedReward } from "../rewards/combine";
import { bestAnswer, type BestAnswer, type ScoredAnswer } from "./select";

export interface BestOfNPrompt {
  promptId: number;
  messages: ChatMessage[];
  reference: string | null;
}

/** How answers are scored: a reward model's directory, or a rule spec (lib/rewards/spec.ts). */
export type BestOfNScorer = { kind: "reward-model"; dir: string; label: string } | { kind: "rules"; spec: string };

export interface BestOfNOptions {
  policyDir: string;
  prompts: readonly BestOfNPrompt[];
  /** Answers sampled per prompt. */
  n: number;
  by: BestOfNScorer;
  /** Keep the best answer only when it scores at least this (null: keep every prompt's best). */
  threshold: number | null;
  sampling: { temperature: number; topP: number; topK: number; maxTokens: number; seed: number };
  /** Prompts per sampling call (each gives n rows); default promptsPerBatchOf(n). */
  promptsPerBatch?: number;
  /**
   * The index of the first prompt to sample (a resumed job's prompts done so far, a multiple of the
   * batch size): each batch's seed follows from its first prompt's index, so a resumed run samples
   * what an uninterrupted one would have.
   */
  from?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called with each batch's choices once scored, before the next batch is sampled; throwing stops the run (a job's cancellation). */
  onChunk?: (choices: BestOfNChoice[], done: number, total: number) => void | Promise<void>;
}

/** Prompts per sampling call by default: about 64 rows. */
export const promptsPerBatchOf = (n: number) => Math.max(1, Math.floor(64 / n));

export interface BestOfNChoice {
  prompt: BestOfNPrompt;
  /** Every answer with its score, in sampling order. */
  answers: ScoredAnswer[];
  best: BestAnswer | null;
}

export async function sampleAndScore(o: BestOfNOptions): Promise<BestOfNChoice[]> {
  if (!Number.isInteger(o.n) || o.n < 1) throw new Error(`n must be a positive integer, got ${o.n}`);
  const rules: CombinedReward | null = o.by.kind === "rules" ? combineRewards(o.by.spec) : null;
  const scorer = o.by.kind === "reward-model" ? await RewardScorer.load(o.by.dir) : null;
  const policy = await PalateModel.load(o.policyDir);
  const perBatch = Math.max(1, o.promptsPerBatch ?? promptsPerBatchOf(o.n));
  const out: BestOfNChoice[] = [];
  try {
    for (let start = o.from ?? 0; start < o.prompts.length; start += perBatch) {
      const chunk = o.prompts.slice(start, start + perBatch);
      const rows = chunk.flatMap((p) => Array.from({ length: o.n }, () => policy.encodeMessages(p.messages)));
      const completions = await policy.sample(rows, { ...o.sampling, stop: [], seed: o.sampling.seed + start * o.n });
      const rmScores = scorer
        ? await scorer.score(
            completions.map((c, i) => ({ prompt: chunk[Math.floor(i / o.n)].messages, completion: c.text })),
            { batchSize: 32 },
          )
        : null;
      const choices = chunk.map((prompt, p): BestOfNChoice => {
        const answers = completions.slice(p * o.n, (p + 1) * o.n).map((c, j): ScoredAnswer => {
          const i = p * o.n + j;
          const score = rmScores
            ? rmScores[i]
            : rules!.score({ prompt: promptText(prompt.messages), completion: c.text, reference: prompt.reference, completionTokens: c.tokenIds.length })
                .reward;
          return { text: c.text, score };
        });
        return { prompt, answers, best: bestAnswer(answers, o.threshold) };
      });
      out.push(...choices);
      const done = Math.min(o.prompts.length, start + perBatch);
      o.onProgress?.(done, o.prompts.length);
      await o.onChunk?.(choices, done, o.prompts.length);
    }
  } finally {
    await policy.close();
    await scorer?.release();
  }
  return out;
}
