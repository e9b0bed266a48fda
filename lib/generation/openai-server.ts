// An OpenAI-compatible HTTP API over a Palate model directory (`palate serve`):
//
//   GET  /v1/models             the one model served
//   POST /v1/completions        raw text prompt(s), as the legacy Completions API
//   POST /v1/chat/completions   messages, rendered with the model's chat template
//
// Both accept n, temperature, top_p, top_k (vLLM's extension), max_tokens, stop, seed,
// logprobs and stream (server-sent events, openai-stream.ts, with stream_options.include_usage);
// the n samples of every prompt go through one batched decoder call. Bodies are
// zod-validated; errors are OpenAI-shaped JSON ({error: {message, type, param, code}}), also
// for a streamed request that fails before its stream starts.
//
// Access (serve-access.ts): a Host header that is not an allowed name answers 403 before anything
// else (DNS-rebinding defense); with an API key, a request without `Authorization: Bearer KEY`
// answers 401, as OpenAI's API does.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, resolve } from "node:path";
import { z } from "zod";
import type { Completion } from "../ml/generate";
import { finishReason, streamSample, type ChunkFormat, type TokenLogprob } from "./openai-stream";
import { PalateModel, type SampleOptions } from "./palate-model";
import { bearerProblem, hostAllowed, hostName, hostPolicy, type HostPolicy } from "./serve-access";

const MAX_ROWS = 256;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** What a handler returns once it has written a streamed response itself. */
const STREAMED = Symbol("streamed");

const stop = z
  .union([z.string(), z.array(z.string()).max(8)])
  .nullable()
  .optional();
const sampling = {
  model: z.string().min(1),
  n: z.number().int().min(1).max(64).default(1),
  temperature: z.number().min(0).max(5).default(1),
  top_p: z.number().gt(0).max(1).default(1),
  /** vLLM's extension; -1 or 0 keeps all tokens. */
  top_k: z.number().int().min(-1).default(0),
  max_tokens: z.number().int().min(1).max(100_000).nullable().optional(),
  stop,
  seed: z.number().int().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullable().optional() }).nullable().optional(),
};
const streamOptionsNeedStream = (body: { stream?: boolean | null; stream_options?: unknown }) => body.stream === true || body.stream_options == null;
const streamOptionsIssue = { message: "stream_options is only allowed when stream is true", path: ["stream_options"] };

export const completionsBodySchema = z
  .looseObject({
    ...sampling,
    prompt: z.union([z.string(), z.array(z.string()).min(1).max(64)]),
    logprobs: z.number().int().min(0).max(20).nullable().optional(),
  })
  .refine(streamOptionsNeedStream, streamOptionsIssue);

const contentPart = z.looseObject({ type: z.literal("text"), text: z.string() });
export const chatBodySchema = z
  .looseObject({
    ...sampling,
    messages: z
      .array(
        z.looseObject({
          role: z.enum(["system", "developer", "user", "assistant"]),
          content: z.union([z.string(), z.array(contentPart).max(256)]).nullable(),
        }),
      )
      .min(1)
      .max(1024),
    max_completion_tokens: z.number().int().min(1).max(100_000).nullable().optional(),
    logprobs: z.boolean().nullable().optional(),
    top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  })
  .refine(streamOptionsNeedStream, streamOptionsIssue);

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  const type = err.status >= 500 ? "server_error" : err.status === 404 ? "not_found_error" : "invalid_request_error";
  if (err.status === 401) res.setHeader("www-authenticate", "Bearer");
  send(res, err.status, { error: { message: err.message, type, param: err.param, code: err.code } });
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ApiError(400, "the request body is not valid JSON");
  }
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = issue.path.length > 0 ? issue.path.join(".") : null;
    throw new ApiError(400, `${param ?? "body"}: ${issue.message}`, param, "invalid_value");
  }
  return result.data;
}

const newId = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

type Body = z.infer<typeof completionsBodySchema> | z.infer<typeof chatBodySchema>;

export interface OpenAiServerOptions {
  model: PalateModel;
  /** The model id clients name; requests for another model get 404. */
  name: string;
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string | null;
  /** The Host values accepted; default those of a server bound to 127.0.0.1 (localhost names only). */
  hosts?: HostPolicy;
}

