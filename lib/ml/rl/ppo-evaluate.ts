// Evaluation on held-out prompts: the policy and the SFT reference each answer every prompt
// greedily (temperature 0, up to R tokens, stopping at the end token); the reward model scores
// both answers; the KL of the policy's answers to the reference is measured with the same
// scoring pass as the rollout (log-probabilities at the sampling temperature, k1):
//
//   scores            mean reward-model score of the policy's answers
//   scores_reference  the same for the SFT model's answers (computed once: it is frozen)
//   kl                mean over prompts of Σ_t (log π − log π_ref)(answer_t)
//   win_rate          share of prompts where the policy's answer scores higher (ties ½)
//   num_eos_tokens    policy answers that ended with the end token
//   samples           prompt, SFT answer, policy answer, both scores (the sample table)
//
// In metrics.jsonl the figures carry TRL's `eval_` prefix (eval_scores, eval_kl, …); the
// whole evaluation, sample table included, is a line of evaluations.jsonl (EvaluationLog).
// Scores here are the reward model's raw scores (no missing-end-token penalty).
import { existsSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import type { Gpt2Decoder } from "../nn/gpt2-decoder";
import type { PpoBatch, PpoShape } from "./ppo-batch";
import { rollout } from "./ppo-rollout";
import type { PpoScorer } from "./ppo-score";

export interface PpoSample {
  prompt: string;
  referenceAnswer: string;
  policyAnswer: string;
  referenceScore: number;
  policyScore: number;
}

export interface PpoEvaluation {
  iteration: number;
  episode: number;
  scores: number;
  scores_reference: number;
  kl: number;
  win_rate: number;
  num_eos_tokens: number;
  samples: PpoSample[];
}

export interface EvalPrompt {
  /** Token ids, fitted to P. */
  ids: number[];
  /** What the sample table shows. */
  text: string;
}

interface Answers {
  texts: string[];
  scores: number[];
  kl: number[];
  ended: boolean[];
}

export interface PpoEvaluatorOptions {
  shape: PpoShape;
  stopTokenId: number | null;
  padTokenId: number;
  /** Decodes response ids (without the end token) to text. */
  decode: (ids: readonly number[]) => string;
}

export class PpoEvaluator {
  private reference: Answers | null = null;

  constructor(
    readonly prompts: readonly EvalPrompt[],
    private readonly scorer: PpoScorer,
    private readonly options: PpoEvaluatorOptions,
  ) {}

  private async answer(decoder: Gpt2Decoder, policyWeights: Float32Array, valueWeights: Float32Array): Promise<Answers> {
    const rows = this.scorer.rows;
    const out: Answers = { texts: [], scores: [], kl: [], ended: [] };
    for (let start = 0; start < this.prompts.length; start += rows) {
      const chunk = this.prompts.slice(start, start + rows);
      const batch: PpoBatch = await rollout(
        decoder,
        chunk.map((p) => p.ids),
        { ...this.options, temperature: 0, topK: 0, topP: 1, seed: 0, rows },
      );
      const scored = await this.scorer.run(batch, policyWeights, valueWeights);
      const R = this.options.shape.responseLength;
      chunk.forEach((_, b) => {
        let kl = 0;
        for (let t = 0; t < R; t++) if (batch.mask[b * R + t] !== 0) kl += scored.logprobs[b * R + t] - scored.refLogprobs[b * R + t];
        const ids = batch.ended[b] ? batch.responses[b].slice(0, -1) : batch.responses[b];
        out.texts.push(this.options.decode(ids));
        out.scores.push(scored.scores[b]);
        out.kl.push(kl);
        out.ended.push(batch.ended[b]);
      });
    }
    return out;
  }

  /**
   * Evaluates the policy (its decoder and flat weights); the reference's answers come from
   * `referenceDecoder` at the first call and are kept.
   */
  async evaluate(
    at: { iteration: number; episode: number },
    policy: Gpt2Decoder,
    referenceDecoder: () => Promise<Gpt2Decoder>,
    policyWeights: Float32Array,
    valueWeights: Float32Array,
  ): Promise<PpoEvaluation> {
    if (!this.reference) {
      const decoder = await referenceDecoder();
      try {
        this.reference = await this.answer(decoder, policyWeights, valueWeights);
      } finally {
        await decoder.release();
      }
    }
    const ref = this.reference;
    const pol = await this.answer(policy, policyWeights, valueWeights);
    const n = Math.max(1, this.prompts.length);
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / n;
    const wins = pol.scores.map((s, i) => (s > ref.scores[i] ? 1 : s === ref.scores[i] ? 0.5 : 0));
    return {
      iteration: at.iteration,
      episode: at.episode,
      scores: mean(pol.scores),
      scores_reference: mean(ref.scores),
      kl: mean(pol.kl),
      win_rate: mean(wins),
      num_eos_tokens: pol.ended.filter(Boolean).length,
      samples: this.prompts.map((p, i) => ({
        prompt: p.text,
        referenceAnswer: ref.texts[i],
        policyAnswer: pol.texts[i],
        referenceScore: ref.scores[i],
        policyScore: pol.scores[i],
      })),
    };
  }
}

/** The figures of an evaluation (no sample table), for metrics.jsonl (which adds the eval_ prefix). */
export function evaluationFigures(e: PpoEvaluation): Record<string, number> {
  return { scores: e.scores, scores_reference: e.scores_reference, kl: e.kl, win_rate: e.win_rate, num_eos_tokens: e.num_eos_tokens };
}

export const EVALUATIONS_LOG_FILE = "evaluations.jsonl";

/**
 * evaluations.jsonl: one line per evaluation, sample table included; exactly once across
 * resumes like metrics.jsonl (opening it keeps the lines of iterations ≤ the checkpoint's).
 * Any evaluation with an `iteration` (PPO's, GRPO's).
 */
export class EvaluationLog<E extends { iteration: number } = PpoEvaluation> {
  private constructor(
    readonly path: string,
    private readonly lines: string[],
  ) {}

  static open<E extends { iteration: number } = PpoEvaluation>(path: string, resumeFrom: number | null): EvaluationLog<E> {
    const kept: string[] = [];
    if (resumeFrom !== null && existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        try {
          if ((JSON.parse(line) as E).iteration <= resumeFrom) kept.push(line);
        } catch {
          // a line torn by a crash mid-write: dropped, its evaluation is redone
        }
      }
    }
    writeFileSync(path, kept.map((l) => l + "\n").join(""));
    return new EvaluationLog<E>(path, kept);
  }

  append(e: E): void {
    const line = JSON.stringify(e);
    this.lines.push(line);
    appendFileSync(this.path, line + "\n");
  }

  content(): string {
    return this.lines.map((l) => l + "\n").join("");
  }

  last(): E | null {
    const l = this.lines.at(-1);
    return l ? (JSON.parse(l) as E) : null;
  }
}
