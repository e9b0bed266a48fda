// Endpoint API keys at rest, end to end: an admin registers an endpoint with a key through the
// running app; the database file never holds the key in clear; a generation in this process (as a
// job child would run it, reading the same server secret) sends it to a real HTTP endpoint as
// `Authorization: Bearer KEY`. An `env:NAME` key is read from the environment at use.
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { samplingSchema } from "@/lib/generation/job-params";
import { openCompletionSource } from "@/lib/generation/open-source";
import { getModelRow } from "@/lib/models/registry";
import { Client, startTestApp, type TestApp } from "../helpers/app";

const KEY = "sk-live-7a3f0c2e9d41-at-rest";

describe("endpoint API keys at rest", () => {
  let app: TestApp;
  let admin: Client;
  let endpoint: Server;
  let baseUrl: string;
  const seen: IncomingHttpHeaders[] = [];
  const savedDb = process.env.PALATE_DB;

  beforeAll(async () => {
    app = await startTestApp();
    // This process opens keys as a job child does: through the database's folder (or NEXTAUTH_SECRET).
    process.env.PALATE_DB = app.dbPath;
    admin = await new Client(app.url).signIn("admin@palate.local");
    // A real OpenAI-compatible endpoint that records the headers it is sent.
    endpoint = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ choices: [0, 1].map((index) => ({ index, message: { role: "assistant", content: `answer ${index}` }, finish_reason: "stop" })) }),
        );
      });
    });
    await new Promise<void>((done) => endpoint.listen(0, "127.0.0.1", () => done()));
    baseUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    if (savedDb === undefined) delete process.env.PALATE_DB;
    else process.env.PALATE_DB = savedDb;
    await new Promise<void>((done) => (endpoint ? endpoint.close(() => done()) : done()));
    await app?.stop();
  });

  const register = async (name: string, apiKey: string) => {
    const res = await admin.json("/api/models", "POST", { name, kind: "policy", source: "openai", baseUrl, remoteModel: "remote", apiKey });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    expect(text).not.toContain(apiKey);
    return (JSON.parse(text) as { model: { id: number } }).model.id;
  };
  const sampleWith = async (id: number) => {
    seen.length = 0;
    const source = await openCompletionSource(getModelRow(app.db, id)!);
    const out = await source.generate([[{ role: "user", content: "Hi" }]], samplingSchema.parse({ k: 2, maxTokens: 4, seed: 1 }));
    expect(out[0].map((c) => c.text)).toEqual(["answer 0", "answer 1"]);
    return seen.map((h) => h.authorization);
  };

  it("stores the key encrypted, and the endpoint receives it as a bearer token", async () => {
    const id = await register("keyed", KEY);
    const row = getModelRow(app.db, id)!;
    expect(row.apiKey).toMatch(/^enc:v1:/);
    // The database file and its write-ahead log, as bytes, as another user of the machine would read them.
    const files = [app.dbPath, `${app.dbPath}-wal`].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file).toString("latin1"), file).not.toContain(KEY);
    expect(await sampleWith(id)).toEqual([`Bearer ${KEY}`]);
  });

  it("reads an env:NAME key from the environment when the model is used", async () => {
    const id = await register("from-env", "env:PALATE_TEST_REMOTE_KEY");
    expect(getModelRow(app.db, id)!.apiKey).toBe("env:PALATE_TEST_REMOTE_KEY");
    delete process.env.PALATE_TEST_REMOTE_KEY;
    await expect(openCompletionSource(getModelRow(app.db, id)!)).rejects.toThrow(/PALATE_TEST_REMOTE_KEY, which is not set/);
    process.env.PALATE_TEST_REMOTE_KEY = "sk-from-the-environment";
    expect(await sampleWith(id)).toEqual(["Bearer sk-from-the-environment"]);
  });
});