/** The request handler (exported for tests that mount it on their own server). */
export function createOpenAiHandler({
  model,
  name,
  apiKey,
  hosts = hostPolicy("127.0.0.1"),
}: OpenAiServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const created = now();

  /** 403 for a Host that is not allowed, then 401 without the right bearer key. */
  function checkAccess(req: IncomingMessage) {
    if (!hostAllowed(hosts, req.headers.host)) {
      const shown = hostName(req.headers.host) ?? JSON.stringify(req.headers.host ?? "");
      throw new ApiError(403, `Host ${shown} is not allowed; start palate serve with --allowed-hosts ${shown} to accept it`, null, "host_not_allowed");
    }
    if (!apiKey) return;
    const problem = bearerProblem(apiKey, req.headers.authorization);
    if (problem === "missing") throw new ApiError(401, "You didn't provide an API key: send it as Authorization: Bearer KEY", null, null);
    if (problem === "wrong") throw new ApiError(401, "Incorrect API key provided", null, "invalid_api_key");
  }

  function checkModel(requested: string) {
    if (requested !== name) throw new ApiError(404, `The model \`${requested}\` does not exist; this server serves \`${name}\``, "model", "model_not_found");
  }

  /** The rows (n per prompt) and sampling options of a request, checked before anything is sampled or streamed. */
  function plan(prompts: number[][], body: Body, maxTokens: number) {
    const rows = prompts.flatMap((ids) => Array.from({ length: body.n }, () => ids));
    if (rows.length > MAX_ROWS) throw new ApiError(400, `n: n × prompts is ${rows.length}; at most ${MAX_ROWS}`, "n");
    const stops = body.stop == null ? [] : (typeof body.stop === "string" ? [body.stop] : body.stop).filter((s) => s.length > 0);
    const options: SampleOptions = {
      temperature: body.temperature,
      topP: body.top_p,
      topK: Math.max(0, body.top_k),
      maxTokens,
      stop: stops,
      seed: body.seed == null ? Math.floor(Math.random() * 2 ** 31) : Math.abs(body.seed) % 2 ** 31,
    };
    return { rows, options, promptTokens: prompts.reduce((s, p) => s + p.length, 0) };
  }

  async function sample({ rows, options, promptTokens }: ReturnType<typeof plan>) {
    const results = await model.sample(rows, options);
    const completionTokens = results.reduce((s, r) => s + r.tokenIds.length, 0);
    return { results, usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
  }

  /** Streams the request as server-sent events; returns STREAMED (the response is written). */
  async function stream(res: ServerResponse, body: Body, planned: ReturnType<typeof plan>, format: ChunkFormat, id: string): Promise<typeof STREAMED> {
    const head = { id, created: now(), model: name };
    await streamSample(res, { model, ...planned, format, head, includeUsage: body.stream_options?.include_usage === true });
    return STREAMED;
  }

  /** One token of a chat logprobs.content list. */
  function chatToken({ id, logprob }: TokenLogprob) {
    const token = model.decode([id]);
    return { token, logprob, bytes: [...Buffer.from(token, "utf8")], top_logprobs: [] };
  }

  /** The legacy logprobs object of some tokens; `offset` is the text offset of the first. */
  function legacyLogprobs(list: readonly TokenLogprob[], offset = 0) {
    const tokens = list.map(({ id }) => model.decode([id]));
    const offsets: number[] = [];
    let at = offset;
    for (const t of tokens) {
      offsets.push(at);
      at += t.length;
    }
    return { tokens, token_logprobs: list.map((t) => t.logprob), top_logprobs: null, text_offset: offsets };
  }

  const tokensOf = (r: Completion): TokenLogprob[] => r.tokenIds.map((id, t) => ({ id, logprob: r.logprobs[t] }));

  async function completions(raw: unknown, res: ServerResponse) {
    const body = parseBody(completionsBodySchema, raw);
    checkModel(body.model);
    const texts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
    const planned = plan(
      texts.map((t) => model.encodeText(t)),
      body,
      body.max_tokens ?? 16,
    );
    const id = newId("cmpl");
    if (body.stream) {
      const offsets = new Map<number, number>();
      /** The legacy logprobs of a choice's next tokens (null when not asked), text offsets running on per choice. */
      const logprobsOf = (index: number, tokens: readonly TokenLogprob[]) => {
        if (body.logprobs == null) return null;
        const logprobs = legacyLogprobs(tokens, offsets.get(index) ?? 0);
        offsets.set(index, (offsets.get(index) ?? 0) + logprobs.tokens.reduce((s, t) => s + t.length, 0));
        return logprobs;
      };
      const format: ChunkFormat = {
        object: "text_completion",
        opening: () => null,
        content: (index, text, tokens) => ({ index, text, logprobs: logprobsOf(index, tokens), finish_reason: null }),
        closing: (index, reason, tokens) => ({ index, text: "", logprobs: tokens.length > 0 ? logprobsOf(index, tokens) : null, finish_reason: reason }),
      };
      return stream(res, body, planned, format, id);
    }
    const { results, usage } = await sample(planned);
    return {
      id,
      object: "text_completion",
      created: now(),
      model: name,
      choices: results.map((r, index) => ({
        index,
        text: r.text,
        logprobs: body.logprobs == null ? null : legacyLogprobs(tokensOf(r)),
        finish_reason: finishReason(r),
      })),
      usage,
    };
  }

  async function chat(raw: unknown, res: ServerResponse) {
    const body = parseBody(chatBodySchema, raw);
    checkModel(body.model);
    const messages = body.messages.map((m) => ({
      role: m.role === "developer" ? ("system" as const) : m.role,
      content: m.content == null ? "" : typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join(""),
    }));
    const planned = plan([model.encodeMessages(messages)], body, body.max_completion_tokens ?? body.max_tokens ?? 256);
    const id = newId("chatcmpl");
    if (body.stream) {
      const format: ChunkFormat = {
        object: "chat.completion.chunk",
        opening: (index) => ({ index, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }),
        content: (index, text, tokens) => ({
          index,
          delta: { content: text },
          logprobs: body.logprobs ? { content: tokens.map(chatToken) } : null,
          finish_reason: null,
        }),
        closing: (index, reason, tokens) => ({
          index,
          delta: {},
          logprobs: body.logprobs && tokens.length > 0 ? { content: tokens.map(chatToken) } : null,
          finish_reason: reason,
        }),
      };
      return stream(res, body, planned, format, id);
    }
    const { results, usage } = await sample(planned);
    return {
      id,
      object: "chat.completion",
      created: now(),
      model: name,
      choices: results.map((r, index) => ({
        index,
        message: { role: "assistant", content: r.text },
        logprobs: body.logprobs ? { content: tokensOf(r).map(chatToken) } : null,
        finish_reason: finishReason(r),
      })),
      usage,
    };
  }

  const modelObject = () => ({ id: name, object: "model", created, owned_by: "palate" });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    checkAccess(req);
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    const method = req.method ?? "GET";
    const allow = (expected: string) => {
      if (method !== expected) throw new ApiError(405, `${path} takes ${expected}, not ${method}`);
    };
    if (path === "/v1/models") {
      allow("GET");
      return { object: "list", data: [modelObject()] };
    }
    if (path.startsWith("/v1/models/")) {
      allow("GET");
      const id = decodeURIComponent(path.slice("/v1/models/".length));
      checkModel(id);
      return modelObject();
    }
    if (path === "/v1/completions") {
      allow("POST");
      return completions(await readBody(req), res);
    }
    if (path === "/v1/chat/completions") {
      allow("POST");
      return chat(await readBody(req), res);
    }
    throw new ApiError(404, `Unknown route: ${method} ${path || "/"}`, null, "unknown_route");
  }

  return (req, res) => {
    route(req, res).then(
      (body) => body === STREAMED || send(res, 200, body),
      (err: unknown) => {
        if (res.headersSent) return res.end();
        if (err instanceof ApiError) return sendError(res, err);
        const message = err instanceof Error ? err.message : String(err);
        sendError(res, new ApiError(500, `generation failed: ${message}`));
      },
    );
  };
}

export interface StartOpenAiServerOptions {
  /** A Palate model directory. */
  dir: string;
  /** The model id; default the directory's name. */
  name?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Required as `Authorization: Bearer <apiKey>` on every request when set. */
  apiKey?: string | null;
  /** Host names accepted beside the loopback ones and the bind address; "any" turns the Host check off. */
  allowedHosts?: readonly string[];
}

export interface OpenAiServer {
  server: Server;
  /** Base URL with the version prefix, e.g. http://127.0.0.1:8000/v1. */
  url: string;
  name: string;
  close(): Promise<void>;
}

export async function startOpenAiServer(options: StartOpenAiServerOptions): Promise<OpenAiServer> {
  const dir = resolve(options.dir);
  const model = await PalateModel.load(dir);
  const name = options.name ?? basename(dir);
  const host = options.host ?? "127.0.0.1";
  const server = createServer(createOpenAiHandler({ model, name, apiKey: options.apiKey, hosts: hostPolicy(host, options.allowedHosts) }));
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 8000, host, () => done());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    url: `http://${shownHost}:${port}/v1`,
    name,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await model.close();
    },
  };
}
