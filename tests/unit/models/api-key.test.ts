// Endpoint API keys at rest: sealed under the server secret (AES-256-GCM, `enc:v1:`), or kept as
// an `env:NAME` reference; clear-text keys of older databases sealed in place; the raw database
// file never holds a registered key.
import { existsSync, readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { models } from "@/db/schema";
import { eq } from "drizzle-orm";
import { resolveApiKey, sealClearApiKeys, storedApiKey } from "@/lib/models/api-key";
import { ensureDefaultModel, getModelRow, registerModel, toView } from "@/lib/models/registry";
import { authSecretFile, serverSecret } from "@/lib/security/secrets";
import { seal, unseal } from "@/lib/security/secrets-box";
import { tempDb } from "../../helpers/app";

const KEY = "sk-proj-4c1d9e7f-never-in-the-file";

/** The database file and its WAL, as bytes on disk. */
function rawBytes(path: string): string {
  return [path, `${path}-wal`, `${path}-shm`]
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p).toString("latin1"))
    .join("");
}

describe("API keys at rest", () => {
  const temp = tempDb();
  const saved = { db: process.env.PALATE_DB, secret: process.env.NEXTAUTH_SECRET };

  beforeAll(() => {
    process.env.PALATE_DB = temp.path;
    delete process.env.NEXTAUTH_SECRET;
  });
  afterAll(() => {
    if (saved.db === undefined) delete process.env.PALATE_DB;
    else process.env.PALATE_DB = saved.db;
    if (saved.secret !== undefined) process.env.NEXTAUTH_SECRET = saved.secret;
    temp.cleanup();
  });

  it("registers a key encrypted: neither the row nor the database file holds it", () => {
    const view = registerModel(temp.db, { name: "remote", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m", apiKey: KEY });
    expect(view).not.toHaveProperty("apiKey");
    expect(view.hasApiKey).toBe(true);
    const row = getModelRow(temp.db, view.id)!;
    expect(row.apiKey).toMatch(/^enc:v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(row.apiKey).not.toContain(KEY);
    temp.db.$client.pragma("wal_checkpoint(TRUNCATE)");
    expect(rawBytes(temp.path)).not.toContain(KEY);
    expect(rawBytes(temp.path)).not.toContain(KEY.slice(8, 24));
    // The secret came from the auth-secret file beside the database, created owner-only.
    expect(readFileSync(authSecretFile(temp.path), "utf8").trim()).toBe(serverSecret(temp.path));
    expect(statSync(authSecretFile(temp.path)).mode & 0o077).toBe(0);
    expect(resolveApiKey(row)).toBe(KEY);
  });

  it("seals each key with a fresh IV and refuses another secret or an altered value", () => {
    const a = storedApiKey(KEY, () => "secret-one")!;
    const b = storedApiKey(KEY, () => "secret-one")!;
    expect(a).not.toBe(b);
    expect(resolveApiKey({ name: "m", apiKey: a }, () => "secret-one")).toBe(KEY);
    expect(() => resolveApiKey({ name: "m", apiKey: a }, () => "secret-two")).toThrow(/model "m": its API key cannot decrypt: it was sealed under another server secret/);
    const parts = a.split(":");
    const data = Buffer.from(parts[3], "base64url");
    data[0] ^= 1;
    parts[3] = data.toString("base64url");
    expect(() => resolveApiKey({ name: "m", apiKey: parts.join(":") }, () => "secret-one")).toThrow(/altered/);
    // A value sealed for another purpose does not open as an API key.
    expect(() => unseal(seal(KEY, "s", "other"), "s", "models.api_key")).toThrow();
  });

  it("keeps env:NAME as a reference and reads the variable at use", () => {
    const view = registerModel(temp.db, { name: "env-ref", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m", apiKey: "env:PALATE_TEST_ENDPOINT_KEY" });
    const row = getModelRow(temp.db, view.id)!;
    expect(row.apiKey).toBe("env:PALATE_TEST_ENDPOINT_KEY");
    delete process.env.PALATE_TEST_ENDPOINT_KEY;
    expect(() => resolveApiKey(row)).toThrow(/environment variable PALATE_TEST_ENDPOINT_KEY, which is not set/);
    process.env.PALATE_TEST_ENDPOINT_KEY = "from-the-environment";
    expect(resolveApiKey(row)).toBe("from-the-environment");
    expect(() =>
      registerModel(temp.db, { name: "bad-ref", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m", apiKey: "env:1 rm -rf" }),
    ).toThrow(/environment variable name/);
  });

  it("seals clear-text keys of an older database when the registry is opened", () => {
    const { id } = registerModel(temp.db, { name: "legacy", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m" });
    temp.db.update(models).set({ apiKey: KEY }).where(eq(models.id, id)).run();
    expect(resolveApiKey(getModelRow(temp.db, id)!)).toBe(KEY);
    ensureDefaultModel(temp.db);
    const row = getModelRow(temp.db, id)!;
    expect(row.apiKey).toMatch(/^enc:v1:/);
    expect(resolveApiKey(row)).toBe(KEY);
    expect(toView(row).hasApiKey).toBe(true);
    expect(temp.db.select().from(models).where(eq(models.name, "env-ref")).get()?.apiKey).toBe("env:PALATE_TEST_ENDPOINT_KEY");
    expect(sealClearApiKeys(temp.db)).toBe(0);
  });

  it("leaves no byte of a sealed clear-text key in the database file or its WAL", () => {
    const clearKey = "sk-clear-" + "q7".repeat(20);
    const { id } = registerModel(temp.db, { name: "legacy-bytes", kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m" });
    temp.db.update(models).set({ apiKey: clearKey }).where(eq(models.id, id)).run();
    // rows after it on the page, so its old cell becomes a free block in the middle
    for (const name of ["after-1", "after-2"]) registerModel(temp.db, { name, kind: "policy", source: "openai", baseUrl: "http://127.0.0.1:9/v1", remoteModel: "m" });
    temp.db.$client.pragma("wal_checkpoint(TRUNCATE)");
    const onDisk = () => [temp.path, `${temp.path}-wal`].filter((f) => existsSync(f)).some((f) => readFileSync(f).includes(clearKey));
    expect(onDisk()).toBe(true);
    expect(sealClearApiKeys(temp.db)).toBe(1);
    expect(resolveApiKey(getModelRow(temp.db, id)!)).toBe(clearKey);
    expect(onDisk()).toBe(false);
  });
});
