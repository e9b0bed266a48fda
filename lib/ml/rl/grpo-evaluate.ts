// GRPO's evaluation on held-out prompts: the policy and the frozen reference each answer every
// prompt greedily (temperature 0, up to R tokens, stopping at the end token); the reward
// functions (and the reward model, when the run has one) score both answers; when the prompts
// carry reference answers, an exact-answer check marks each answer right or wrong.
//
//   reward              mean total reward of the policy's answers
//   reward_reference    the same for the reference's answers (computed once: it is frozen)
//   rewards/<name>      mean of each reward function (and `reward_model`) over the policy's answers
//   accuracy            share of the prompts with a reference answer that the policy answers
//                       exactly right; accuracy_reference the same for the reference (absent
//                       when no prompt has a reference answer)
//   completion_length   mean tokens of the policy's answers
//   samples             prompt, reference answer, both completions, their rewards and checks
//
// In metrics.jsonl the figures carry TRL's `eval_` prefix (eval_reward, eval_accuracy, …); the
// whole evaluation, sample table included, is a line of evaluations.jsonl (EvaluationLog).
import type { Gpt2Decoder } from "../nn/gpt2-decoder";
import type { PpoBatch, PpoShape } from "./ppo-batch";
import type { EvalPrompt } from "./ppo-evaluate";
import { rollout } from "./ppo-rollout";

/** A reward: the weighted total and each part's own value (each reward function's, unweighted). */
export interface GrpoRewardValue {
  total: number;
  parts: Readonly<Record<string, number>>;
}

export interface GrpoSample {
  prompt: string;
  /** The prompt's reference answer, when it has one. */
  answer: string | null;
  referenceCompletion: string;
  policyCompletion: string;
  referenceReward: number;
  policyReward: number;
  /** The exact-answer check (null: the prompt has no reference answer). */
  referenceCorrect: boolean | null;
  policyCorrect: boolean | null;
}

export interface GrpoEvaluation {
  iteration: number;
  episode: number;
  reward: number;
  reward_reference: number;
  /** Each reward part's mean over the policy's answers. */
  rewards: Record<string, number>;
  accuracy: number | null;
  accuracy_reference: number | null;
  completion_length: number;
  samples: GrpoSample[];
}

export interface GrpoEvalPrompt extends EvalPrompt {
  /** The reference answer shown in the sample table (null: none). */
  answer: string | null;
}

export interface GrpoEvaluatorOptions {
  shape: PpoShape;
  stopTokenId: number | null;
  padTokenId: number;
  /** Rows per generation batch. */
  rows: number;
  /** Decodes completion ids (without the end token) to text. */
  decode: (ids: readonly number[]) => string;
  /** The reward of completion `text` to held-out prompt `index`, given the batch for a reward model's score. */
  reward: (texts: readonly string[], indices: readonly number[], batch: PpoBatch) => Promise<GrpoRewardValue[]>;
  /** Whether `text` answers held-out prompt `index` exactly (null: no reference answer). */
  exactMatch?: (index: number, text: string) => boolean | null;
}

interface Answers {
  texts: string[];
  rewards: GrpoRewardValue[];
  correct: (boolean | null)[];
  lengths: number[];
}

export class GrpoEvaluator {
  private reference: Answers | null = null;

  constructor(
    readonly prompts: readonly GrpoEvalPrompt[],
    private readonly o: GrpoEvaluatorOptions,
  ) {}

  private async answer(decoder: Gpt2Decoder): Promise<Answers> {
    const out: Answers = { texts: [], rewards: [], correct: [], lengths: [] };
    for (let start = 0; start < this.prompts.length; start += this.o.rows) {
      const chunk = this.prompts.slice(start, start + this.o.rows);
      const batch = await rollout(
        decoder,
        chunk.map((p) => p.ids),
        { shape: this.o.shape, stopTokenId: this.o.stopTokenId, padTokenId: this.o.padTokenId, temperature: 0, topK: 0, topP: 1, seed: 0, rows: this.o.rows },
      );
      const indices = chunk.map((_, b) => start + b);
      const texts = chunk.map((_, b) => this.o.decode(batch.ended[b] ? batch.responses[b].slice(0, -1) : batch.responses[b]));
      const rewards = await this.o.reward(texts, indices, batch);
      texts.forEach((text, b) => {
        out.texts.push(text);
        out.rewards.push(rewards[b]);
        out.correct.push(this.o.exactMatch ? this.o.exactMatch(indices[b], text) : null);
        out.lengths.push(batch.responses[b].length);
      });
    }
    return out;
  }

  /** Evaluates the policy (its decoder); the reference's answers come from `referenceDecoder` at the first call and are kept. */
  async evaluate(at: { iteration: number; episode: number }, policy: Gpt2Decoder, referenceDecoder: () => Promise<Gpt2Decoder>): Promise<GrpoEvaluation> {
    if (!this.reference) {
      const decoder = await referenceDecoder();
      try {
        this.reference = await this.answer(decoder);
      } finally {
        await decoder.release();
      }
    }
    const ref = this.reference;
    const pol = await this.answer(policy);
    const mean = (x: number[]) => (x.length === 0 ? 0 : x.reduce((s, v) => s + v, 0) / x.length);
    const accuracy = (c: (boolean | null)[]) => {
      const known = c.filter((v): v is boolean => v !== null);
      return known.length === 0 ? null : known.filter(Boolean).length / known.length;
    };
    const names = [...new Set(pol.rewards.flatMap((r) => Object.keys(r.parts)))];
    return {
      iteration: at.iteration,
      episode: at.episode,
      reward: mean(pol.rewards.map((r) => r.total)),
      reward_reference: mean(ref.rewards.map((r) => r.total)),
      rewards: Object.fromEntries(names.map((n) => [n, mean(pol.rewards.map((r) => r.parts[n] ?? 0))])),
      accuracy: accuracy(pol.correct),
      accuracy_reference: accuracy(ref.correct),
      completion_length: mean(pol.lengths),
      samples: this.prompts.map((p, i) => ({
        prompt: p.text,
        answer: p.answer,
        referenceCompletion: ref.texts[i],
        policyCompletion: pol.texts[i],
        referenceReward: ref.rewards[i].total,
        policyReward: pol.rewards[i].total,
        referenceCorrect: ref.correct[i],
        policyCorrect: pol.correct[i],
      })),
    };
  }
}

/** The figures of an evaluation (no sample table), for metrics.jsonl (which adds the eval_ prefix). */
export function grpoEvaluationFigures(e: GrpoEvaluation): Record<string, number> {
  const out: Record<string, number> = { reward: e.reward, reward_reference: e.reward_reference };
  for (const [name, v] of Object.entries(e.rewards)) out[`rewards/${name}`] = v;
  if (e.accuracy !== null) out.accuracy = e.accuracy;
  if (e.accuracy_reference !== null) out.accuracy_reference = e.accuracy_reference;
  out.completion_length = e.completion_length;
  return out;
}
