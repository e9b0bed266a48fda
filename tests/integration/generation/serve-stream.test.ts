// `stream: true` against `palate serve`, read by the official `openai` client: the streamed
// deltas add up to the non-streamed answer at the same seed (text, logprobs, finish_reason,
// usage), chunks come while the model samples, a client that goes away stops generation, and
// a failure after the stream started reaches the client as an error.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChildProcess } from "node:child_process";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAiHandler } from "@/lib/generation/openai-server";
import { PalateModel } from "@/lib/generation/palate-model";
import { freePort } from "@/tests/helpers/app";
import { serve, stopped } from "@/tests/helpers/palate-serve";
import { makeTinyModel } from "@/tests/unit/generation/tiny-model";

const messages = [{ role: "user" as const, content: "What is the capital of France?" }];

/** Per choice index: the concatenated content, logprob tokens, finish reasons, and chunk counts. */
function collect() {
  const by = new Map<
    number,
    { text: string; contentChunks: number; tokens: { token: string; logprob: number }[]; finish: (string | null)[]; roles: string[] }
  >();
  return {
    by,
    get(index: number) {
      if (!by.has(index)) by.set(index, { text: "", contentChunks: 0, tokens: [], finish: [], roles: [] });
      return by.get(index)!;
    },
  };
}

