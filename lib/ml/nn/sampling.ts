// Choosing the next token: temperature, top-k, top-p (nucleus).
//
// The order follows Hugging Face's `generate`: temperature first, then top-k, then top-p,
// then a draw from the renormalized distribution. Temperature 0 means greedy (argmax).
// The logprob returned is always the one under the UNMODIFIED model distribution
// (log-softmax of the raw, temperature-1 logits): that is what PPO and KL penalties need.
//
// The core, sampleFromProbs, takes the tempered distribution softmax(logits / T) and the
// raw log-probabilities already computed (the decoder graph does both in onnxruntime, so
// a step costs no exp() in TypeScript); sampleToken does the same from raw logits.

export interface SamplingOptions {
  /** Divides the logits; 0 picks the argmax (greedy). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens; 0 keeps all. Default 0. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. Default 1. */
  topP?: number;
}

export interface SampledToken {
  id: number;
  /** log p(id) under the raw model distribution (temperature 1, no truncation). */
  logprob: number;
}

/** log Σ exp(logits[i]) over one row, computed stably. */
export function logSumExp(logits: ArrayLike<number>, offset = 0, length = logits.length - offset): number {
  let max = -Infinity;
  for (let i = 0; i < length; i++) if (logits[offset + i] > max) max = logits[offset + i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(logits[offset + i] - max);
  return max + Math.log(sum);
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    if (values[offset + i] > bestValue) {
      bestValue = values[offset + i];
      best = i;
    }
  }
  return best;
}

/**
 * Samples one token of a row given `probs` = softmax(logits / temperature) and
 * `logprobs` = log_softmax(logits), both at `offset` with `vocab` entries. `uniform` is a
 * draw from [0, 1); callers draw it even when decoding greedily, so that a seeded stream
 * of draws stays aligned whatever the options.
 */
export function sampleFromProbs(
  probs: ArrayLike<number>,
  logprobs: ArrayLike<number>,
  options: SamplingOptions,
  uniform: number,
  offset = 0,
  vocab = probs.length - offset,
): SampledToken {
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  const pick = (id: number): SampledToken => ({ id, logprob: logprobs[offset + id] });
  if (!(temperature > 0)) return pick(argmax(logprobs, offset, vocab));

  if (!((topK > 0 && topK < vocab) || topP < 1)) {
    // Inverse CDF over the whole distribution (scaled by its sum, ~1 up to rounding).
    let total = 0;
    for (let i = 0; i < vocab; i++) total += probs[offset + i];
    let target = uniform * total;
    let last = 0;
    for (let i = 0; i < vocab; i++) {
      const p = probs[offset + i];
      if (p > 0) last = i;
      target -= p;
      if (target < 0) return pick(i);
    }
    return pick(last);
  }

  // Candidates sorted by probability (ties by id), cut to top-k, then to top-p.
  const order = new Array<number>(vocab);
  for (let i = 0; i < vocab; i++) order[i] = i;
  order.sort((a, b) => probs[offset + b] - probs[offset + a] || a - b);
  let keep = topK > 0 && topK < vocab ? topK : vocab;
  let total = 0;
  for (let j = 0; j < keep; j++) total += probs[offset + order[j]];
  if (topP < 1) {
    let mass = 0;
    let n = 0;
    while (n < keep) {
      mass += probs[offset + order[n]] / total;
      n++;
      if (mass >= topP) break;
    }
    keep = n;
    total = 0;
    for (let j = 0; j < keep; j++) total += probs[offset + order[j]];
  }
  let target = uniform * total;
  for (let j = 0; j < keep; j++) {
    target -= probs[offset + order[j]];
    if (target < 0) return pick(order[j]);
  }
  return pick(order[keep - 1]);
}

/** Samples one token from raw logits `logits[offset .. offset+vocab)` (see sampleFromProbs). */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, uniform: number, offset = 0, vocab = logits.length - offset): SampledToken {
  const temperature = options.temperature ?? 1;
  const lse = logSumExp(logits, offset, vocab);
  const logprobs = new Float64Array(vocab);
  for (let i = 0; i < vocab; i++) logprobs[i] = logits[offset + i] - lse;
  const probs = new Float64Array(vocab);
  if (temperature > 0) {
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) if (logits[offset + i] > max) max = logits[offset + i];
    for (let i = 0; i < vocab; i++) probs[i] = Math.exp((logits[offset + i] - max) / temperature);
  }
  return sampleFromProbs(probs, logprobs, options, uniform);
}
