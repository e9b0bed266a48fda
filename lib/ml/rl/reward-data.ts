// The reward model's data side, pure functions: rankings → pair matrices, token sequences,
// a deterministic split by prompt, a hash of the training set, and static-shape batches.
//
// One example is one ranking of K ≥ 2 completions of one prompt (InstructGPT: one prompt =
// one batch element, all K-choose-2 pairs at once). A sequence is the chat template of the
// prompt plus the completion as the assistant's answer, `…<|assistant|>answer<|end|>`, no
// bos, right-padded with 0; a sequence longer than maxLength loses its first tokens.
import { createHash } from "node:crypto";
import { Random } from "../random";
import { encodeChat, type ChatMessage, type ChatTokenizer } from "../tokenizer/chat-template";
import { heldOutPromptCount } from "./prompt-split";
import { preferenceMatrix } from "./ranking-loss";

export { heldOutPromptCount };

export interface RankingExample {
  /** Split key: examples with the same key are always on the same side of the validation split (use the prompt). */
  promptKey: string;
  /** The conversation before the answer. */
  prompt: ChatMessage[];
  /** K ≥ 2 answers. */
  completions: string[];
  /**
   * Completion indices, best group first; indices in one group are tied; an index may be
   * absent (then in no pair). Several rankings of the same completions may be merged by the
   * caller into one example via `preferences`.
   */
  groups: number[][];
  /**
   * Optional: a K×K matrix of pair counts (i over j), e.g. the sum of several annotators'
   * rankings of the same completions. When given, it replaces `groups` for the loss.
   */
  preferences?: number[][];
  /**
   * Optional: the margin every pair of this example asks for (a pairwise answer's strength:
   * 2 much better, 1 better), used when config.marginFromStrength is on; default 0.
   */
  margin?: number;
  /** The annotator marked no completion acceptable; such rankings are used only with config.includeNoneAcceptable. */
  noneAcceptable?: boolean;
  /** Caller's id, echoed in outputs (e.g. a task id). */
  id?: string | number;
}

/** Throws, naming the example and the field, unless the example is well formed. */
export function validateRankingExample(e: RankingExample, index: number): void {
  const where = `ranking example ${index}${e.id !== undefined ? ` (id ${e.id})` : ""}`;
  const k = e.completions?.length ?? 0;
  if (typeof e.promptKey !== "string") throw new Error(`${where}: promptKey must be a string`);
  if (!Array.isArray(e.prompt)) throw new Error(`${where}: prompt must be an array of chat messages`);
  if (k < 2) throw new Error(`${where}: completions must hold at least 2 answers, got ${k}`);
  if (e.completions.some((c) => typeof c !== "string")) throw new Error(`${where}: completions must be strings`);
  const seen = new Set<number>();
  for (const group of e.groups ?? []) {
    for (const i of group) {
      if (!Number.isInteger(i) || i < 0 || i >= k) throw new Error(`${where}: groups: index ${i} is not a completion index (0..${k - 1})`);
      if (seen.has(i)) throw new Error(`${where}: groups: index ${i} appears twice`);
      seen.add(i);
    }
  }
  if (e.margin !== undefined && (typeof e.margin !== "number" || !Number.isFinite(e.margin)))
    throw new Error(`${where}: margin must be a finite number, got ${String(e.margin)}`);
  if (e.preferences !== undefined) {
    const p = e.preferences;
    if (p.length !== k || p.some((row) => row.length !== k)) throw new Error(`${where}: preferences must be a ${k}×${k} matrix`);
    p.forEach((row, i) =>
      row.forEach((v, j) => {
        if (!Number.isFinite(v) || v < 0) throw new Error(`${where}: preferences[${i}][${j}] must be a finite count ≥ 0, got ${v}`);
        if (i === j && v !== 0) throw new Error(`${where}: preferences[${i}][${i}] must be 0`);
      }),
    );
  }
}

/** The K×K pair-count matrix of an example, row-major: `preferences` if given, else from `groups`. */
export function pairMatrix(e: RankingExample): Float64Array {
  const k = e.completions.length;
  if (e.preferences) return Float64Array.from(e.preferences.flat());
  return preferenceMatrix(e.groups, k);
}

/** The number of pairs (the sum of pair counts) an example contributes to the loss. */
export function pairCount(e: RankingExample): number {
  return pairMatrix(e).reduce((s, v) => s + v, 0);
}

/** Token ids of prompt + completion in the chat template, cut from the start to maxLength. */
export function encodeCompletion(tokenizer: ChatTokenizer, prompt: readonly ChatMessage[], completion: string, maxLength: number): number[] {
  const { ids } = encodeChat(tokenizer, [...prompt, { role: "assistant", content: completion }]);
  return ids.length > maxLength ? ids.slice(ids.length - maxLength) : ids;
}

/**
 * Splits by promptKey: the distinct keys, sorted, are shuffled with the seed and the first
 * round(fraction · keys) go to eval (at least one when fraction > 0 and there are two keys or
 * more; never all). Every example follows its key, so no prompt is on both sides.
 */
