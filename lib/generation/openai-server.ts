// An OpenAI-compatible HTTP API over a Palate model directory (`palate serve`):
//
//   GET  /v1/models             the one model served
//   POST /v1/completions        raw text prompt(s), as the legacy Completions API
//   POST /v1/chat/completions   messages, rendered with the model's chat template
//
// Both accept n, temperature, top_p, top_k (vLLM's extension), max_tokens, stop, seed and
// logprobs; the n samples of every prompt go through one batched decoder call. Bodies are
// zod-validated; errors are OpenAI-shaped JSON ({error: {message, type, param, code}}).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, resolve } from "node:path";
import { z } from "zod";
import type { Completion } from "../ml/generate";
import { PalateModel } from "./palate-model";

const MAX_ROWS = 256;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const stop = z.union([z.string(), z.array(z.string()).max(8)]).nullable().optional();
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
  stream: z.literal(false, { message: "streaming is not supported" }).nullable().optional(),
};

export const completionsBodySchema = z.looseObject({
  ...sampling,
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
  logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

const contentPart = z.looseObject({ type: z.literal("text"), text: z.string() });
export const chatBodySchema = z.looseObject({
  ...sampling,
  messages: z
    .array(
      z.looseObject({
        role: z.enum(["system", "developer", "user", "assistant"]),
        content: z.union([z.string(), z.array(contentPart)]).nullable(),
      }),
    )
    .min(1),
  max_completion_tokens: z.number().int().min(1).max(100_000).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
});

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

const finishReason = (c: Completion) => (c.finishReason === "length" ? "length" : "stop");
const newId = (prefix: string) => `${prefix}-${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

export interface OpenAiServerOptions {
  model: PalateModel;
  /** The model id clients name; requests for another model get 404. */
  name: string;
}

/** The request handler (exported for tests that mount it on their own server). */
export function createOpenAiHandler({ model, name }: OpenAiServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const created = now();

  function checkModel(requested: string) {
    if (requested !== name) throw new ApiError(404, `The model \`${requested}\` does not exist; this server serves \`${name}\``, "model", "model_not_found");
  }

  async function sample(prompts: number[][], body: z.infer<typeof completionsBodySchema> | z.infer<typeof chatBodySchema>, maxTokens: number) {
    const rows = prompts.flatMap((ids) => Array.from({ length: body.n }, () => ids));
    if (rows.length > MAX_ROWS) throw new ApiError(400, `n: n × prompts is ${rows.length}; at most ${MAX_ROWS}`, "n");
    const stops = body.stop == null ? [] : (typeof body.stop === "string" ? [body.stop] : body.stop).filter((s) => s.length > 0);
    const results = await model.sample(rows, {
      temperature: body.temperature,
      topP: body.top_p,
      topK: Math.max(0, body.top_k),
      maxTokens,
      stop: stops,
      seed: body.seed == null ? Math.floor(Math.random() * 2 ** 31) : Math.abs(body.seed) % 2 ** 31,
    });
    const usage = {
      prompt_tokens: prompts.reduce((s, p) => s + p.length, 0),
      completion_tokens: results.reduce((s, r) => s + r.tokenIds.length, 0),
    };
    return { results, usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } };
  }

  async function completions(raw: unknown) {
    const body = parseBody(completionsBodySchema, raw);
    checkModel(body.model);
    const texts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
    const { results, usage } = await sample(texts.map((t) => model.encodeText(t)), body, body.max_tokens ?? 16);
    return {
      id: newId("cmpl"),
      object: "text_completion",
      created: now(),
      model: name,
      choices: results.map((r, index) => ({
        index,
        text: r.text,
        logprobs: body.logprobs == null ? null : legacyLogprobs(r),
        finish_reason: finishReason(r),
      })),
      usage,
    };
  }

  function legacyLogprobs(r: Completion) {
    const tokens = r.tokenIds.map((id) => model.decode([id]));
    const offsets: number[] = [];
    let at = 0;
    for (const t of tokens) {
      offsets.push(at);
      at += t.length;
    }
    return { tokens, token_logprobs: r.logprobs, top_logprobs: null, text_offset: offsets };
  }

  async function chat(raw: unknown) {
    const body = parseBody(chatBodySchema, raw);
    checkModel(body.model);
    const messages = body.messages.map((m) => ({
      role: m.role === "developer" ? ("system" as const) : m.role,
      content: m.content == null ? "" : typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join(""),
    }));
    const { results, usage } = await sample([model.encodeMessages(messages)], body, body.max_completion_tokens ?? body.max_tokens ?? 256);
    return {
      id: newId("chatcmpl"),
      object: "chat.completion",
      created: now(),
      model: name,
      choices: results.map((r, index) => ({
        index,
        message: { role: "assistant", content: r.text },
        logprobs: body.logprobs
          ? {
              content: r.tokenIds.map((id, t) => {
                const token = model.decode([id]);
                return { token, logprob: r.logprobs[t], bytes: [...Buffer.from(token, "utf8")], top_logprobs: [] };
              }),
            }
          : null,
        finish_reason: finishReason(r),
      })),
      usage,
    };
  }

  const modelObject = () => ({ id: name, object: "model", created, owned_by: "palate" });

  async function route(req: IncomingMessage): Promise<unknown> {
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
      return completions(await readBody(req));
    }
    if (path === "/v1/chat/completions") {
      allow("POST");
      return chat(await readBody(req));
    }
    throw new ApiError(404, `Unknown route: ${method} ${path || "/"}`, null, "unknown_route");
  }

  return (req, res) => {
    route(req).then(
      (body) => send(res, 200, body),
      (err: unknown) => {
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
  const server = createServer(createOpenAiHandler({ model, name }));
  const host = options.host ?? "127.0.0.1";
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
