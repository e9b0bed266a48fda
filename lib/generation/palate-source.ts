// The engine source: a Palate model directory, loaded once. Each prompt is rendered with the
// chat template (plus the generation prompt) and repeated K times in one batched decoder
// call; every completion keeps its token ids and raw-model logprobs (for PPO later).
import type { Message } from "../../db/schema";
import type { Sampling } from "./job-params";
import { PalateModel } from "./palate-model";
import type { CompletionSource, GenerateRequestOptions, SampledCompletion } from "./source";

export class PalateSource implements CompletionSource {
  private constructor(
    readonly modelName: string,
    readonly model: PalateModel,
  ) {}

  static async open(dir: string, modelName: string): Promise<PalateSource> {
    return new PalateSource(modelName, await PalateModel.load(dir));
  }

  async generate(prompts: readonly Message[][], sampling: Sampling, options: GenerateRequestOptions = {}): Promise<SampledCompletion[][]> {
    options.signal?.throwIfAborted();
    const encoded = prompts.map((messages) => this.model.encodeMessages(messages));
    const rows = encoded.flatMap((ids) => Array.from({ length: sampling.k }, () => ids));
    const results = await this.model.sample(rows, sampling);
    return prompts.map((_, p) =>
      results.slice(p * sampling.k, (p + 1) * sampling.k).map((r) => ({
        text: r.text,
        finishReason: r.finishReason === "length" ? "length" : "stop",
        tokenIds: r.tokenIds,
        logprobs: r.logprobs,
      })),
    );
  }

  close(): Promise<void> {
    return this.model.close();
  }
}
