// Training on a dataset snapshot through the real CLI: `palate snapshot` freezes the project,
// `palate train-rm --snapshot PROJECT/NAME` trains a tiny reward model on it, holds out exactly the
// snapshot's test prompts and records the snapshot's hash in the model's lineage; a copy of the
// folder elsewhere trains too (by path), and a tampered file is refused before any training (the
// failures run the CLI's dispatcher in this process: no training starts, no child is needed).
import { chmodSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { importFile } from "@/lib/datasets/import";
import type { SnapshotManifest } from "@/lib/datasets/snapshot-manifest";
import { getModelByName } from "@/lib/models/registry";
import { capitalPreferences, writeTrlFile } from "../../fixtures/preference-data";
import { tempDb } from "../../helpers/app";
import { lastJson, palate, palateInProcess } from "../../helpers/cli";
import { makeTinyModel } from "../../unit/generation/tiny-model";

describe("palate train-rm --snapshot", () => {
  let temp: ReturnType<typeof tempDb>;
  let base: string;
  let manifest: SnapshotManifest;
  let snapshotDir: string;
  const tiny = ["--epochs", "1", "--batch-size", "8", "--max-length", "64", "--eval-every", "0"];

  beforeAll(async () => {
    temp = tempDb();
    base = await makeTinyModel({ nPositions: 64, nEmbd: 32 });
    const file = join(temp.dir, "pairs.jsonl");
    writeTrlFile(file, capitalPreferences(60, "brevity", 1));
    importFile(temp.db, file, "trl", { projectName: "caps" });
    const taken = await palate(temp.path, ["snapshot", "--project", "caps", "--name", "v1", "--test-share", "0.3"]);
    expect(taken.status, taken.stderr).toBe(0);
    snapshotDir = lastJson(taken.stdout).dir as string;
    manifest = JSON.parse(readFileSync(join(snapshotDir, "snapshot.json"), "utf8")) as SnapshotManifest;
  }, 120_000);
  afterAll(() => temp.cleanup());

  const lineageOf = (name: string) => {
    const db = openDb(temp.path);
    try {
      return getModelByName(db, name)!.metadata!.lineage as { snapshot: { name: string; hash: string } | null; rankings: number };
    } finally {
      db.$client.close();
    }
  };

  it("records the snapshot's hash in the lineage and holds out exactly its test prompts", async () => {
    const out = join(temp.dir, "rm-v1");
    const run = await palate(temp.path, ["train-rm", "--snapshot", "caps/v1", "--base", base, "--out", out, "--name", "rm-v1", ...tiny]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`snapshot v1 (${manifest.hash.slice(0, 12)}`);
    const lineage = lineageOf("rm-v1");
    expect(lineage.snapshot).toMatchObject({ name: "v1", hash: manifest.hash });
    expect(lineage.rankings).toBe(60);

    const testPrompts = readFileSync(join(snapshotDir, "rankings", "test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.stringify((JSON.parse(l) as { prompt: unknown }).prompt));
    const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { eval: string[]; train: string[]; validation_fraction: number | null };
    expect(new Set(split.eval)).toEqual(new Set(testPrompts));
    expect(split.eval.length).toBe(manifest.split.test_prompts);
    expect(split.validation_fraction).toBeNull();
    expect(lastJson(run.stdout).eval_prompts).toBe(manifest.split.test_prompts);
  }, 180_000);

  it("trains on a copy of the folder by path, and refuses a copy whose file was changed", async () => {
    const copy = join(temp.dir, "copy-of-v1");
    cpSync(snapshotDir, copy, { recursive: true });
    const ok = await palate(temp.path, ["train-rm", "--snapshot", copy, "--base", base, "--out", join(temp.dir, "rm-copy"), "--name", "rm-copy", ...tiny]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(lineageOf("rm-copy").snapshot).toMatchObject({ name: "v1", hash: manifest.hash });

    const file = join(copy, "rankings", "train.jsonl");
    chmodSync(file, 0o644);
    const lines = readFileSync(file, "utf8").trim().split("\n");
    const row = JSON.parse(lines[0]) as { groups: number[][] };
    row.groups = [...row.groups].reverse();
    writeFileSync(file, [JSON.stringify(row), ...lines.slice(1)].join("\n") + "\n");
    const bad = await palateInProcess(temp.path, ["train-rm", "--snapshot", copy, "--base", base, "--out", join(temp.dir, "rm-bad"), ...tiny]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("rankings/train.jsonl does not match its SHA-256");
  }, 180_000);

  it("names the flag when the snapshot does not exist or clashes with other options", async () => {
    const missing = await palateInProcess(temp.path, ["train-rm", "--snapshot", "caps/v9", "--base", base, "--out", join(temp.dir, "x")]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--snapshot: project "caps" has no snapshot named "v9"');
    const rounds = await palateInProcess(temp.path, ["train-rm", "--snapshot", "caps/v1", "--rounds", "latest", "--base", base, "--out", join(temp.dir, "x")]);
    expect(rounds.status).toBe(1);
    expect(rounds.stderr).toContain("--rounds");
  }, 60_000);
});
