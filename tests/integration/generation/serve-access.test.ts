// `palate serve --api-key` and the Host check, against the real CLI in a child process: the
// `openai` client with the right key samples, a wrong or missing key answers 401 in OpenAI's error
// shape, and a Host that is not a loopback name answers 403 (DNS-rebinding defense) unless
// --allowed-hosts names it.
import type { ChildProcess } from "node:child_process";
import { request } from "node:http";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/tests/helpers/app";
import { serve, stopped } from "@/tests/helpers/palate-serve";
import { makeTinyModel } from "@/tests/unit/generation/tiny-model";

const KEY = "serve-key-5b2c9e";

/** A raw HTTP request with the headers as given (fetch cannot set Host). */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: { error?: { message: string; type: string; code: string | null; param: string | null } } & Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { host: "127.0.0.1", port, path, method: data ? "POST" : "GET", headers: { ...(data ? { "content-type": "application/json" } : {}), ...headers } },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

describe("palate serve access", () => {
  let dir: string;
  const servers: ChildProcess[] = [];
  beforeAll(async () => {
    dir = await makeTinyModel();
  });
  afterAll(async () => {
    for (const child of servers) {
      child.kill("SIGTERM");
      await stopped(child);
    }
  });

  it("--api-key: the openai client with the key samples; without it or with another, 401 as OpenAI answers", async () => {
    const port = await freePort();
    const server = await serve(dir, port, "tiny", { args: ["--api-key", KEY] });
    servers.push(server.child);

    const client = new OpenAI({ baseURL: server.url, apiKey: KEY, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: "tiny", messages: [{ role: "user", content: "Name a color." }], max_tokens: 4, n: 2 });
    expect(answer.choices).toHaveLength(2);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["tiny"]);

    const wrong = new OpenAI({ baseURL: server.url, apiKey: "not-the-key", maxRetries: 0 });
    const error = await wrong.chat.completions.create({ model: "tiny", messages: [{ role: "user", content: "Hi" }], max_tokens: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");

    const missing = await raw(port, "/v1/models", {});
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ type: "invalid_request_error", param: null });
    expect(missing.json.error?.message).toMatch(/API key/);
    const lowercase = await raw(port, "/v1/models", { authorization: `bearer ${KEY}` });
    expect(lowercase.status).toBe(200);
    const body = { model: "tiny", prompt: "One two", max_tokens: 2 };
    expect((await raw(port, "/v1/completions", { authorization: `Bearer ${KEY}x` }, body)).status).toBe(401);
    expect((await raw(port, "/v1/completions", { authorization: `Basic ${KEY}` }, body)).status).toBe(401);
    expect((await raw(port, "/v1/completions", { authorization: `Bearer ${KEY}` }, body)).status).toBe(200);
  });

  it("takes the key from PALATE_SERVE_API_KEY; answers 403 to a Host that is not a loopback name, unless --allowed-hosts names it", async () => {
    const port = await freePort();
    const server = await serve(dir, port, "tiny", { args: ["--allowed-hosts", "gpu-box.lan"], env: { PALATE_SERVE_API_KEY: KEY } });
    servers.push(server.child);
    const auth = { authorization: `Bearer ${KEY}` };
    expect((await raw(port, "/v1/models", {})).status).toBe(401);
    expect((await raw(port, "/v1/models", auth)).status).toBe(200);

    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "LOCALHOST", `gpu-box.lan:${port}`]) {
      expect((await raw(port, "/v1/models", { ...auth, host })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, "localhost.evil.example", `10.0.0.5:${port}`, "127.0.0.1@evil.example"]) {
      const answer = await raw(port, "/v1/models", { ...auth, host });
      expect(answer.status, host).toBe(403);
      expect(answer.json.error).toMatchObject({ type: "invalid_request_error", code: "host_not_allowed" });
    }
    // The Host check comes first: before the key, the body or any sampling.
    const posted = await raw(port, "/v1/completions", { host: "evil.example" }, { model: "tiny", prompt: "One", max_tokens: 2 });
    expect(posted.status).toBe(403);
    expect(posted.json.error?.message).toContain("--allowed-hosts evil.example");
  });
});
