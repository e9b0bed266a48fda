// `palate train-lm` through the real CLI: settings as flags from lm-config.ts (the old --lr
// included), a model directory that is also the checkpoint, with metrics.jsonl.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { palate, palateInProcess } from "../../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "palate-train-lm-cli-"));
const data = join(dir, "text.txt");
writeFileSync(data, "The quick brown fox jumps over the lazy dog. ".repeat(20));
const TINY = ["--vocab-size", "280", "--context", "16", "--d-model", "16", "--layers", "1", "--heads", "2", "--batch-size", "2", "--seed", "1"];

describe("palate train-lm", () => {
  it("trains from flags, logs every step, and with --steps raised continues the checkpoint", async () => {
    const out = join(dir, "lm");
    const first = await palate(join(dir, "unused.db"), [
      "train-lm",
      "--data",
      data,
      "--out",
      out,
      ...TINY,
      "--steps",
      "4",
      "--lr",
      "3e-3",
      "--checkpoint-every",
      "2",
    ]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Trained 4 steps .*vocab 280, d 16, 1 layers, 2 heads, 16 positions/);
    const state = JSON.parse(readFileSync(join(out, "trainer_state.json"), "utf8"));
    expect(state).toMatchObject({ step: 4, totalSteps: 4, lr: 3e-3, warmupSteps: 0, batchSize: 2, seqLen: 16 });
    const steps = () =>
      readFileSync(join(out, "metrics.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).step);
    expect(steps()).toEqual([1, 2, 3, 4]);

    const more = await palate(join(dir, "unused.db"), ["train-lm", "--data", data, "--out", out, ...TINY, "--steps", "6", "--learning-rate", "3e-3"]);
    expect(more.status, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/Resuming from the checkpoint at step 4/);
    expect(steps()).toEqual([1, 2, 3, 4, 5, 6]);
  }, 120_000);

  it("lists the settings in --help and names the flag of a bad value", async () => {
    const help = await palateInProcess(null, ["train-lm", "--help"]);
    expect(help.stdout).toMatch(/--warmup-steps X +Steps of linear warmup \(default min\(100, steps \/ 10\)\)\./);
    expect(help.stdout).toMatch(/--weight-decay X +AdamW's decoupled weight decay .*\(default 0\.1\)/);
    expect(help.stdout).not.toMatch(/undefined/);
    const bad = await palateInProcess(null, ["train-lm", "--data", data, "--out", join(dir, "bad"), "--heads", "0"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--heads:/);
    const alias = await palateInProcess(null, ["train-lm", "--data", data, "--out", join(dir, "bad"), "--lr", "x"]);
    expect(alias.stderr).toMatch(/--lr: expected a number/);
  });
});
