// The model registry over HTTP: staff list, admins register Palate directories and
// OpenAI-compatible endpoints; bad input answers 400 naming the field; the API key never
// appears in any answer or page.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startTestApp, type TestApp } from "../helpers/app";

const SECRET = "sk-test-9f8e7d6c5b4a-never-shown";

describe("models API and page", () => {
  let app: TestApp;
  let admin: Client;
  let researcher: Client;
  let annotator: Client;
  let modelDir: string;
  let outsideDir: string;

  beforeAll(async () => {
    app = await startTestApp();
    // A directory that looks like a Palate model (the API checks config.json).
    modelDir = join(app.dbPath, "..", "tiny-model");
    mkdirSync(modelDir, { recursive: true });
    writeFileSync(join(modelDir, "config.json"), JSON.stringify({ model_type: "gpt2" }));
    // A model directory outside every model root, and a link to it from inside the data folder.
    outsideDir = join(mkdtempSync(join(tmpdir(), "palate-outside-")), "model");
    mkdirSync(outsideDir);
    writeFileSync(join(outsideDir, "config.json"), JSON.stringify({ model_type: "gpt2" }));
    symlinkSync(outsideDir, join(app.dbPath, "..", "linked-model"));
    admin = await new Client(app.url).signIn("admin@palate.local");
    researcher = await new Client(app.url).signIn("researcher@palate.local");
    annotator = await new Client(app.url).signIn("annotator1@palate.local");
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("registers a Palate directory and an endpoint; lists both without the key", async () => {
    const dirRes = await admin.json("/api/models", "POST", { name: "tiny-policy", kind: "policy", source: "palate", path: modelDir });
    expect(dirRes.status).toBe(201);
    const { model: tiny } = (await dirRes.json()) as { model: { id: number; name: string; path: string; hasApiKey: boolean } };
    expect(tiny).toMatchObject({ name: "tiny-policy", path: modelDir, hasApiKey: false });

    const endRes = await admin.json("/api/models", "POST", {
      name: "remote-llama",
      kind: "policy",
      source: "openai",
      baseUrl: "http://127.0.0.1:9/v1/",
      remoteModel: "llama-3.2-1b",
      apiKey: SECRET,
      parentId: tiny.id,
      metadata: { endpoint: "completions" },
    });
    const endText = await endRes.text();
    expect(endRes.status, endText).toBe(201);
    expect(endText).not.toContain(SECRET);
    expect(JSON.parse(endText).model).toMatchObject({
      baseUrl: "http://127.0.0.1:9/v1",
      remoteModel: "llama-3.2-1b",
      hasApiKey: true,
      parentId: tiny.id,
      metadata: { endpoint: "completions" },
    });
    expect(JSON.parse(endText).model).not.toHaveProperty("apiKey");

    const list = await researcher.fetch("/api/models");
    const listText = await list.text();
    expect(list.status).toBe(200);
    expect(listText).not.toContain(SECRET);
    const names = (JSON.parse(listText) as { models: { name: string }[] }).models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(["tiny-policy", "remote-llama"]));

    for (const who of [admin, researcher]) {
      const page = await who.fetch("/research/models");
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).not.toContain(SECRET);
      expect(html).toContain("remote-llama");
      expect(html).toContain("key set");
      expect(html).toContain("llama-3.2-1b");
    }
    // Only admins see the registration form.
    expect(await (await admin.fetch("/research/models")).text()).toContain("Register model");
    expect(await (await researcher.fetch("/research/models")).text()).not.toContain("Register model");
  });

  it("answers 400 naming the field for invalid registrations", async () => {
    const cases: [unknown, string][] = [
      [{ name: "x", kind: "policy", source: "palate", path: join(modelDir, "missing") }, "path"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "not a url", remoteModel: "m" }, "baseUrl"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1" }, "remoteModel"],
      [{ name: "x", kind: "critic", source: "palate", path: modelDir }, "kind"],
      [{ name: "has space", kind: "policy", source: "palate", path: modelDir }, "name"],
      [{ name: "x", kind: "policy", source: "palate", path: modelDir, colour: "red" }, "colour"],
      [{ name: "x", kind: "policy", source: "palate", path: modelDir, parentId: 99999 }, "parentId"],
      [{ name: "tiny-policy", kind: "policy", source: "palate", path: modelDir }, "name"],
      [{ name: "x", kind: "policy", source: "ftp", path: modelDir }, "source"],
      // The registry's rules (issue 11): model roots, http(s) only, no link-local or metadata host.
      [{ name: "x", kind: "policy", source: "palate", path: outsideDir }, "path"],
      [{ name: "x", kind: "policy", source: "palate", path: join(app.dbPath, "..", "linked-model") }, "path"],
      [{ name: "x", kind: "policy", source: "palate", path: join(app.dbPath, "..", "..", "..", "etc") }, "path"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "file:///etc/passwd", remoteModel: "m" }, "baseUrl"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "http://169.254.169.254/latest/meta-data", remoteModel: "m" }, "baseUrl"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "http://[fe80::1]:8000/v1", remoteModel: "m" }, "baseUrl"],
      [{ name: "x", kind: "policy", source: "openai", baseUrl: "http://0.0.0.0:8000/v1", remoteModel: "m" }, "baseUrl"],
    ];
    for (const [body, field] of cases) {
      const res = await admin.json("/api/models", "POST", body);
      const answer = (await res.json()) as { issues?: { field: string }[] };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(
        answer.issues?.map((i) => i.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    const notJson = await admin.fetch("/api/models", { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("refuses registration to researchers and everything to annotators", async () => {
    const body = { name: "sneaky", kind: "policy", source: "palate", path: modelDir };
    expect((await researcher.json("/api/models", "POST", body)).status).toBe(403);
    expect((await annotator.json("/api/models", "POST", body)).status).toBe(403);
    expect((await annotator.fetch("/api/models")).status).toBe(403);
    expect((await new Client(app.url).fetch("/api/models")).status).toBe(401);
    expect((await annotator.fetch("/research/models")).status).toBe(403);
  });
});
