import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
    expect(palate(temp.path, "add", "--name", "local", "--dir", "/models/x").status).toBe(0);
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
    expect(getModelByName(temp.db, "vllm")).toMatchObject({ apiKey: "sk-secret", metadata: { endpoint: "completions" } });
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
    expect(palate(temp.path, "add", "--name", "local", "--dir", "/y").stderr).toContain('a model named "local" is already registered');
  });
});
