// Model directories only under the configured roots: the project's models/, the folder of the
// database and PALATE_MODEL_ROOTS; `..` and symbolic links resolved before the check.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { modelPathProblem, modelRoots } from "@/lib/models/model-roots";
import { newModelSchema } from "@/lib/models/registry";

describe("model roots", () => {
  let dataDir: string;
  let outside: string;
  const saved = { db: process.env.PALATE_DB, roots: process.env.PALATE_MODEL_ROOTS };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "palate-roots-data-"));
    outside = mkdtempSync(join(tmpdir(), "palate-roots-outside-"));
    mkdirSync(join(dataDir, "jobs", "3", "model"), { recursive: true });
    mkdirSync(join(outside, "model"), { recursive: true });
    symlinkSync(join(outside, "model"), join(dataDir, "escape"));
    symlinkSync(join(dataDir, "jobs", "3", "model"), join(dataDir, "inside-link"));
    symlinkSync(outside, join(dataDir, "jobs", "outside-dir"));
  });
  beforeEach(() => {
    process.env.PALATE_DB = join(dataDir, "palate.db");
    delete process.env.PALATE_MODEL_ROOTS;
  });
  afterAll(() => {
    for (const [key, value] of [
      ["PALATE_DB", saved.db],
      ["PALATE_MODEL_ROOTS", saved.roots],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("are the project's models/ and the database's folder by default", () => {
    expect(modelRoots()).toEqual([join(process.cwd(), "models"), dataDir]);
    expect(modelPathProblem(join(dataDir, "jobs", "3", "model"))).toBeNull();
    expect(modelPathProblem("models/default-sft")).toBeNull();
    expect(modelPathProblem(join(dataDir, "not-made-yet", "model"))).toBeNull();
  });

  it("refuse a path outside every root, and `..` climbing out of one", () => {
    expect(modelPathProblem(join(outside, "model"))).toMatch(/must lie under a model root/);
    expect(modelPathProblem("/etc")).toMatch(/must lie under a model root/);
    expect(modelPathProblem(join(dataDir, "jobs", "..", "..", "..", "etc"))).toMatch(/resolves to \/etc/);
    expect(modelPathProblem("models/../../../etc")).toMatch(/must lie under a model root/);
    expect(modelPathProblem(`${dataDir}-sibling/model`)).toMatch(/must lie under a model root/);
  });

  it("resolve symbolic links before the check", () => {
    expect(modelPathProblem(join(dataDir, "escape"))).toMatch(new RegExp(`resolves to ${join(outside, "model")}`));
    expect(modelPathProblem(join(dataDir, "jobs", "outside-dir", "model"))).toMatch(/must lie under a model root/);
    expect(modelPathProblem(join(dataDir, "jobs", "outside-dir", "not-there"))).toMatch(/must lie under a model root/);
    expect(modelPathProblem(join(dataDir, "inside-link"))).toBeNull();
  });

  it("take more roots from PALATE_MODEL_ROOTS", () => {
    process.env.PALATE_MODEL_ROOTS = ["/nonexistent/elsewhere", outside].join(":");
    expect(modelPathProblem(join(outside, "model"))).toBeNull();
    expect(modelPathProblem(join(dataDir, "escape"))).toBeNull();
  });

  it("is what a registration request is checked against, naming the field", () => {
    const parsed = newModelSchema.safeParse({ name: "x", kind: "policy", source: "palate", path: join(dataDir, "escape") });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toEqual(["path"]);
    expect(newModelSchema.safeParse({ name: "x", kind: "policy", source: "palate", path: join(dataDir, "jobs", "3", "model") }).success).toBe(true);
  });
});
