import { splitPreTokens } from "./byte-level";
import { initialVocab, type BpeModel } from "./bpe-model";
import { DEFAULT_SPECIAL_TOKENS, splitOnSpecialTokens } from "./special-tokens";

export interface TrainBpeOptions {
  /** Target vocabulary size, special tokens and the 256 byte symbols included. */
  vocabSize: number;
  /** Special tokens, given ids 0..n-1 and never merged; default {@link DEFAULT_SPECIAL_TOKENS}. */
  specialTokens?: readonly string[];
  /** Stop when the most frequent pair occurs fewer times than this (default 2). */
  minFrequency?: number;
}

const PAIR_SHIFT = 65536; // pair key = left * PAIR_SHIFT + right; ids stay below 2^16
const MAX_VOCAB = PAIR_SHIFT;

/**
 * Max-heap of (count, pair) with lazy invalidation: entries are never updated in
 * place; a popped entry whose count no longer matches the live count is re-queued.
 * Ties on count go to the smaller pair key, i.e. the smaller (left id, right id).
 */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  private above(i: number, j: number): boolean {
    const ci = this.counts[i] as number;
    const cj = this.counts[j] as number;
    return ci > cj || (ci === cj && (this.keys[i] as number) < (this.keys[j] as number));
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i] as number;
    this.counts[i] = this.counts[j] as number;
    this.counts[j] = c;
    const k = this.keys[i] as number;
    this.keys[i] = this.keys[j] as number;
    this.keys[j] = k;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the top entry and returns it as [count, key]. */
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0] as number, this.keys[0] as number];
    const lastCount = this.counts.pop() as number;
    const lastKey = this.keys.pop() as number;
    const n = this.keys.length;
    if (n > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < n && this.above(l, best)) best = l;
        if (r < n && this.above(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/** Counts GPT-2 pre-tokens (plain text) over the corpus, special tokens removed. */
export function countWords(corpus: Iterable<string>, specialTokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of corpus) {
    for (const piece of splitOnSpecialTokens(doc, specialTokens)) {
      if (piece.special) continue;
      for (const w of splitPreTokens(piece.text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Learns a GPT-2 style byte-level BPE vocabulary from a corpus of documents.
 *
 * Words (pre-tokens) are counted once; each word is a sequence of token ids. A merge
 * of the most frequent adjacent pair rewrites only the words that contain it (found
 * through a pair → words index) and updates the neighbouring pair counts
 * incrementally; a lazy max-heap picks the next pair. Ties on count go to the pair
 * with the smaller (left id, right id), so training is deterministic.
 */
export function trainBpe(corpus: Iterable<string>, options: TrainBpeOptions): BpeModel {
  const specialTokens = [...(options.specialTokens ?? DEFAULT_SPECIAL_TOKENS)];
  const minFrequency = options.minFrequency ?? 2;
  const vocab = initialVocab(specialTokens);
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < vocab.length || options.vocabSize > MAX_VOCAB) {
    throw new Error(`trainBpe: vocabSize must be an integer in [${vocab.length}, ${MAX_VOCAB}], got ${options.vocabSize}`);
  }
  const byteOffset = specialTokens.length;
  const tokenToId = new Map<string, number>();
  vocab.forEach((t, i) => {
    if (i >= byteOffset) tokenToId.set(t, i);
  });

  // Words as id sequences, with their frequencies.
  const wordCounts = countWords(corpus, specialTokens);
  const utf8 = new TextEncoder();
  const words: Int32Array[] = [];
  const freqs: number[] = [];
  for (const [w, f] of wordCounts) {
    const bytes = utf8.encode(w);
    const ids = new Int32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = (bytes[i] as number) + byteOffset;
    words.push(ids);
    freqs.push(f);
  }
  const lens = new Int32Array(words.map((w) => w.length));

  // Pair counts and the pair → words index.
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const indexWord = (key: number, w: number): void => {
    const list = pairWords.get(key);
    if (list === undefined) pairWords.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  for (let w = 0; w < words.length; w++) {
    const ids = words[w] as Int32Array;
    const f = freqs[w] as number;
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = (ids[i] as number) * PAIR_SHIFT + (ids[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + f);
      indexWord(key, w);
    }
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const merges: [string, string][] = [];
  const delta = new Map<number, number>();
  const add = (key: number, d: number): void => {
    delta.set(key, (delta.get(key) ?? 0) + d);
  };

  while (vocab.length < options.vocabSize && heap.size > 0) {
    const [count, key] = heap.pop();
    const live = pairCounts.get(key) ?? 0;
    if (live !== count) {
      if (live > 0) heap.push(live, key);
      continue;
    }
    if (count < minFrequency) break;

    const a = Math.floor(key / PAIR_SHIFT);
    const b = key % PAIR_SHIFT;
    const left = vocab[a] as string;
    const right = vocab[b] as string;
    const merged = left + right;
    let x = tokenToId.get(merged);
    if (x === undefined) {
      x = vocab.length;
      vocab.push(merged);
      tokenToId.set(merged, x);
    }
    merges.push([left, right]);

    // Rewrite every word containing (a, b), accumulating pair-count changes.
    delta.clear();
    for (const w of pairWords.get(key) ?? []) {
      const ids = words[w] as Int32Array;
      const n = lens[w] as number;
      const f = freqs[w] as number;
      let j = 0;
      let changed = false;
      for (let i = 0; i < n;) {
        if (i + 1 < n && ids[i] === a && ids[i + 1] === b) {
          if (j > 0) {
            const prev = ids[j - 1] as number;
            add(prev * PAIR_SHIFT + a, -f);
            const k = prev * PAIR_SHIFT + x;
            add(k, f);
            indexWord(k, w);
          }
          if (i + 2 < n) {
            const next = ids[i + 2] as number;
            add(b * PAIR_SHIFT + next, -f);
            const k = x * PAIR_SHIFT + next;
            add(k, f);
            indexWord(k, w);
          }
          ids[j++] = x;
          i += 2;
          changed = true;
        } else {
          ids[j++] = ids[i++] as number;
        }
      }
      if (changed) lens[w] = j;
    }
    pairCounts.delete(key);
    pairWords.delete(key);
    for (const [k, d] of delta) {
      if (k === key || d === 0) continue;
      const c = (pairCounts.get(k) ?? 0) + d;
      if (c > 0) pairCounts.set(k, c);
      else pairCounts.delete(k);
      if (d > 0 && c > 0) heap.push(c, k);
    }
  }

  return { vocab, merges, specialTokens };
}
