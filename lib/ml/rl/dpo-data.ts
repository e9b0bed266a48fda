// DPO's data side, pure functions: rankings → preference pairs (prompt, chosen, rejected), token
// ids, the run's static shape, and batches in ppo-batch.ts's layout.
//
// The input is the reward model's (reward-data.ts's RankingExample: a prompt, K completions and
// their pair counts), so a project's rankings, a snapshot and a `trl` file all arrive the same
// way and are split by prompt the same way. Every pair a ranking implies becomes one DPO pair,
// weighted by how many rankings imply it (several annotators agreeing on a pair count it that
// many times, as their separate rows would in TRL's dataset).
//
// A pair is laid out as two rows of a [2B, P + R] batch, the chosen completion in row b and the
// rejected one in row B + b: the prompt (chat template + `<|assistant|>`) left-padded to P, the
// completion (its tokens + `<|end|>`, as the SFT data ends an answer) right-padded to R. A prompt
// longer than P loses its first tokens; a completion longer than R loses its end.
import { encodeChat, type ChatMessage, type ChatTokenizer } from "../tokenizer/chat-template";
import { END_MARKER } from "../tokenizer/special-tokens";
import { fitPrompt, makePpoBatch, type PpoBatch, type PpoShape } from "./ppo-batch";
import { pairMatrix, type RankingExample } from "./reward-data";

export interface DpoPair {
  /** The split key of the example it came from (its prompt). */
  promptKey: string;
  prompt: ChatMessage[];
  chosen: string;
  rejected: string;
  /** How many rankings imply this pair (> 0). */
  weight: number;
}

/** Every pair an example's rankings imply (chosen over rejected), in row-major order of its pair matrix. */
export function pairsOfExample(e: RankingExample): DpoPair[] {
  const k = e.completions.length;
  const m = pairMatrix(e);
  const out: DpoPair[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = m[i * k + j];
      if (w > 0) out.push({ promptKey: e.promptKey, prompt: e.prompt, chosen: e.completions[i], rejected: e.completions[j], weight: w });
    }
  }
  return out;
}

export interface EncodedPair {
  /** Prompt ids, ending with `<|assistant|>` (not yet fitted to P). */
  prompt: number[];
  /** Completion ids, ending with `<|end|>` (not yet fitted to R). */
  chosen: number[];
  rejected: number[];
  weight: number;
}

/** A completion's ids as the model sees an answer: its tokens, then `<|end|>`. */
export function encodeAnswer(tokenizer: ChatTokenizer, text: string): number[] {
  const end = tokenizer.tokenToId(END_MARKER);
  if (end === undefined) throw new Error(`the tokenizer has no ${END_MARKER} token`);
  return [...(text.length > 0 ? tokenizer.encode(text) : []), end];
}

export function encodePairs(tokenizer: ChatTokenizer, pairs: readonly DpoPair[]): EncodedPair[] {
  return pairs.map((p) => ({
    prompt: encodeChat(tokenizer, p.prompt, { addGenerationPrompt: true }).ids,
    chosen: encodeAnswer(tokenizer, p.chosen),
    rejected: encodeAnswer(tokenizer, p.rejected),
    weight: p.weight,
  }));
}

export interface DpoShapeReport {
  shape: PpoShape;
  /** Prompts longer than P (cut to their last P tokens). */
  truncatedPrompts: number;
  /** Completions longer than R (cut to their first R tokens). */
  truncatedCompletions: number;
}

/**
 * The run's static shape: P = the longest prompt, at most maxPromptLength; R = the longest
 * completion, at most maxLength − P; P + R at most the model's context.
 */
export function dpoShape(pairs: readonly EncodedPair[], o: { maxLength: number; maxPromptLength: number; nPositions: number }): DpoShapeReport {
  const total = Math.min(o.maxLength, o.nPositions);
  let longestPrompt = 1;
  let longestCompletion = 1;
  for (const p of pairs) {
    longestPrompt = Math.max(longestPrompt, p.prompt.length);
    longestCompletion = Math.max(longestCompletion, p.chosen.length, p.rejected.length);
  }
  const P = Math.min(longestPrompt, o.maxPromptLength, total - 1);
  const R = Math.min(longestCompletion, total - P);
  let truncatedPrompts = 0;
  let truncatedCompletions = 0;
  for (const p of pairs) {
    if (p.prompt.length > P) truncatedPrompts++;
    if (p.chosen.length > R) truncatedCompletions++;
    if (p.rejected.length > R) truncatedCompletions++;
  }
  return { shape: { promptLength: P, responseLength: R }, truncatedPrompts, truncatedCompletions };
}

export interface DpoBatch {
  /** 2B rows: chosen completions in rows 0 … B−1, rejected in B … 2B−1; mask [2B, R] on completion tokens. */
  batch: PpoBatch;
  /** [B]: each pair's weight, 0 for the empty rows past `count`. */
  weights: Float32Array;
  /** Pairs in the batch (≤ B). */
  count: number;
}

/** Packs at most B pairs into a batch of static shape [2B, P + R]; rows past `pairs.length` are empty. */
export function makeDpoBatch(pairs: readonly EncodedPair[], B: number, shape: PpoShape, padTokenId: number): DpoBatch {
  if (pairs.length > B) throw new Error(`makeDpoBatch: ${pairs.length} pairs for a batch of ${B}`);
  const fit = (ids: readonly number[]) => ids.slice(0, shape.responseLength);
  const prompts: number[][] = [];
  const responses: number[][] = [];
  const dummy = [padTokenId];
  for (const side of ["chosen", "rejected"] as const) {
    for (let b = 0; b < B; b++) {
      const p = pairs[b];
      prompts.push(p ? fitPrompt(p.prompt, shape.promptLength) : dummy);
      responses.push(p ? fit(p[side]) : []);
    }
  }
  const batch = makePpoBatch(prompts, responses, new Array<boolean>(2 * B).fill(true), shape, padTokenId);
  // Dummy rows: no attention anywhere but their one pad token, no completion tokens (mask 0).
  const weights = new Float32Array(B);
  pairs.forEach((p, b) => (weights[b] = p.weight));
  return { batch, weights, count: pairs.length };
}

/** The reference log-probabilities of the pairs `index` laid out as a batch's rows ([chosen… | rejected…], 2B, 0 past the pairs). */
export function refLogpsFeed(refChosen: Float32Array, refRejected: Float32Array, index: readonly number[], B: number): Float32Array {
  const out = new Float32Array(2 * B);
  index.forEach((i, b) => {
    out[b] = refChosen[i];
    out[B + b] = refRejected[i];
  });
  return out;
}
