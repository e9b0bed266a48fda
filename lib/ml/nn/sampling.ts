// Choosing the next token from one row of logits: temperature, top-k, top-p (nucleus).
//
// The order follows Hugging Face's `generate`: temperature first, then top-k, then top-p,
// then a draw from the renormalized distribution. Temperature 0 means greedy (argmax).
// The logprob returned is always the one under the UNMODIFIED model distribution
// (log-softmax of the raw, temperature-1 logits): that is what PPO and KL penalties need.

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
 * Samples one token from `logits[offset .. offset+vocab)`.
 * `uniform` is a draw from [0, 1); it is consumed even when decoding greedily, so that a
 * seeded stream of draws stays aligned whatever the options.
 */
export function sampleToken(
  logits: ArrayLike<number>,
  options: SamplingOptions,
  uniform: number,
  offset = 0,
  vocab = logits.length - offset,
): SampledToken {
  const temperature = options.temperature ?? 1;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  const lse = logSumExp(logits, offset, vocab);
  if (!(temperature > 0)) {
    const id = argmax(logits, offset, vocab);
    return { id, logprob: logits[offset + id] - lse };
  }

  // Candidates: all tokens, or the top-k / top-p subset sorted by logit descending.
  let candidates: number[] | null = null;
  if ((topK > 0 && topK < vocab) || topP < 1) {
    const all = new Array<number>(vocab);
    for (let i = 0; i < vocab; i++) all[i] = i;
    all.sort((a, b) => logits[offset + b] - logits[offset + a] || a - b);
    candidates = topK > 0 && topK < vocab ? all.slice(0, topK) : all;
  }

  if (candidates === null) {
    // Plain multinomial over softmax(logits / T).
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) if (logits[offset + i] > max) max = logits[offset + i];
    const weights = new Float64Array(vocab);
    let total = 0;
    for (let i = 0; i < vocab; i++) {
      const w = Math.exp((logits[offset + i] - max) / temperature);
      weights[i] = w;
      total += w;
    }
    let target = uniform * total;
    for (let i = 0; i < vocab; i++) {
      target -= weights[i];
      if (target < 0) return { id: i, logprob: logits[offset + i] - lse };
    }
    const last = lastPositive(weights);
    return { id: last, logprob: logits[offset + last] - lse };
  }

  const max = logits[offset + candidates[0]];
  const weights = candidates.map((id) => Math.exp((logits[offset + id] - max) / temperature));
  let total = weights.reduce((s, w) => s + w, 0);
  if (topP < 1) {
    // Keep the shortest prefix whose mass reaches topP (always at least one token).
    let mass = 0;
    let keep = 0;
    while (keep < weights.length) {
      mass += weights[keep] / total;
      keep++;
      if (mass >= topP) break;
    }
    weights.length = keep;
    candidates = candidates.slice(0, keep);
    total = weights.reduce((s, w) => s + w, 0);
  }
  let target = uniform * total;
  for (let j = 0; j < candidates.length; j++) {
    target -= weights[j];
    if (target < 0) return { id: candidates[j], logprob: logits[offset + candidates[j]] - lse };
  }
  const id = candidates[candidates.length - 1];
  return { id, logprob: logits[offset + id] - lse };
}

function lastPositive(weights: Float64Array): number {
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
  return 0;
}
