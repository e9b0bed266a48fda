// `palate dpo` through the real CLI (a child process) on a tiny project with two annotators'
// rankings in a temp SQLite database: every pair the rankings imply is learned from, TRL's
// metrics are logged once per step, the chosen/rejected margin grows on the training pairs,
// Ctrl-C checkpoints and the same command resumes, the policy is registered with its lineage
// and loads. Also a trl file as the source, and bad input naming its flag or line.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJob, jobEventsSince, jobMetricsSince, listJobs } from "@/lib/jobs/queue";
import { loadLanguageModel, openDecoder } from "@/lib/ml/nn/language-model";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { getModelByName, registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { createUser } from "@/lib/users";
import { projectRoot } from "@/scripts/server";
import { DEMO_PASSWORD, tempDb } from "../../helpers/app";
import { lastJson, palate, palateInProcess } from "../../helpers/cli";
import { syntheticRankings, tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

// 20 prompts × 3 completions (one with "apple"); two annotators: both rank the good one first,
// and order the two others oppositely — 3 + 3 pairs per task, the two bad-vs-bad pairs cancelling.
const PROMPTS = 20;
// 16 training prompts × (2 + 2 + 1 + 1) weighted pairs: 4 distinct pairs each → 64 pairs, 16 steps an epoch.
const FLAGS = ["--batch-size", "4", "--learning-rate", "5e-3", "--beta", "0.1", "--warmup-ratio", "0", "--validation-fraction", "0.2", "--seed", "2"];

describe("palate dpo", () => {
  let temp: ReturnType<typeof tempDb>;
  let policyId: number;
  beforeAll(async () => {
    temp = tempDb();
    const project = createProject(temp.db, { name: "prefs" });
    const ann = await Promise.all(
      ["ann1", "ann2"].map((n) => createUser(temp.db, { email: `${n}@palate.local`, name: n, role: "annotator", password: DEMO_PASSWORD })),
    );
    for (const e of syntheticRankings(PROMPTS, 3, 11)) {
      const task = insertTask(temp.db, project.id, { messages: e.prompt, completions: e.completions.map((text) => ({ text })) });
      const good = e.groups[0][0];
      const bad = e.groups[1];
      const ids = task.completionIds;
      insertRanking(temp.db, { taskId: task.taskId, userId: ann[0].id, groups: [[ids[good]], [ids[bad[0]]], [ids[bad[1]]]] });
      insertRanking(temp.db, { taskId: task.taskId, userId: ann[1].id, groups: [[ids[good]], [ids[bad[1]]], [ids[bad[0]]]] });
    }
    policyId = registerModel(temp.db, { name: "tiny-sft", kind: "policy", source: "palate", path: await tinyLmDir() }).id;
  }, 60_000);
  afterAll(() => temp.cleanup());

  it("learns from every pair of the project's rankings; Ctrl-C checkpoints, the same command resumes; the policy is registered and loads", async () => {
    const out = join(temp.dir, "dpo");
    const args = [
      "dpo",
      "--project",
      "prefs",
      "--policy",
      "tiny-sft",
      "--out",
      out,
      "--epochs",
      "12",
      "--eval-every",
      "40",
      "--checkpoint-every",
      "10",
      ...FLAGS,
    ];

    // First run: interrupted with SIGINT (Ctrl-C) once past the first checkpoints.
    const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, PALATE_DB: temp.path },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.once("close", done));
    const deadline = Date.now() + 120_000;
    let jobId: number | undefined;
    for (;;) {
      jobId ??= listJobs(temp.db).find((j) => j.kind === "dpo")?.id;
      const steps = jobId === undefined ? [] : jobMetricsSince(temp.db, jobId).filter((m) => m.name === "rewards/margins");
      if (steps.some((m) => m.step >= 25) || Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const status = await exited;
    expect(status, stderr).not.toBe(0);
    expect(stderr).toMatch(/cancelled/);
    const first = getJob(temp.db, jobId!)!;
    expect(first.status).toBe("cancelled");
    const checkpoint = JSON.parse(readFileSync(join(out, "trainer_state.json"), "utf8")) as { step: number; finished: boolean; totalSteps: number };
    expect(checkpoint).toMatchObject({ finished: false, totalSteps: 12 * 16 });
    expect(checkpoint.step).toBeGreaterThanOrEqual(25);
    expect(checkpoint.step).toBeLessThan(12 * 16);

    // The same command again: resumes from the checkpoint and finishes.
    const again = await palate(temp.path, args);
    expect(again.status, again.stderr).toBe(0);
    const summary = lastJson(again.stdout);
    expect(summary).toMatchObject({ model: expect.stringMatching(/^dpo-prefs-\d+$/), outDir: out, steps: 12 * 16 });
    const second = getJob(temp.db, summary.job as number)!;
    const events = jobEventsSince(temp.db, second.id)
      .map((e) => e.text)
      .join("\n");
    expect(events).toContain(`Resumed from the checkpoint at step ${checkpoint.step}.`);
    expect(events).toMatch(/40 rankings of 20 tasks \(120 comparisons/);

    // metrics.jsonl: every step once across the interruption, TRL's names; evaluations under eval_.
    const lines = jsonl(join(out, "metrics.jsonl"));
    const train = lines.filter((l) => "rewards/margins" in l);
    expect(train.map((l) => l.step)).toEqual(Array.from({ length: 12 * 16 }, (_, i) => i + 1));
    for (const name of ["loss", "grad_norm", "lr", "epoch", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "logps/chosen", "logps/rejected"])
      expect(name in train[0], name).toBe(true);
    expect(lines.filter((l) => "eval_loss" in l).map((l) => l.step)).toEqual([40, 80, 120, 160, 192]);
    // The job's metric table holds the resumed job's points from the checkpoint on, each once.
    const resumedPoints = jobMetricsSince(temp.db, second.id).filter((m) => m.name === "rewards/margins");
    expect(resumedPoints.map((m) => m.step)).toEqual(Array.from({ length: 12 * 16 - checkpoint.step }, (_, i) => checkpoint.step + i + 1));

    // The margin grows on the training pairs: 0 at step 1 (the policy is the reference), clearly positive in the last epoch.
    expect(Math.abs(train[0]["rewards/margins"])).toBeLessThan(1e-3);
    const lastEpoch = train.slice(-16);
    expect(lastEpoch.reduce((s, l) => s + l["rewards/margins"], 0) / 16).toBeGreaterThan(0.3);
    // Held out: 4 prompts, their pairs ordered the annotators' way more often than not.
    expect(summary).toMatchObject({ "eval_rewards/accuracies": expect.any(Number) });
    expect(summary["eval_rewards/margins"] as number).toBeGreaterThan(0);

    // Registered with its lineage; a language-model directory that loads and decodes.
    const model = getModelByName(temp.db, summary.model as string)!;
    expect(model).toMatchObject({ kind: "policy", parentId: policyId, jobId: second.id });
    const meta = model.metadata as { lineage: Record<string, unknown>; config: Record<string, unknown>; metrics: Record<string, number> };
    expect(meta.lineage).toMatchObject({
      method: "dpo",
      basePolicy: { id: policyId, name: "tiny-sft" },
      reference: { id: policyId, name: "tiny-sft" },
      project: { name: "prefs" },
      source: { kind: "rankings", rankings: 40, comparisons: 120, selection: { rankings: "every" } },
      trainPrompts: 16,
      evalPrompts: 4,
      trainPairs: 64,
      evalPairs: 16,
    });
    expect(meta.config).toMatchObject({ beta: 0.1, lossType: "sigmoid", epochs: 12, batchSize: 4 });
    expect(meta.metrics["rewards/margins"]).toBe(train.at(-1)!["rewards/margins"]);
    for (const file of ["config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "model.onnx"])
      expect(existsSync(join(out, file)), file).toBe(true);
    const policy = await loadLanguageModel(out);
    const decoder = await openDecoder(policy);
    await decoder.release();
  }, 300_000);

  it("learns from a trl preference file with the IPO loss", async () => {
    const file = join(temp.dir, "pairs.jsonl");
    writeFileSync(
      file,
      syntheticRankings(10, 2, 5)
        .map((e) => JSON.stringify({ prompt: e.prompt[0].content, chosen: e.completions[e.groups[0][0]], rejected: e.completions[e.groups[1][0]] }))
        .join("\n") + "\n",
    );
    const out = join(temp.dir, "dpo-trl");
    const run = await palate(temp.path, [
      "dpo",
      "--project",
      "prefs",
      "--policy",
      "tiny-sft",
      "--trl",
      file,
      "--out",
      out,
      "--loss-type",
      "ipo",
      "--epochs",
      "2",
      ...FLAGS,
    ]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    const model = getModelByName(temp.db, summary.model as string)!;
    const lineage = (model.metadata as { lineage: Record<string, unknown> }).lineage;
    expect(lineage).toMatchObject({ method: "dpo", source: { kind: "trl", file, rows: 10 }, trainPairs: 8, evalPairs: 2 });
    const train = jsonl(join(out, "metrics.jsonl")).filter((l) => "rewards/margins" in l);
    expect(train).toHaveLength(2 * 2);
    expect(train[0].loss).toBeCloseTo(25, 2); // (0 − 1/(2·0.1))²
  }, 120_000);

  it("learns from a dataset snapshot: its test split held out, its hash in the lineage", async () => {
    const taken = await palate(temp.path, ["snapshot", "--project", "prefs", "--name", "v1", "--test-share", "0.25"]);
    expect(taken.status, taken.stderr).toBe(0);
    const snapshotDir = lastJson(taken.stdout).dir as string;
    const manifest = JSON.parse(readFileSync(join(snapshotDir, "snapshot.json"), "utf8")) as { hash: string };
    const out = join(temp.dir, "dpo-snapshot");
    const run = await palate(temp.path, ["dpo", "--snapshot", "prefs/v1", "--policy", "tiny-sft", "--out", out, "--epochs", "1", ...FLAGS]);
    expect(run.status, run.stderr).toBe(0);
    const model = getModelByName(temp.db, lastJson(run.stdout).model as string)!;
    const lineage = (model.metadata as { lineage: { snapshot: { name: string; hash: string }; source: { kind: string; rankings: number } } }).lineage;
    expect(lineage.snapshot).toMatchObject({ name: "v1", hash: manifest.hash });
    expect(lineage.source).toMatchObject({ kind: "snapshot", rankings: 40 });
    const testPrompts = readFileSync(join(snapshotDir, "rankings", "test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.stringify((JSON.parse(l) as { prompt: unknown }).prompt));
    const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { eval: string[]; train: string[]; validation_fraction: number | null };
    expect(split.validation_fraction).toBeNull();
    expect([...split.eval].sort()).toEqual([...new Set(testPrompts)].sort());
    expect(split.train.filter((k) => split.eval.includes(k))).toEqual([]);
  }, 120_000);

  it("refuses bad input naming the flag or the file's line", async () => {
    const bad = await palateInProcess(temp.path, ["dpo", "--project", "prefs", "--policy", "tiny-sft", "--out", join(temp.dir, "x"), "--loss-type", "hinge"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--loss-type/);
    const smoothing = await palateInProcess(temp.path, [
      "dpo",
      "--project",
      "prefs",
      "--policy",
      "tiny-sft",
      "--out",
      join(temp.dir, "x"),
      "--loss-type",
      "ipo",
      "--label-smoothing",
      "0.1",
    ]);
    expect(smoothing.stderr).toMatch(/--label-smoothing/);
    const file = join(temp.dir, "broken.jsonl");
    writeFileSync(file, `{"prompt": "a", "chosen": "b", "rejected": "c"}\n{"prompt": "a", "chosen": "b"}\n`);
    const broken = await palateInProcess(temp.path, ["dpo", "--project", "prefs", "--policy", "tiny-sft", "--trl", file, "--out", join(temp.dir, "y")]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/broken\.jsonl, line 2: rejected: missing field/);
  }, 60_000);
});
