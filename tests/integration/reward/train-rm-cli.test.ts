// Acceptance 3: a reward model trained on an imported `trl` pairwise file (K = 2), through the
// real CLI: `palate import` → `palate train-rm` from the embedded default-sft → the held-out
// accuracy it reports, confirmed by `palate score --pairs` on exactly the held-out rows.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelDir } from "@/lib/ml/io";
import { capitalPreferences, writeTrlFile, type PreferenceRow } from "../../fixtures/preference-data";
import { tempDb } from "../../helpers/app";
import { lastJson, palate } from "../../helpers/cli";

describe("palate train-rm on an imported trl file", () => {
  let temp: ReturnType<typeof tempDb>;
  let rows: PreferenceRow[];
  let out: string;
  let summary: Record<string, number | string>;
  beforeAll(async () => {
    temp = tempDb();
    rows = capitalPreferences(240, "brevity", 2);
    writeTrlFile(join(temp.dir, "pairs.jsonl"), rows);
    out = join(temp.dir, "rm");
    const imported = await palate(temp.path, ["import", "--project", "prefs", "--format", "trl", join(temp.dir, "pairs.jsonl")]);
    expect(imported.status, imported.stderr).toBe(0);
    const trained = await palate(temp.path, [
      "train-rm",
      "--project",
      "prefs",
      "--base",
      "default-sft",
      "--out",
      out,
      "--name",
      "rm-prefs",
      "--epochs",
      "2",
      "--seed",
      "3",
    ]);
    expect(trained.status, trained.stderr).toBe(0);
    summary = lastJson(trained.stdout) as Record<string, number | string>;
  }, 300_000);
  afterAll(() => temp.cleanup());

  it("reports its held-out accuracy, and writes a GPT2ForSequenceClassification directory with metrics", async () => {
    expect(summary).toMatchObject({ model: "rm-prefs", outDir: out, train_pairs: 216, eval_pairs: 24 });
    expect(summary.eval_accuracy).toBeGreaterThanOrEqual(0.9);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    for (const key of ["eval_accuracy", "eval_loss", "train_pairs", "eval_pairs"]) expect(metrics[key]).toBe(summary[key]);
    const dir = await loadModelDir(out);
    expect(dir.config.architectures).toEqual(["GPT2ForSequenceClassification"]);
    expect(dir.params.get("score.weight")?.shape).toEqual([1, 160]);
    expect(existsSync(join(out, "model.onnx"))).toBe(true);
    const steps = readFileSync(join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number>);
    const names = new Set(steps.flatMap((s) => Object.keys(s)));
    for (const n of ["loss", "accuracy", "margin", "mean_reward", "min_reward", "max_reward", "grad_norm", "lr", "eval_loss", "eval_accuracy"])
      expect(names).toContain(n);
  });

  it("palate score --pairs on the held-out rows agrees with the reported accuracy; a single prompt prints one score per completion", async () => {
    const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { train: string[]; eval: string[] };
    const heldOut = new Set(split.eval);
    const evalRows = rows.filter((r) => heldOut.has(JSON.stringify([{ role: "user", content: r.prompt }])));
    expect(evalRows).toHaveLength(24);
    expect(rows.filter((r) => split.train.includes(JSON.stringify([{ role: "user", content: r.prompt }])))).toHaveLength(216);
    const file = join(temp.dir, "held-out.jsonl");
    writeTrlFile(file, evalRows);
    const scored = await palate(temp.path, ["score", "--model", out, "--pairs", file, "--batch-size", "8"]);
    expect(scored.status, scored.stderr).toBe(0);
    const result = lastJson(scored.stdout) as { rows: number; accuracy: number; mean_margin: number };
    expect(result.rows).toBe(24);
    expect(result.accuracy).toBeCloseTo(Number(summary.eval_accuracy), 6);
    expect(result.mean_margin).toBeCloseTo(Number(summary.eval_margin), 3);

    const [row] = evalRows;
    const single = await palate(temp.path, ["score", "--model", "rm-prefs", "--prompt", row.prompt, "--completion", row.chosen, "--completion", row.rejected]);
    expect(single.status, single.stderr).toBe(0);
    const [chosen, rejected] = single.stdout.trim().split("\n").map(Number);
    expect(chosen).toBeGreaterThan(rejected);

    const bad = await palate(temp.path, ["score", "--model", out, "--pairs", join(temp.dir, "pairs-missing.jsonl")]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--pairs");
  });

  it("rejects bad options naming the flag", async () => {
    const r = await palate(temp.path, ["train-rm", "--project", "prefs", "--base", "default-sft", "--out", join(temp.dir, "x"), "--validation-fraction", "2"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--validation-fraction");
    const missing = await palate(temp.path, ["train-rm", "--project", "nope", "--base", "default-sft", "--out", join(temp.dir, "x")]);
    expect(missing.stderr).toContain('--project: no project named "nope"');
    const rounds = await palate(temp.path, ["train-rm", "--project", "prefs", "--base", "default-sft", "--out", join(temp.dir, "x"), "--rounds", "some"]);
    expect(rounds.status).toBe(1);
    expect(rounds.stderr).toContain("--rounds");
    const nowhere = await palate(temp.path, ["train-rm", "--project", "prefs", "--base", join(temp.dir, "no-model"), "--out", join(temp.dir, "x")]);
    expect(nowhere.stderr).toContain("is neither a registered model nor a model directory");
    const threads = await palate(temp.path, ["train-rm", "--project", "prefs", "--base", "default-sft", "--out", join(temp.dir, "x"), "--threads", "0"]);
    expect(threads.status).toBe(1);
    expect(threads.stderr).toContain("--threads: expected a whole number from 1 to 64");
  });

  it("--base takes a model directory too (here: the trained reward model's, continued for one epoch on 2 threads); its lineage names the directory", async () => {
    const more = join(temp.dir, "rm-from-dir");
    const run = await palate(temp.path, [
      "train-rm",
      "--project",
      "prefs",
      "--base",
      out,
      "--out",
      more,
      "--name",
      "rm-from-dir",
      "--epochs",
      "1",
      "--threads",
      "2",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(lastJson(run.stdout).model).toBe("rm-from-dir");
    const { openDb } = await import("@/db/client");
    const { getModelByName } = await import("@/lib/models/registry");
    const db = openDb(temp.path);
    try {
      const row = getModelByName(db, "rm-from-dir")!;
      expect(row.parentId).toBeNull();
      expect((row.metadata!.lineage as { baseModel: unknown }).baseModel).toEqual({ dir: out });
      const job = db.$client.prepare("SELECT params FROM jobs WHERE kind = 'train-rm' ORDER BY id DESC LIMIT 1").get() as { params: string };
      expect(JSON.parse(job.params).threads).toBe(2);
    } finally {
      db.$client.close();
    }
  }, 300_000);
});
