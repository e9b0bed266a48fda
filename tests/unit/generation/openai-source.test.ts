import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { samplingSchema } from "@/lib/generation/job-params";
import { backoffDelay, EndpointError, postJson, serverMessage } from "@/lib/generation/openai-http";
import { OpenAiSource } from "@/lib/generation/openai-source";
import { freePort } from "../../helpers/app";

interface Seen {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/** A real HTTP server whose answers the test scripts, one per request (the last repeats). */
async function scriptedServer(answers: ((seen: Seen, res: ServerResponse) => void)[]): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const s = { path: req.url ?? "", headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
      seen.push(s);
      answers[Math.min(seen.length - 1, answers.length - 1)](s, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen, server };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (_: Seen, res: ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
const choices = (texts: string[], chat = true) => ({
  choices: texts.map((t, index) =>
    chat ? { index, message: { role: "assistant", content: t }, finish_reason: "stop" } : { index, text: t, finish_reason: "length" },
  ),
});
/** Answers with as many choices as `n` asked for. */
const honorsN = (s: Seen, res: ServerResponse) => json(200, choices(Array.from({ length: Number(s.body.n) }, (_, i) => `answer ${i}`)))(s, res);

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((done) => s.close(() => done()));
});

const fast = { backoffMs: 1, maxBackoffMs: 5, timeoutMs: 5_000, retries: 3 };
const sampling = samplingSchema.parse({ k: 3, temperature: 0.7, topP: 0.9, maxTokens: 20, stop: ["\n\n"], seed: 5 });
const question = [{ role: "user" as const, content: "What is the capital of France?" }];

describe("OpenAiSource", () => {
  it("asks /chat/completions for n = K with the sampling fields and the API key, and returns the K texts", async () => {
    const { url, seen } = await scriptedServer([honorsN]);
    const source = new OpenAiSource({ baseUrl: url, remoteModel: "qwen", modelName: "my-qwen", apiKey: "sk-test", policy: fast });
    const [out] = await source.generate([question], sampling);
    expect(out.map((c) => c.text)).toEqual(["answer 0", "answer 1", "answer 2"]);
    expect(seen).toHaveLength(1);
    expect(seen[0].path).toBe("/v1/chat/completions");
    expect(seen[0].headers.authorization).toBe("Bearer sk-test");
    expect(seen[0].body).toEqual({ model: "qwen", n: 3, temperature: 0.7, top_p: 0.9, max_tokens: 20, seed: 5, stop: ["\n\n"], messages: question });
    expect(source.modelName).toBe("my-qwen");
  });

  it("sends the rendered chat prompt to /completions", async () => {
    const { url, seen } = await scriptedServer([(s, res) => json(200, choices(["a", "b", "c"], false))(s, res)]);
    const [out] = await new OpenAiSource({ baseUrl: url + "/", remoteModel: "m", endpoint: "completions", policy: fast }).generate([question], sampling);
    expect(seen[0].path).toBe("/v1/completions");
    expect(seen[0].body.prompt).toBe("<|user|>What is the capital of France?<|end|><|assistant|>");
    expect(out.map((c) => [c.text, c.finishReason])).toEqual([
      ["a", "length"],
      ["b", "length"],
      ["c", "length"],
    ]);
  });

  it("falls back to one request per missing sample, each with its own seed, when the server ignores n", async () => {
    const { url, seen } = await scriptedServer([json(200, choices(["only one"]))]);
    const [out] = await new OpenAiSource({ baseUrl: url, remoteModel: "m", policy: fast }).generate([question], sampling);
    expect(out).toHaveLength(3);
    expect(seen.map((s) => [s.body.n, s.body.seed])).toEqual([
      [3, 5],
      [1, 6],
      [1, 7],
    ]);
  });

  it("retries 500 and 429 with backoff, then succeeds", async () => {
    const { url, seen } = await scriptedServer([
      json(500, { error: { message: "CUDA out of memory" } }),
      json(429, { error: "rate limited" }, { "retry-after": "0" }),
      honorsN,
    ]);
    const retries: string[] = [];
    const [out] = await new OpenAiSource({ baseUrl: url, remoteModel: "m", policy: fast, onRetry: (m) => retries.push(m) }).generate([question], sampling);
    expect(out).toHaveLength(3);
    expect(seen).toHaveLength(3);
    expect(retries[0]).toContain("HTTP 500");
    expect(retries[0]).toContain("CUDA out of memory");
    expect(retries[1]).toContain("HTTP 429");
  });

  it("does not retry a 400 and names the status and the server's message", async () => {
    const { url, seen } = await scriptedServer([json(400, { error: { message: "max_tokens must be at most 8", type: "invalid_request_error" } })]);
    const err = await new OpenAiSource({ baseUrl: url, remoteModel: "m", policy: fast }).generate([question], sampling).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointError);
    expect((err as EndpointError).status).toBe(400);
    expect((err as Error).message).toBe(`POST ${url}/chat/completions: HTTP 400 Bad Request: max_tokens must be at most 8`);
    expect(seen).toHaveLength(1);
  });

  it("gives up on a server that keeps failing, saying how many attempts it made", async () => {
    const { url, seen } = await scriptedServer([json(503, { detail: "model is loading" })]);
    await expect(new OpenAiSource({ baseUrl: url, remoteModel: "m", policy: { ...fast, retries: 2 } }).generate([question], sampling)).rejects.toThrow(
      /HTTP 503 Service Unavailable: model is loading \(after 3 attempts\)/,
    );
    expect(seen).toHaveLength(3);
  });

  it("says it cannot reach a server that is down", async () => {
    const port = await freePort();
    await expect(
      new OpenAiSource({ baseUrl: `http://127.0.0.1:${port}/v1`, remoteModel: "m", policy: { ...fast, retries: 1 } }).generate([question], sampling),
    ).rejects.toThrow(`cannot reach http://127.0.0.1:${port} (ECONNREFUSED) (after 2 attempts)`);
  });

  it("abandons an attempt after the timeout", async () => {
    const { url } = await scriptedServer([() => undefined /* never answers */]);
    await expect(postJson(url + "/chat/completions", {}, { policy: { ...fast, timeoutMs: 100, retries: 0 } })).rejects.toThrow(/no answer within 100 ms/);
  });

  it("stops retrying when the caller aborts", async () => {
    const { url } = await scriptedServer([json(500, { error: "down" })]);
    const controller = new AbortController();
    const pending = postJson(
      url,
      {},
      { policy: { ...fast, backoffMs: 10_000, maxBackoffMs: 10_000 }, signal: controller.signal, onRetry: () => controller.abort(new Error("job cancelled")) },
    );
    await expect(pending).rejects.toThrow("job cancelled");
  });
});

describe("backoff and error messages", () => {
  it("doubles the delay up to the cap and honours Retry-After", () => {
    const p = { backoffMs: 500, maxBackoffMs: 3000 };
    expect([0, 1, 2, 3].map((r) => backoffDelay(r, p))).toEqual([500, 1000, 2000, 3000]);
    expect(backoffDelay(0, p, "2")).toBe(2000);
    expect(backoffDelay(0, p, "60")).toBe(3000);
    expect(backoffDelay(1, p, "soon")).toBe(1000);
  });

  it("reads the message of OpenAI, TGI, vLLM and plain-text error bodies", () => {
    expect(serverMessage(JSON.stringify({ error: { message: "bad model" } }))).toBe("bad model");
    expect(serverMessage(JSON.stringify({ error: "Input validation error" }))).toBe("Input validation error");
    expect(serverMessage(JSON.stringify({ detail: "Not Found" }))).toBe("Not Found");
    expect(serverMessage(JSON.stringify({ message: "oops" }))).toBe("oops");
    expect(serverMessage("<html>Bad Gateway</html>")).toBe("<html>Bad Gateway</html>");
  });
});
