import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveApiKey } from "@/lib/models/api-key";
import { getModelByName } from "@/lib/models/registry";
import { tempDb } from "../../helpers/app";

const root = join(__dirname, "..", "..", "..");
const palate = (dbPath: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts", "palate.mjs"), "models", ...args], {
    cwd: root,
    env: { ...process.env, PALATE_DB: dbPath },
    encoding: "utf8",
  });

describe("palate models", () => {
  let temp: ReturnType<typeof tempDb>;
  beforeEach(() => (temp = tempDb()));
  afterEach(() => temp.cleanup());

  it("registers a directory and an endpoint, lists them without the key, and names bad flags", () => {
    expect(palate(temp.path, "add", "--name", "local", "--dir", join(temp.dir, "models", "x")).status).toBe(0);
    const add = palate(
      temp.path,
      "add",
      "--name",
      "vllm",
      "--base-url",
      "http://127.0.0.1:8000/v1",
      "--remote-model",
      "qwen",
      "--api-key",
      "sk-secret",
      "--endpoint",
      "completions",
    );
    expect(add.stdout).toContain("Registered model 2: vllm (policy, openai)");
    // The key is sealed under the server secret (the auth-secret file beside the database, which
    // this process reads too): never in the database file in clear.
    const vllm = getModelByName(temp.db, "vllm")!;
    expect(vllm).toMatchObject({ apiKey: expect.stringMatching(/^enc:v1:/), metadata: { endpoint: "completions" } });
    temp.db.$client.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of [temp.path, `${temp.path}-wal`]) if (existsSync(file)) expect(readFileSync(file).toString("latin1")).not.toContain("sk-secret");
    expect(resolveApiKey(vllm, () => readFileSync(join(temp.dir, "auth-secret"), "utf8").trim())).toBe("sk-secret");
    const list = palate(temp.path, "list", "--json");
    expect(list.stdout).not.toContain("sk-secret");
    expect((JSON.parse(list.stdout) as { name: string; hasApiKey: boolean }[]).map((m) => [m.name, m.hasApiKey])).toEqual([
      ["local", false],
      ["vllm", true],
      ["default-sft", false], // the committed models/default-sft, registered when the registry is listed
    ]);
    const bad = palate(temp.path, "add", "--name", "x", "--base-url", "not a url", "--remote-model", "q");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--base-url:");
    expect(palate(temp.path, "add", "--name", "local", "--dir", join(temp.dir, "y")).stderr).toContain('a model named "local" is already registered');
    // Directories only under the model roots, endpoints only http(s) (the other rules: tests/unit/models).
    expect(palate(temp.path, "add", "--name", "z", "--dir", "/etc").stderr).toContain("--dir: must lie under a model root");
    const file = palate(temp.path, "add", "--name", "z", "--base-url", "file:///etc/passwd", "--remote-model", "q");
    expect(file.stderr).toContain("--base-url: only http and https URLs are allowed");
    expect(getModelByName(temp.db, "z")).toBeUndefined();
  });
});