export function splitByPrompt<T extends { promptKey: string }>(examples: readonly T[], fraction: number, seed: number): { train: T[]; eval: T[] } {
  const keys = [...new Set(examples.map((e) => e.promptKey))].sort();
  const n = heldOutPromptCount(keys.length, fraction);
  const evalKeys = new Set(new Random(seed).shuffle(keys).slice(0, n));
  const train: T[] = [];
  const evalSet: T[] = [];
  for (const e of examples) (evalKeys.has(e.promptKey) ? evalSet : train).push(e);
  return { train, eval: evalSet };
}

/** The canonical serialization of one example (field order fixed, absent fields as null). */
function canonical(e: RankingExample): unknown[] {
  const base = [e.promptKey, e.prompt.map((m) => [m.role, m.content]), e.completions, e.groups, e.preferences ?? null, e.noneAcceptable ?? false, e.id ?? null];
  // A margin joins the hash only when there is one, so sets without margins hash as before.
  return e.margin ? [...base, e.margin] : base;
}

/** sha256 (hex) of the canonical serialization of the examples, in the order given. */
export function trainingSetHash(examples: readonly RankingExample[]): string {
  const h = createHash("sha256");
  for (const e of examples) h.update(JSON.stringify(canonical(e)) + "\n");
  return h.digest("hex");
}

/** An example as token sequences and its pair matrix. */
export interface EncodedRanking {
  /** One token sequence per completion (k of them). */
  sequences: number[][];
  /** k×k pair counts, row-major. */
  pairs: Float64Array;
  /** The margin of its pairs (RankingExample.margin; 0 without one). */
  margin: number;
  /** Index of the example in the list it was encoded from. */
  index: number;
}

export function encodeRankings(tokenizer: ChatTokenizer, examples: readonly RankingExample[], maxLength: number): EncodedRanking[] {
  return examples.map((e, index) => ({
    sequences: e.completions.map((c) => encodeCompletion(tokenizer, e.prompt, c, maxLength)),
    pairs: pairMatrix(e),
    margin: e.margin ?? 0,
    index,
  }));
}

/** The static batch shape: K = most completions, T = min(maxLength, longest sequence rounded up to a multiple of 8). */
export function batchShape(rankings: readonly EncodedRanking[], maxLength: number): { k: number; seqLen: number } {
  let k = 2;
  let longest = 1;
  for (const r of rankings) {
    k = Math.max(k, r.sequences.length);
    for (const s of r.sequences) longest = Math.max(longest, s.length);
  }
  return { k, seqLen: Math.min(maxLength, Math.ceil(longest / 8) * 8) };
}

/** One batch of B rankings × K completions, as the training and evaluation graphs take it. */
export interface RankingBatch {
  /** int64 [B·K, T]: right-padded with padId; dummy completions are all padding. */
  inputIds: BigInt64Array;
  /** float32 [B·K, T]: one-hot at each sequence's last token; all zero for dummies. */
  lastTokenMask: Float32Array;
  /** float32 [B, K, K]: pair counts (0 for dummies). */
  preferences: Float32Array;
  /** float32 [B, K]: 1 for real completions, 0 for dummies (and for empty batch rows). */
  valid: Float32Array;
  /** float32 [B]: each ranking's margin (0 for empty rows). */
  margins: Float32Array;
  /** Rankings in the batch (≤ B; the remaining rows are empty). */
  count: number;
}

/** Packs rankings (at most B) into a batch of static shape [B, K, T]; rows past `rankings.length` are empty. */
export function makeRankingBatch(rankings: readonly EncodedRanking[], shape: { batchSize: number; k: number; seqLen: number }, padId = 0): RankingBatch {
  const { batchSize: B, k: K, seqLen: T } = shape;
  if (rankings.length > B) throw new Error(`makeRankingBatch: ${rankings.length} rankings for a batch of ${B}`);
  const inputIds = new BigInt64Array(B * K * T).fill(BigInt(padId));
  const lastTokenMask = new Float32Array(B * K * T);
  const preferences = new Float32Array(B * K * K);
  const valid = new Float32Array(B * K);
  const margins = new Float32Array(B);
  rankings.forEach((r, b) => {
    margins[b] = r.margin ?? 0;
    const k = r.sequences.length;
    if (k > K) throw new Error(`makeRankingBatch: a ranking has ${k} completions, the batch holds ${K}`);
    r.sequences.forEach((seq, i) => {
      if (seq.length === 0) throw new Error("makeRankingBatch: empty sequence");
      const ids = seq.length > T ? seq.slice(seq.length - T) : seq;
      const row = (b * K + i) * T;
      for (let t = 0; t < ids.length; t++) inputIds[row + t] = BigInt(ids[t]);
      lastTokenMask[row + ids.length - 1] = 1;
      valid[b * K + i] = 1;
      for (let j = 0; j < k; j++) preferences[(b * K + i) * K + j] = r.pairs[i * k + j];
    });
  });
  return { inputIds, lastTokenMask, preferences, valid, margins, count: rankings.length };
}
