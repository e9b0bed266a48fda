// A Palate model directory loaded once for generation: the static-KV-cache decoder, the
// tokenizer, the stop ids, and the chat template. Both the engine source (jobs) and
// `palate serve` sample through it; calls run one at a time (one ORT session).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { generate, type Completion } from "../ml/generate";
import { eosTokenIds, GENERATION_CONFIG_FILE, parseGenerationConfig } from "../ml/io";
import type { Gpt2Decoder } from "../ml/nn/gpt2-decoder";
import { loadLanguageModel, openDecoder } from "../ml/nn/language-model";
import { encodeChat, type ChatMessage } from "../ml/tokenizer/chat-template";
import { END_MARKER, USER_MARKER } from "../ml/tokenizer/special-tokens";
import type { Tokenizer } from "../ml/tokenizer";

export interface SampleOptions {
  temperature: number;
  topP: number;
  topK: number;
  maxTokens: number;
  stop: readonly string[];
  seed: number;
}

/** Streaming hooks of one sample() call (see GenerateOptions.onToken); rows are numbered across batches. */
export interface SampleStream {
  onToken?: (row: number, completion: Readonly<Completion>, finished: boolean) => void;
  /** Stops generation (and skips a call still waiting in the queue); sample() then rejects. */
  signal?: AbortSignal;
}

/** At most this many sequences go through the decoder in one batched call. */
export const MAX_BATCH_ROWS = 64;

export class PalateModel {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly decoder: Gpt2Decoder,
    readonly tokenizer: Tokenizer,
    readonly eosIds: number[],
    readonly bosId: number,
    readonly nPositions: number,
  ) {}

  static async load(dir: string): Promise<PalateModel> {
    const model = await loadLanguageModel(dir);
    if (!model.tokenizer) throw new Error(`${dir}: the model directory has no tokenizer.json`);
    const tokenizer = model.tokenizer;
    const eos = new Set<number>([model.config.eos_token_id ?? tokenizer.eosTokenId ?? 0]);
    try {
      const raw: unknown = JSON.parse(await readFile(join(dir, GENERATION_CONFIG_FILE), "utf8"));
      for (const id of eosTokenIds(parseGenerationConfig(raw, join(dir, GENERATION_CONFIG_FILE)))) eos.add(id);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const end = tokenizer.tokenToId(END_MARKER);
    if (end !== undefined) eos.add(end);
    const decoder = await openDecoder(model);
    return new PalateModel(dir, decoder, tokenizer, [...eos], model.config.bos_token_id ?? [...eos][0], model.config.n_positions);
  }

  /** True when the tokenizer has the chat markers (an SFT-style model). */
  get hasChatTemplate(): boolean {
    return this.tokenizer.tokenToId(USER_MARKER) !== undefined && this.tokenizer.tokenToId(END_MARKER) !== undefined;
  }

  /** Token ids of a conversation with the generation prompt; plain contents joined by newlines when the tokenizer has no chat markers. */
  encodeMessages(messages: readonly ChatMessage[]): number[] {
    if (this.hasChatTemplate) return encodeChat(this.tokenizer, messages, { addGenerationPrompt: true }).ids;
    return this.encodeText(messages.map((m) => m.content).join("\n"));
  }

  /** Token ids of a raw text prompt (BOS for an empty one). */
  encodeText(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    return ids.length > 0 ? ids : [this.bosId];
  }

  decode(ids: readonly number[]): string {
    return this.tokenizer.decode(ids);
  }

  /** Keeps the last tokens of a prompt so that it leaves room for new tokens within n_positions. */
  fit(ids: readonly number[], maxTokens: number): number[] {
    const room = Math.max(1, this.nPositions - Math.min(maxTokens, Math.floor(this.nPositions / 2)));
    return ids.length > room ? ids.slice(ids.length - room) : [...ids];
  }

  /**
   * One completion per row (rows may repeat a prompt to get several samples), in batched
   * decoder calls of at most MAX_BATCH_ROWS rows. Calls are queued: one runs at a time.
   * `stream` is told of each token as it is sampled, and can abort the call.
   */
  sample(rows: readonly (readonly number[])[], options: SampleOptions, stream: SampleStream = {}): Promise<Completion[]> {
    const { onToken, signal } = stream;
    const run = async (): Promise<Completion[]> => {
      const out: Completion[] = [];
      for (let start = 0; start < rows.length; start += MAX_BATCH_ROWS) {
        signal?.throwIfAborted();
        const chunk = rows.slice(start, start + MAX_BATCH_ROWS).map((r) => this.fit(r, options.maxTokens));
        const results = await generate(
          this.decoder,
          chunk,
          {
            maxNewTokens: options.maxTokens,
            temperature: options.temperature,
            topP: options.topP,
            topK: options.topK,
            stopStrings: options.stop,
            eosTokenIds: this.eosIds,
            seed: options.seed + start,
            onToken: onToken && ((row, completion, finished) => onToken(start + row, completion, finished)),
            signal,
          },
          (ids) => this.decode(ids),
        );
        out.push(...results);
      }
      return out;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.decoder.release();
  }
}
