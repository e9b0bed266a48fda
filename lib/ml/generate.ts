// Batched sampling from a GPT-2 with a KV cache.
//
// Prompts of different lengths are left-padded into one batch; attention_mask hides the
// padding and position_ids count real tokens only (position = cumsum(mask) − 1, as HF's
// generate does), so every row sees exactly what it would see alone. The prompt runs in
// one forward pass, then one token per row per step, reusing a static KV cache
// (nn/gpt2-decoder.ts).
//
// Per sequence the result holds the sampled token ids, their text, and the log-probability
// of each sampled token under the UNMODIFIED model distribution — log-softmax of the raw
// (temperature-1) logits, before temperature, top-k or top-p — which is what PPO's ratio
// and the KL penalty need. Sampling is reproducible: one seeded stream, one draw per row
// per step, whatever the options and whichever rows have finished.
import type { Gpt2Decoder } from "./nn/gpt2-decoder";
import { sampleFromProbs, type SamplingOptions } from "./nn/sampling";
import { Random } from "./random";

export interface GenerateOptions extends SamplingOptions {
  /** Upper bound on new tokens per sequence (clamped so prompt + new ≤ n_positions). */
  maxNewTokens: number;
  /** Stop a sequence when it samples one of these ids (the id is kept in tokenIds). */
  eosTokenIds?: readonly number[];
  /** Stop a sequence when its text contains one of these (the text is cut before it). */
  stopStrings?: readonly string[];
  /** Seed of the sampling stream; default 0. */
  seed?: number;
  /** Id used for left padding and for rows that have finished; default the first EOS id, else 0. */
  padTokenId?: number;
  /**
   * Told of every sampled token as it is sampled (streaming): the row, its completion so far
   * (the token is its last), and whether the row has just finished by EOS or a stop string —
   * then its finishReason and text are final. Rows that reach the length limit are not told.
   */
  onToken?: (row: number, completion: Readonly<Completion>, finished: boolean) => void;
  /** Aborts generation between steps (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

export type FinishReason = "eos" | "stop" | "length";

export interface Completion {
  /** The sampled ids, the EOS or stop-completing token included. */
  tokenIds: number[];
  /** log p(tokenIds[i] | prompt, tokenIds[..i]) under the raw model distribution. */
  logprobs: number[];
  /** Decoded completion, without a final EOS token and cut before a stop string. */
  text: string;
  finishReason: FinishReason;
}

/** What generation needs from a tokenizer. */
export interface TextCodec {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/** Left-padded batch of prompts: ids, attention mask and HF position ids, [batch, length]. */
export function leftPad(prompts: readonly (readonly number[])[], padTokenId: number) {
  const length = Math.max(...prompts.map((p) => p.length));
  const B = prompts.length;
  const inputIds = new BigInt64Array(B * length).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(B * length);
  const positionIds = new BigInt64Array(B * length).fill(1n);
  prompts.forEach((p, b) => {
    const pad = length - p.length;
    for (let t = 0; t < p.length; t++) {
      inputIds[b * length + pad + t] = BigInt(p[t]);
      attentionMask[b * length + pad + t] = 1n;
      positionIds[b * length + pad + t] = BigInt(t);
    }
  });
  return { inputIds, attentionMask, positionIds, length };
}

/**
 * Samples a completion for each prompt (token ids). `decode` turns ids into text; it is
 * required for stop strings and for the text of the results (without it text is "").
 */
export async function generate(
  model: Gpt2Decoder,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
  decode?: (ids: readonly number[]) => string,
): Promise<Completion[]> {
  const B = prompts.length;
  if (B === 0) return [];
  if (prompts.some((p) => p.length === 0)) throw new Error("generate: every prompt needs at least one token");
  const { vocabSize: V, nPositions } = model.config;
  const eos = new Set(options.eosTokenIds ?? []);
  const stopStrings = (options.stopStrings ?? []).filter((s) => s.length > 0);
  if (stopStrings.length > 0 && !decode) throw new Error("generate: stop strings need a decode function");
  const pad = options.padTokenId ?? options.eosTokenIds?.[0] ?? 0;
  const rng = new Random(options.seed ?? 0);

  const batch = leftPad(prompts, pad);
  const L = batch.length;
  const maxNew = Math.min(options.maxNewTokens, nPositions - L);
  if (maxNew <= 0) {
    if (options.maxNewTokens > 0) throw new Error(`generate: the longest prompt (${L} tokens) leaves no room within n_positions (${nPositions})`);
    return prompts.map(() => ({ tokenIds: [], logprobs: [], text: "", finishReason: "length" }));
  }

  const results: Completion[] = prompts.map(() => ({ tokenIds: [], logprobs: [], text: "", finishReason: "length" }));
  const done = new Array<boolean>(B).fill(false);
  const cache = model.newCache(B, L + maxNew);
  const temperature = options.temperature ?? 1;
  let dist = await model.step(cache, L, batch.inputIds, batch.positionIds, batch.attentionMask, temperature); // [B, V] each
  const visible = new BigInt64Array(B).fill(1n);
  const finalText = (r: Completion, text?: string) => {
    if (!decode) return;
    text ??= decode(r.finishReason === "eos" ? r.tokenIds.slice(0, -1) : r.tokenIds);
    if (r.finishReason === "stop") text = text.slice(0, Math.min(...stopStrings.map((s) => text!.indexOf(s)).filter((i) => i >= 0)));
    r.text = text;
  };

  for (let step = 0; step < maxNew; step++) {
    options.signal?.throwIfAborted();
    const next = new BigInt64Array(B);
    for (let b = 0; b < B; b++) {
      const u = rng.uniform();
      if (done[b]) {
        next[b] = BigInt(pad);
        continue;
      }
      const token = sampleFromProbs(dist.probs, dist.logprobs, options, u, b * V, V);
      const r = results[b];
      r.tokenIds.push(token.id);
      r.logprobs.push(token.logprob);
      next[b] = BigInt(token.id);
      if (eos.has(token.id)) {
        done[b] = true;
        r.finishReason = "eos";
        finalText(r);
      } else if (stopStrings.length > 0) {
        const text = decode!(r.tokenIds);
        if (stopStrings.some((s) => text.includes(s))) {
          done[b] = true;
          r.finishReason = "stop";
          finalText(r, text);
        }
      }
      options.onToken?.(b, r, done[b]);
    }
    if (step === maxNew - 1 || done.every(Boolean)) break;

    // Feed the sampled tokens (finished rows feed padding, which nobody reads).
    const positions = new BigInt64Array(B);
    for (let b = 0; b < B; b++) positions[b] = BigInt(prompts[b].length + results[b].tokenIds.length - 1);
    dist = await model.step(cache, 1, next, positions, visible, temperature);
  }

  for (let b = 0; b < B; b++) if (!done[b]) finalText(results[b]);
  return results;
}

/** generate() over text prompts with a tokenizer; an empty prompt starts from `bosTokenId`. */
export async function generateText(
  model: Gpt2Decoder,
  tokenizer: TextCodec,
  prompts: readonly string[],
  options: GenerateOptions & { bosTokenId?: number },
): Promise<Completion[]> {
  const ids = prompts.map((p) => {
    const encoded = tokenizer.encode(p);
    if (encoded.length > 0) return encoded;
    const bos = options.bosTokenId ?? options.eosTokenIds?.[0];
    if (bos === undefined) throw new Error("generateText: an empty prompt needs bosTokenId");
    return [bos];
  });
  return generate(model, ids, options, (t) => tokenizer.decode(t));
}
