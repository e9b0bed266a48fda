// One interface for every place completions come from: a Palate model directory run by the
// engine, or an OpenAI-compatible server. A source takes conversations and returns K sampled
// completions for each, in order.
import type { Message } from "../../db/schema";
import type { Sampling } from "./job-params";

/** "stop": ended by EOS or a stop string; "length": hit max tokens; servers may say more. */
export type FinishReason = "stop" | "length" | (string & {});

export interface SampledCompletion {
  text: string;
  finishReason: FinishReason;
  /** The sampled token ids (engine sources only). */
  tokenIds?: number[];
  /** log p of each sampled token under the raw model distribution (engine sources only). */
  logprobs?: number[];
}

export interface GenerateRequestOptions {
  /** Aborts the requests (a cancelled job). */
  signal?: AbortSignal;
}

export interface CompletionSource {
  /** The name stored with each completion (the registry name of the model). */
  readonly modelName: string;
  /** K = sampling.k completions for each conversation, in the order given. */
  generate(prompts: readonly Message[][], sampling: Sampling, options?: GenerateRequestOptions): Promise<SampledCompletion[][]>;
  /** Frees the engine session (no-op for HTTP sources). */
  close(): Promise<void>;
}