describe("palate serve streams server-sent events to the official openai client", () => {
  let server: { child: ChildProcess; url: string };
  let client: OpenAI;
  beforeAll(async () => {
    const dir = await makeTinyModel({ nPositions: 128 });
    server = await serve(dir, await freePort());
    client = new OpenAI({ baseURL: server.url, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    server.child.kill("SIGTERM");
    await stopped(server.child);
  });

  it("chat: n = 2 with logprobs and usage streams what the non-streamed call returns", async () => {
    const params = { model: "tiny", messages, n: 2, temperature: 1, seed: 7, max_tokens: 40, logprobs: true } as const;
    const whole = await client.chat.completions.create(params);
    expect(whole.choices[0].message.content).not.toBe(whole.choices[1].message.content);

    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const got = collect();
    const ids = new Set<string>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      ids.add(chunk.id);
      expect(chunk.object).toBe("chat.completion.chunk");
      expect(chunk.model).toBe("tiny");
      if (chunk.choices.length === 0) {
        usage = chunk.usage;
        continue;
      }
      expect(usage).toBeUndefined(); // the usage chunk is the last one
      expect(chunk.usage).toBeNull();
      expect(chunk.choices).toHaveLength(1);
      const [choice] = chunk.choices;
      const c = got.get(choice.index);
      expect(c.finish.at(-1) ?? null).toBeNull(); // nothing after a choice's finish_reason
      if (choice.delta.role) c.roles.push(choice.delta.role);
      if (choice.delta.content) {
        c.text += choice.delta.content;
        c.contentChunks++;
      }
      for (const t of choice.logprobs?.content ?? []) c.tokens.push({ token: t.token, logprob: t.logprob });
      c.finish.push(choice.finish_reason);
    }
    expect(ids.size).toBe(1);
    expect([...got.by.keys()].sort()).toEqual([0, 1]);
    for (const want of whole.choices) {
      const c = got.get(want.index);
      expect(c.roles).toEqual(["assistant"]);
      expect(c.text).toBe(want.message.content);
      expect(c.finish.at(-1)).toBe(want.finish_reason);
      expect(c.finish.filter((f) => f !== null)).toHaveLength(1);
      expect(c.tokens).toEqual(want.logprobs!.content!.map((t) => ({ token: t.token, logprob: t.logprob })));
      expect(c.contentChunks).toBeGreaterThan(1);
    }
    expect(usage).toEqual(whole.usage);
    expect(chunks).toBeGreaterThan(4);
  });

  it("chat at temperature 0, with a stop string, streams the same text as the whole answer", async () => {
    const whole = await client.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 40 });
    const text = whole.choices[0].message.content!;
    expect(text.length).toBeGreaterThan(4);
    const stop = text.slice(3, 5); // cuts the answer after 3 characters
    for (const [params, want] of [
      [{}, whole],
      [{ stop }, await client.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 40, stop })],
    ] as const) {
      const stream = await client.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 40, ...params, stream: true });
      let streamed = "";
      let finish: string | null = null;
      for await (const chunk of stream) {
        expect(chunk.usage).toBeUndefined(); // no usage without stream_options.include_usage
        streamed += chunk.choices[0].delta.content ?? "";
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      expect(streamed).toBe(want.choices[0].message.content);
      expect(finish).toBe(want.choices[0].finish_reason);
    }
    const cut = await client.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 40, stop });
    expect(cut.choices[0].message.content).toBe(text.slice(0, text.indexOf(stop)));
    expect(cut.choices[0].finish_reason).toBe("stop");
  });

  it("completions: two prompts × n = 2 with logprobs stream per choice index", async () => {
    const params = { model: "tiny", prompt: ["The capital of France is", "Name a color:"], n: 2, temperature: 1, seed: 11, max_tokens: 20, logprobs: 0 };
    const whole = await client.completions.create(params);
    expect(whole.choices).toHaveLength(4);
    const stream = await client.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    const got = collect();
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("text_completion");
      if (chunk.choices.length === 0) {
        usage = chunk.usage;
        continue;
      }
      const [choice] = chunk.choices;
      const c = got.get(choice.index);
      if (choice.text) {
        c.text += choice.text;
        c.contentChunks++;
      }
      choice.logprobs?.tokens?.forEach((token, i) => c.tokens.push({ token, logprob: choice.logprobs!.token_logprobs![i] }));
      c.finish.push(choice.finish_reason);
    }
    for (const want of whole.choices) {
      const c = got.get(want.index);
      expect(c.text).toBe(want.text);
      expect(c.finish.at(-1)).toBe(want.finish_reason);
      expect(c.tokens).toEqual(want.logprobs!.tokens!.map((token, i) => ({ token, logprob: want.logprobs!.token_logprobs![i] })));
      expect(c.contentChunks).toBeGreaterThan(1);
    }
    expect(usage).toEqual(whole.usage);
  });

  it("errors before the stream starts are JSON errors naming the field", async () => {
    await expect(client.chat.completions.create({ model: "other", messages, stream: true })).rejects.toMatchObject({ status: 404, param: "model" });
    await expect(client.chat.completions.create({ model: "tiny", messages, stream: false, stream_options: { include_usage: true } })).rejects.toMatchObject({
      status: 400,
      param: "stream_options",
    });
    await expect(client.completions.create({ model: "tiny", prompt: "hi", stream: true, n: 65 })).rejects.toMatchObject({ status: 400, param: "n" });
    const raw = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", stream: true }),
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get("content-type")).toBe("application/json");
    expect(await raw.json()).toMatchObject({ error: { param: "messages", type: "invalid_request_error" } });
  });

  it("the wire format: data lines, one [DONE] at the end", async () => {
    const res = await fetch(`${server.url}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", prompt: "One two", max_tokens: 5, temperature: 0, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = (await res.text()).split("\n\n");
    expect(events.pop()).toBe("");
    expect(events.at(-1)).toBe("data: [DONE]");
    for (const e of events.slice(0, -1)) expect(() => JSON.parse(e.replace(/^data: /, ""))).not.toThrow();
    expect(events.every((e) => e.startsWith("data: "))).toBe(true);
  });
});

describe("streaming is incremental; a disconnect stops generation; a later failure is an error event", () => {
  let model: PalateModel;
  let http: Server;
  let client: OpenAI;
  let steps = 0;
  /** When set, the decoder step with this number throws (a failure after the stream started). */
  let failAt = -1;
  beforeAll(async () => {
    model = await PalateModel.load(await makeTinyModel({ nPositions: 256 }));
    const step = model.decoder.step.bind(model.decoder);
    model.decoder.step = (...args) => {
      steps++;
      if (steps === failAt) return Promise.reject(new Error("the decoder broke"));
      return step(...args);
    };
    http = createServer(createOpenAiHandler({ model, name: "tiny" }));
    await new Promise<void>((done) => http.listen(0, "127.0.0.1", done));
    client = new OpenAI({ baseURL: `http://127.0.0.1:${(http.address() as AddressInfo).port}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await new Promise<void>((done) => http.close(() => done()));
    await model.close();
  });
  // Waits until every queued sample() call has finished.
  const idle = () => model.sample([[1]], { temperature: 1, topP: 1, topK: 0, maxTokens: 1, stop: [], seed: 0 });
  const params = { model: "tiny", messages, n: 8, temperature: 1, seed: 3, max_tokens: 200 } as const;

  it("the first content arrives while the model is still sampling", async () => {
    steps = 0;
    let stepsAtFirst = -1;
    let contentChunks = 0;
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) {
      if (chunk.choices[0]?.delta.content) {
        contentChunks++;
        if (stepsAtFirst < 0) stepsAtFirst = steps;
      }
    }
    const total = steps;
    expect(total).toBeGreaterThan(150); // some of the 8 rows run to max_tokens
    expect(stepsAtFirst).toBeGreaterThan(0);
    expect(stepsAtFirst).toBeLessThan(10);
    expect(contentChunks).toBeGreaterThan(100);
  });

  it("a client that breaks off stops the generation", async () => {
    steps = 0;
    const stream = await client.chat.completions.create({ ...params, stream: true });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break; // the client aborts the request
    await idle();
    expect(steps).toBeLessThan(60);
    // The server still answers after the aborted request.
    const after = await client.chat.completions.create({ ...params, n: 1, max_tokens: 5 });
    expect(after.choices).toHaveLength(1);
  });

  it("a failure after the stream started reaches the client as an error event", async () => {
    steps = 0;
    failAt = 5;
    const texts: string[] = [];
    try {
      const stream = await client.chat.completions.create({ ...params, stream: true });
      await expect(
        (async () => {
          for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? "");
        })(),
      ).rejects.toThrow("generation failed: the decoder broke");
    } finally {
      failAt = -1;
    }
    expect(texts.join("").length).toBeGreaterThan(0); // the chunks before the failure arrived
    const after = await client.chat.completions.create({ ...params, n: 1, max_tokens: 5 });
    expect(after.choices).toHaveLength(1);
  });
});
