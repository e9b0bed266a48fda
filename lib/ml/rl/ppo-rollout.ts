// The rollout: sample one response per prompt from the current policy with the static-KV-cache
// decoder (lib/ml/generate.ts), then lay the episodes out for the graphs (ppo-batch.ts).
//
//   decoder  = Gpt2Decoder(policy weights)            (a session over this iteration's weights)
//   response = generate(prompt; temperature, top-k, top-p, ≤ R new tokens, stop at <|end|>)
//   batch    = left-padded prompts ⧺ right-padded responses
//
// generate()'s logprobs are of the raw (temperature-1) distribution; PPO needs those of
// softmax(logits / temperature), so they are recomputed in the scoring pass (ppo-score.ts),
// as TRL recomputes them in its forward pass.
import { generate } from "../generate";
import type { Gpt2Config } from "../nn/gpt2-config";
import { Gpt2Decoder } from "../nn/gpt2-decoder";
import type { SessionOptions } from "../onnx";
import { makePpoBatch, type PpoBatch, type PpoShape } from "./ppo-batch";
import { PPO_SESSION_OPTIONS } from "./ppo-score";

export interface RolloutOptions {
  shape: PpoShape;
  /** 0: greedy (evaluation). */
  temperature: number;
  topK: number;
  topP: number;
  /** The chat template's end token; a response stops after it. null: never stop early. */
  stopTokenId: number | null;
  padTokenId: number;
  seed: number;
  /** Rows of the batch (prompts beyond prompts.length are dummies). Default prompts.length. */
  rows?: number;
}

/** A decoder session over the given policy weights (HF names). */
export function openPolicyDecoder(
  shape: Gpt2Config,
  weights: Readonly<Record<string, Float32Array>>,
  options: SessionOptions = PPO_SESSION_OPTIONS,
): Promise<Gpt2Decoder> {
  return Gpt2Decoder.create(shape, weights, options);
}

/** Samples a response to each prompt (token ids, already fitted to P) and lays the batch out. */
export async function rollout(decoder: Gpt2Decoder, prompts: readonly (readonly number[])[], o: RolloutOptions): Promise<PpoBatch> {
  const completions = await generate(decoder, prompts, {
    maxNewTokens: o.shape.responseLength,
    temperature: o.temperature,
    topK: o.topK,
    topP: o.topP,
    eosTokenIds: o.stopTokenId === null ? [] : [o.stopTokenId],
    padTokenId: o.padTokenId,
    seed: o.seed,
  });
  return makePpoBatch(
    prompts,
    completions.map((c) => c.tokenIds),
    completions.map((c) => c.finishReason === "eos"),
    o.shape,
    o.padTokenId,
    o.rows ?? prompts.length,
  );
}
