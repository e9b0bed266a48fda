// The endpoint source: an OpenAI-compatible server (vLLM, Ollama, llama.cpp, TGI, OpenAI,
// `palate serve`). One request per prompt with n = K on /chat/completions (messages) or
// /completions (the prompt rendered with the chat template). A server that ignores `n`
// answers with fewer choices; the missing samples are asked for one at a time, each with
// its own seed.
import { z } from "zod";
import type { Message } from "../../db/schema";
import { renderChat } from "../ml/tokenizer/chat-template";
import type { Sampling } from "./job-params";
import { EndpointError, postJson, type RetryPolicy } from "./openai-http";
import type { CompletionSource, GenerateRequestOptions, SampledCompletion } from "./source";

export type OpenAiEndpoint = "chat" | "completions";

export interface OpenAiSourceOptions {
  /** Base URL including the version prefix, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  /** The model name the server knows. */
  remoteModel: string;
  /** The name stored with each completion; default remoteModel. */
  modelName?: string;
  apiKey?: string | null;
  /** Default "chat". */
  endpoint?: OpenAiEndpoint;
  /** Requests in flight at once (one per prompt); default 4. */
  concurrency?: number;
  policy?: Partial<RetryPolicy>;
  /** Renders messages for /completions; default the Palate chat template with the generation prompt. */
  renderPrompt?: (messages: readonly Message[]) => string;
  onRetry?: (message: string) => void;
}

const choiceSchema = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  text: z.string().optional(),
  message: z.looseObject({ content: z.string().nullable().optional() }).optional(),
  finish_reason: z.string().nullable().optional(),
});
const answerSchema = z.looseObject({ choices: z.array(choiceSchema) });

/** The JSON body of one request. */
export function buildRequestBody(
  endpoint: OpenAiEndpoint,
  model: string,
  messages: readonly Message[],
  sampling: Sampling,
  n: number,
  seed: number,
  renderPrompt: (messages: readonly Message[]) => string = (m) => renderChat(m, { addGenerationPrompt: true }),
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    n,
    temperature: sampling.temperature,
    top_p: sampling.topP,
    max_tokens: sampling.maxTokens,
    seed,
  };
  if (sampling.stop.length > 0) body.stop = sampling.stop;
  if (sampling.topK > 0) body.top_k = sampling.topK;
  if (endpoint === "chat") body.messages = messages.map((m) => ({ role: m.role, content: m.content }));
  else body.prompt = renderPrompt(messages);
  return body;
}

/** The completions of one answer, in choice-index order. */
export function parseChoices(json: unknown, url: string): SampledCompletion[] {
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EndpointError(`POST ${url}: unexpected answer: ${issue.path.join(".") || "(root)"}: ${issue.message}`, url);
  }
  return parsed.data.choices
    .map((c, i) => ({ c, index: c.index ?? i }))
    .sort((a, b) => a.index - b.index)
    .map(({ c }) => ({ text: c.text ?? c.message?.content ?? "", finishReason: c.finish_reason ?? "stop" }));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

export class OpenAiSource implements CompletionSource {
  readonly modelName: string;
  readonly url: string;
  private readonly endpoint: OpenAiEndpoint;

  constructor(private readonly options: OpenAiSourceOptions) {
    this.endpoint = options.endpoint ?? "chat";
    this.modelName = options.modelName ?? options.remoteModel;
    this.url = `${options.baseUrl.replace(/\/+$/, "")}/${this.endpoint === "chat" ? "chat/completions" : "completions"}`;
  }

  private request(messages: readonly Message[], sampling: Sampling, n: number, seed: number, signal?: AbortSignal) {
    const o = this.options;
    const body = buildRequestBody(this.endpoint, o.remoteModel, messages, sampling, n, seed, o.renderPrompt);
    return postJson(this.url, body, {
      headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
      policy: o.policy,
      signal,
      onRetry: (error, retry, delay) => o.onRetry?.(`${error.message}; retry ${retry} in ${delay} ms`),
    }).then((json) => parseChoices(json, this.url));
  }

  /** K completions for one conversation: one request with n = K, then single requests for what a server that ignores n left out. */
  async sampleOne(messages: readonly Message[], sampling: Sampling, seed: number, signal?: AbortSignal): Promise<SampledCompletion[]> {
    const out = (await this.request(messages, sampling, sampling.k, seed, signal)).slice(0, sampling.k);
    for (let extra = 1; out.length < sampling.k; extra++) {
      const more = await this.request(messages, sampling, 1, seed + extra, signal);
      if (more.length === 0) throw new EndpointError(`POST ${this.url}: the server answered with no choices`, this.url);
      out.push(more[0]);
    }
    return out;
  }

  generate(prompts: readonly Message[][], sampling: Sampling, options: GenerateRequestOptions = {}): Promise<SampledCompletion[][]> {
    return mapLimit(prompts, this.options.concurrency ?? 4, (messages, i) => this.sampleOne(messages, sampling, sampling.seed + i * 1000, options.signal));
  }

  async close(): Promise<void> {}
}
