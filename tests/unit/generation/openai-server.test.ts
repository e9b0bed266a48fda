import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpenAiServer, type OpenAiServer } from "@/lib/generation/openai-server";
import { makeTinyModel } from "./tiny-model";

describe("OpenAI-compatible server over a Palate model", () => {
  let server: OpenAiServer;
  beforeAll(async () => {
    server = await startOpenAiServer({ dir: await makeTinyModel(), port: 0, name: "tiny" });
  });
  afterAll(() => server.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(server.url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { choices: Record<string, unknown>[]; error: Record<string, unknown> } };
  };

  it("caps the arrays a request carries: 65 prompts or 1,025 messages are a 400 naming the field, before any sampling", async () => {
    const prompts = await post("/completions", { model: "tiny", prompt: Array.from({ length: 65 }, () => "a"), max_tokens: 1 });
    expect(prompts.status).toBe(400);
    expect(JSON.stringify(prompts.json.error)).toContain("prompt");
    const messages = await post("/chat/completions", {
      model: "tiny",
      messages: Array.from({ length: 1025 }, () => ({ role: "user", content: "a" })),
      max_tokens: 1,
    });
    expect(messages.status).toBe(400);
    expect(JSON.stringify(messages.json.error)).toContain("messages");
  });

  it("lists its model", async () => {
    const res = await fetch(server.url + "/models");
    expect(await res.json()).toMatchObject({ object: "list", data: [{ id: "tiny", object: "model", owned_by: "palate" }] });
    expect((await fetch(server.url + "/models/tiny")).status).toBe(200);
  });

  it("answers chat completions with n choices, usage, and a reproducible seed", async () => {
    const body = { model: "tiny", messages: [{ role: "user", content: "What is the capital of France?" }], n: 3, max_tokens: 8, temperature: 1, seed: 11 };
    const a = await post("/chat/completions", body);
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ object: "chat.completion", model: "tiny" });
    expect(String(a.json.id)).toMatch(/^chatcmpl-/);
    expect(a.json.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    for (const c of a.json.choices) {
      expect(c.message).toMatchObject({ role: "assistant" });
      expect(["stop", "length"]).toContain(c.finish_reason);
    }
    const usage = a.json.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    const b = await post("/chat/completions", body);
    expect(b.json.choices).toEqual(a.json.choices);
    const texts = a.json.choices.map((c) => (c.message as { content: string }).content);
    expect(new Set(texts).size).toBeGreaterThan(1);
  });

  it("answers text completions for several prompts × n, with legacy logprobs and max_tokens", async () => {
    const { status, json } = await post("/completions", { model: "tiny", prompt: ["One two", "The capital"], n: 2, max_tokens: 5, logprobs: 0, seed: 3 });
    expect(status).toBe(200);
    expect(json.object).toBe("text_completion");
    expect(json.choices).toHaveLength(4);
    for (const c of json.choices) {
      const lp = c.logprobs as { tokens: string[]; token_logprobs: number[] };
      expect(lp.tokens.length).toBeLessThanOrEqual(5);
      expect(lp.token_logprobs).toHaveLength(lp.tokens.length);
      for (const x of lp.token_logprobs) expect(x).toBeLessThanOrEqual(0);
      if (c.finish_reason === "length") expect(lp.tokens).toHaveLength(5);
    }
  });

  it("greedy decoding (temperature 0) gives n equal choices", async () => {
    const { json } = await post("/completions", { model: "tiny", prompt: "One two", n: 3, max_tokens: 6, temperature: 0 });
    expect(new Set(json.choices.map((c) => c.text)).size).toBe(1);
  });

  it("rejects bad bodies with OpenAI-style errors naming the field", async () => {
    const bad = await post("/chat/completions", { model: "tiny", messages: [{ role: "user", content: "hi" }], temperature: -1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: "invalid_request_error", param: "temperature" });
    expect(String(bad.json.error.message)).toMatch(/^temperature: /);
    const missing = await post("/completions", { model: "tiny" });
    expect(missing.json.error).toMatchObject({ param: "prompt" });
    const role = await post("/chat/completions", { model: "tiny", messages: [{ role: "robot", content: "hi" }] });
    expect(role.json.error).toMatchObject({ param: "messages.0.role" });
    const stream = await post("/completions", { model: "tiny", prompt: "x", stream: "yes" });
    expect(stream.json.error).toMatchObject({ param: "stream" });
    const options = await post("/completions", { model: "tiny", prompt: "x", stream_options: { include_usage: true } });
    expect(options.status).toBe(400);
    expect(options.json.error).toMatchObject({ param: "stream_options", message: "stream_options: stream_options is only allowed when stream is true" });
    const notJson = await post("/completions", "{nope");
    expect(notJson.status).toBe(400);
  });

  it("answers 404 for an unknown model or route", async () => {
    const model = await post("/chat/completions", { model: "gpt-4", messages: [{ role: "user", content: "hi" }] });
    expect(model.status).toBe(404);
    expect(model.json.error).toMatchObject({ code: "model_not_found", param: "model" });
    const route = await post("/embeddings", { model: "tiny", input: "x" });
    expect(route.status).toBe(404);
    expect(String(route.json.error.message)).toContain("POST /v1/embeddings");
  });
});
