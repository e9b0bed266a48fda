// The static-shape layout every PPO graph sees: one row per episode, the prompt left-padded to
// P tokens, then the response right-padded to R tokens (T = P + R):
//
//   input_ids        [B, T]   pad … pad  p_0 … p_{n−1}  y_0 … y_{k−1}  pad … pad
//   attention_mask   [B, T]   0 … 0      1 …     1      1 …     1      0 …   0
//   position_ids     [B, T]   1 … 1      0 …   n−1      n … n+k−1      n+k …       (HF: cumsum(mask) − 1)
//   response mask    [B, R]   1 on y_0 … y_{k−1} (the end token included), 0 after
//   last-token mask  [B, R]   1 on y_{k−1}: where the reward model reads its score
//
// The logits and values of the response are read at positions P−1 … T−2 (the state before
// each response token, as TRL slices `[context_length − 1 : −1]`); the reward model's score
// at position P + k − 1. Under the causal mask the padding after a response never reaches
// the positions that are read, so one set of ids serves the policy, the reference, the value
// model and the reward model. A row with no response (a dummy filling the last batch of an
// evaluation) has an all-zero response mask and scores 0.
import { encodeChat, type ChatMessage, type ChatTokenizer } from "../tokenizer/chat-template";

/** A prompt: a conversation (chat template + `<|assistant|>`), a user message, or token ids used as they are. */
export type PpoPromptInput = string | readonly ChatMessage[] | readonly number[];

/** The sequence dimensions of a run: P prompt tokens (left-padded), R response tokens. */
export interface PpoShape {
  promptLength: number;
  responseLength: number;
}

export interface PpoBatch {
  rows: number;
  shape: PpoShape;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  /** [B, R] 1 on real response tokens (the end token included). */
  mask: Float32Array;
  /** [B, R] one-hot at each response's last token (all zero for an empty response). */
  lastTokenMask: Float32Array;
  /** The response tokens of each row, without padding. */
  responses: number[][];
  /** Whether each response ended with the stop token. */
  ended: boolean[];
}

/** Token ids of a prompt: chat messages (or a string as one user message) with the generation prompt; ids as given. */
export function encodePrompt(tokenizer: ChatTokenizer | null, prompt: PpoPromptInput): number[] {
  if (typeof prompt !== "string" && (prompt.length === 0 || typeof prompt[0] === "number")) {
    const ids = prompt as readonly number[];
    if (ids.length === 0) throw new Error("a prompt needs at least one token");
    return [...ids];
  }
  if (!tokenizer) throw new Error("text prompts need a tokenizer in the policy directory");
  const messages: readonly ChatMessage[] = typeof prompt === "string" ? [{ role: "user", content: prompt }] : (prompt as readonly ChatMessage[]);
  return encodeChat(tokenizer, messages, { addGenerationPrompt: true }).ids;
}

/** The prompt cut to its last `promptLength` tokens (the generation prompt must survive). */
export function fitPrompt(ids: readonly number[], promptLength: number): number[] {
  return ids.length > promptLength ? ids.slice(ids.length - promptLength) : [...ids];
}

/**
 * Lays out `rows` episodes (prompts fitted to P, responses of at most R tokens). Rows past
 * prompts.length are dummies (one pad token as prompt, no response).
 */
export function makePpoBatch(
  prompts: readonly (readonly number[])[],
  responses: readonly (readonly number[])[],
  ended: readonly boolean[],
  shape: PpoShape,
  padTokenId: number,
  rows = prompts.length,
): PpoBatch {
  const { promptLength: P, responseLength: R } = shape;
  const T = P + R;
  if (prompts.length > rows || responses.length !== prompts.length) throw new Error("makePpoBatch: prompts and responses must pair up, at most `rows` of them");
  const inputIds = new BigInt64Array(rows * T).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(rows * T);
  const positionIds = new BigInt64Array(rows * T).fill(1n);
  const mask = new Float32Array(rows * R);
  const lastTokenMask = new Float32Array(rows * R);
  const outResponses: number[][] = [];
  const outEnded: boolean[] = [];
  for (let b = 0; b < rows; b++) {
    const prompt = b < prompts.length ? prompts[b] : [padTokenId];
    const response = b < prompts.length ? responses[b] : [];
    if (prompt.length > P) throw new Error(`makePpoBatch: prompt ${b} has ${prompt.length} tokens, more than P = ${P}`);
    if (response.length > R) throw new Error(`makePpoBatch: response ${b} has ${response.length} tokens, more than R = ${R}`);
    const row = b * T;
    const start = P - prompt.length;
    prompt.forEach((id, i) => {
      inputIds[row + start + i] = BigInt(id);
      attentionMask[row + start + i] = b < prompts.length ? 1n : 0n;
      positionIds[row + start + i] = BigInt(i);
    });
    response.forEach((id, i) => {
      inputIds[row + P + i] = BigInt(id);
      attentionMask[row + P + i] = 1n;
      mask[b * R + i] = 1;
    });
    for (let t = P + response.length; t < T; t++) positionIds[row + t] = BigInt(prompt.length + t - P);
    for (let i = 0; i < response.length; i++) positionIds[row + P + i] = BigInt(prompt.length + i);
    if (response.length > 0) lastTokenMask[b * R + response.length - 1] = 1;
    outResponses.push([...response]);
    outEnded.push(b < prompts.length ? ended[b] : false);
  }
  return { rows, shape, inputIds, attentionMask, positionIds, mask, lastTokenMask, responses: outResponses, ended: outEnded };
}

/** The rows `index` of a batch, as a new batch (a minibatch). */
export function selectRows(batch: PpoBatch, index: readonly number[]): PpoBatch {
  const T = batch.shape.promptLength + batch.shape.responseLength;
  const R = batch.shape.responseLength;
  const n = index.length;
  const pick64 = (src: BigInt64Array, width: number) => {
    const out = new BigInt64Array(n * width);
    index.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
    return out;
  };
  return {
    rows: n,
    shape: batch.shape,
    inputIds: pick64(batch.inputIds, T),
    attentionMask: pick64(batch.attentionMask, T),
    positionIds: pick64(batch.positionIds, T),
    mask: pickRows(batch.mask, index, R),
    lastTokenMask: pickRows(batch.lastTokenMask, index, R),
    responses: index.map((r) => batch.responses[r]),
    ended: index.map((r) => batch.ended[r]),
  };
}

/** Rows `index` of a [rows, width] float array. */
export function pickRows(src: Float32Array, index: readonly number[], width: number): Float32Array {
  const out = new Float32Array(index.length * width);
  index.forEach((r, i) => out.set(src.subarray(r * width, (r + 1) * width), i * width));
  return out;
}
