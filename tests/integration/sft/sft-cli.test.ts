// `palate sft` and `palate best-of-n` through the real CLI on a tiny model in a temp SQLite
// database. SFT: a demonstration project whose prompts carry reference answers ("Add 2 and 2
// (case 7)" → "4"); the loss falls, held-out eval_loss and eval_accuracy are logged, Ctrl-C
// checkpoints and the same command resumes with each step logged once, the model is registered
// with its lineage and loads. Best-of-n by the accuracy rule on the reference prompts: the file's
// lines (prompt, answer, score in metadata) and the kept count; --as-demonstrations inserts them
// for review; sft then mixes the kept file in. Bad flags are named.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { importSftFile } from "@/lib/datasets/sft-import";
import { getJob, jobEventsSince, listJobs } from "@/lib/jobs/queue";
import { loadLanguageModel } from "@/lib/ml/nn/language-model";
import { getModelByName, registerModel } from "@/lib/models/registry";
import { getProjectByName } from "@/lib/projects";
import { accuracy } from "@/lib/rewards/accuracy";
import { projectRoot } from "@/scripts/server";
import { tempDb } from "../../helpers/app";
import { lastJson, palate, palateInProcess } from "../../helpers/cli";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

const jsonl = <T = Record<string, number>>(path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);

// 24 demonstrations: two families whose answers the tiny model learns quickly; 20% of the prompts held out.
const STEPS = 40;
const FLAGS = [
  "--max-steps",
  String(STEPS),
  "--batch-size",
  "4",
  "--max-length",
  "32",
  "--learning-rate",
  "5e-3",
  "--warmup-steps",
  "2",
  "--validation-fraction",
  "0.2",
  "--eval-every",
  "10",
  "--eval-max-new-tokens",
  "4",
  "--checkpoint-every",
  "3",
  "--seed",
  "1",
];

describe("palate sft and palate best-of-n", () => {
  let temp: ReturnType<typeof tempDb>;
  let baseId: number;
  let sftModel = "";
  beforeAll(async () => {
    temp = tempDb();
    const file = join(temp.dir, "demos.jsonl");
    const lines = Array.from({ length: 24 }, (_, i) => {
      const [x, answer] = i % 2 === 0 ? ["2", "4"] : ["3", "6"];
      return JSON.stringify({
        messages: [
          { role: "user", content: `Add ${x} and ${x} (case ${i})` },
          { role: "assistant", content: answer },
        ],
        metadata: { reference: answer },
      });
    });
    writeFileSync(file, lines.join("\n") + "\n");
    const report = importSftFile(temp.db, file, { projectName: "sums" });
    expect(report.imported.demonstrations).toBe(24);
    baseId = registerModel(temp.db, { name: "tiny-base", kind: "policy", source: "palate", path: await tinyLmDir() }).id;
  }, 60_000);
  afterAll(() => temp.cleanup());

  it("fine-tunes on the demonstrations: loss falls, held-out loss and accuracy logged, Ctrl-C then resume, registered with lineage", async () => {
    const out = join(temp.dir, "sft");
    const args = ["sft", "--project", "sums", "--base", "tiny-base", "--out", out, ...FLAGS];
    const child = spawn(process.execPath, [join(projectRoot, "scripts", "palate.mjs"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, PALATE_DB: temp.path },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.once("close", done));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const state = existsSync(join(out, "trainer_state.json"))
        ? (JSON.parse(readFileSync(join(out, "trainer_state.json"), "utf8")) as { step: number })
        : null;
      if ((state && state.step >= 6) || Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGINT");
    const status = await exited;
    expect(status, stderr).not.toBe(0);
    expect(stderr).toMatch(/cancelled/);
    const first = listJobs(temp.db).find((j) => j.kind === "sft")!;
    expect(getJob(temp.db, first.id)!.status).toBe("cancelled");
    const checkpoint = JSON.parse(readFileSync(join(out, "trainer_state.json"), "utf8")) as { kind: string; step: number; finished: boolean };
    expect(checkpoint).toMatchObject({ kind: "sft", finished: false });
    expect(checkpoint.step).toBeGreaterThanOrEqual(6);
    expect(checkpoint.step).toBeLessThan(STEPS);

    const again = await palate(temp.path, args);
    expect(again.status, again.stderr).toBe(0);
    const summary = lastJson(again.stdout);
    expect(summary).toMatchObject({ model: expect.stringMatching(/^sft-sums-\d+$/), outDir: out, steps: STEPS });
    const events = jobEventsSince(temp.db, summary.job as number)
      .map((e) => e.text)
      .join("\n");
    expect(events).toContain(`Resumed from the checkpoint at step ${checkpoint.step}.`);

    // metrics.jsonl: every step once across the interruption, TRL's names; evaluations under eval_.
    const lines = jsonl(join(out, "metrics.jsonl"));
    const steps = lines.filter((l) => "grad_norm" in l);
    expect(steps.map((l) => l.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    for (const l of steps) for (const name of ["loss", "grad_norm", "lr", "epoch"]) expect(Number.isFinite(l[name]), `${name} at ${l.step}`).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(steps.slice(0, 5).map((l) => l.loss));
    const late = mean(steps.slice(-5).map((l) => l.loss));
    expect(late).toBeLessThan(early * 0.5);
    const evals = lines.filter((l) => "eval_loss" in l);
    expect(evals.map((l) => l.step)).toEqual([10, 20, 30, 40]);
    for (const e of evals) {
      expect(Number.isFinite(e.eval_loss)).toBe(true);
      expect(e.eval_accuracy).toBeGreaterThanOrEqual(0);
      expect(e.eval_accuracy).toBeLessThanOrEqual(1);
    }
    expect(evals[3].eval_loss).toBeLessThan(evals[0].eval_loss);

    sftModel = summary.model as string;
    const model = getModelByName(temp.db, sftModel)!;
    expect(model).toMatchObject({ kind: "policy", parentId: baseId, jobId: summary.job });
    const meta = model.metadata as { lineage: Record<string, unknown>; config: Record<string, unknown>; metrics: Record<string, number> };
    expect(meta.lineage).toMatchObject({
      method: "sft",
      base: { id: baseId, name: "tiny-base" },
      project: { name: "sums" },
      source: { kind: "demonstrations", selection: "submitted", demonstrations: 24 },
      trainExamples: 19,
      evalExamples: 5,
      evalReferencePrompts: 5,
    });
    expect(meta.config).toMatchObject({ maxSteps: STEPS, batchSize: 4, learningRate: 5e-3 });
    expect(meta.metrics.eval_loss).toBe(evals[3].eval_loss);
    const split = JSON.parse(readFileSync(join(out, "split.json"), "utf8")) as { train: string[]; eval: string[] };
    expect(split.eval).toHaveLength(5);
    expect(split.train.filter((k) => split.eval.includes(k))).toEqual([]);
    const loaded = await loadLanguageModel(out);
    expect(Object.keys(loaded.weights).length).toBeGreaterThan(0);
  }, 300_000);

  it("best-of-n by accuracy: the kept answers as an sft file with their scores, inserted as demonstrations; sft mixes the file in", async () => {
    const policy = getModelByName(temp.db, sftModel)!;
    const out = join(temp.dir, "kept.jsonl");
    const run = await palateInProcess(temp.path, [
      "best-of-n",
      ...["--project", "sums", "--policy", policy.name, "--n", "4", "--by", "accuracy", "--out", out, "--max-tokens", "4", "--max-prompts", "8"],
      "--as-demonstrations",
    ]);
    expect(run.status, run.stderr).toBe(0);
    const summary = lastJson(run.stdout);
    expect(summary).toMatchObject({ prompts: 8, out });
    // Without a threshold every prompt's best is kept; each line's score is the accuracy of its answer.
    const kept = jsonl<{ messages: { role: string; content: string }[]; metadata: Record<string, unknown> }>(out);
    expect(kept).toHaveLength(summary.kept as number);
    expect(kept.length).toBe(8);
    let right = 0;
    for (const line of kept) {
      expect(line.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      const answer = line.messages[1].content;
      expect(answer.trim()).not.toBe("");
      const reference = /Add 2/.test(line.messages[0].content) ? "4" : "6";
      expect(line.metadata).toMatchObject({ by: "accuracy", n: 4, policy: policy.name, reference });
      expect(line.metadata.score).toBe(accuracy(line.messages[0].content, answer, reference));
      right += line.metadata.score as number;
    }
    expect(summary.mean_best_score).toBeCloseTo(right / 8, 10);
    const project = getProjectByName(temp.db, "sums")!;
    const byBestOfN = temp.db.get<{ n: number }>(sql`
      SELECT count(*) AS n FROM demonstrations d JOIN users u ON u.id = d.user_id JOIN tasks t ON t.id = d.task_id
      WHERE u.name = 'best-of-n' AND d.status = 'submitted' AND d.review = 'pending' AND t.project_id = ${project.id}`);
    expect(byBestOfN?.n).toBe(8);

    // With a threshold of 1 only right answers are kept.
    const strict = await palateInProcess(temp.path, [
      "best-of-n",
      ...["--project", "sums", "--policy", policy.name, "--n", "4", "--by", "accuracy", "--threshold", "1", "--out", join(temp.dir, "right.jsonl")],
      ...["--max-tokens", "4", "--max-prompts", "8"],
    ]);
    expect(strict.status, strict.stderr).toBe(0);
    const rightLines = jsonl<{ metadata: { score: number } }>(join(temp.dir, "right.jsonl"));
    expect(rightLines.length).toBe(lastJson(strict.stdout).kept);
    for (const l of rightLines) expect(l.metadata.score).toBe(1);
    // The same seed samples the same answers: the right ones are the lines of the first file that score 1.
    expect(rightLines.length).toBe(kept.filter((l) => l.metadata.score === 1).length);

    // sft on the project's demonstrations with the kept file mixed in at a quarter, on 2 threads.
    const mixed = await palateInProcess(temp.path, [
      "sft",
      ...["--project", "sums", "--base", "tiny-base", "--out", join(temp.dir, "mixed"), "--mix", `${out}:0.25`, "--threads", "2"],
      ...["--max-steps", "2", "--batch-size", "2", "--max-length", "32", "--eval-every", "0", "--eval-max-new-tokens", "2"],
    ]);
    expect(mixed.status, mixed.stderr).toBe(0);
    const lineage = (getModelByName(temp.db, lastJson(mixed.stdout).model as string)!.metadata as { lineage: { mix: { name: string; used: number }[] } })
      .lineage;
    // 32 demonstrations now (24 + 8 best-of-n, those of held-out prompts left out), the file a quarter of the training side.
    const [demos, file] = lineage.mix;
    expect(file.name).toBe(out);
    expect(file.used).toBe(Math.round((demos.used / 0.75) * 0.25));
    const job = temp.db.get<{ params: string }>(sql`SELECT params FROM jobs WHERE kind = 'sft' ORDER BY id DESC LIMIT 1`);
    expect(JSON.parse(job!.params).threads).toBe(2);
  }, 300_000);

  it("names the flag of bad input", async () => {
    const out = join(temp.dir, "bad");
    const sft = async (args: string[]) => (await palateInProcess(temp.path, ["sft", "--project", "sums", "--base", "tiny-base", "--out", out, ...args])).stderr;
    expect(await sft(["--mix", "kept.jsonl"])).toMatch(/--mix: "kept.jsonl": expected FILE:RATIO/);
    expect(await sft(["--mix", `${join(temp.dir, "demos.jsonl")}:1.5`])).toMatch(/--mix: .*between 0 and 1/);
    expect(await sft(["--demonstrations", "accepted"])).toMatch(/--demonstrations: none of the 3\d submitted demonstrations is accepted by review yet/);
    expect(await sft(["--demonstrations", "all"])).toMatch(/--demonstrations: /);
    expect(await sft(["--learning-rate=-1"])).toMatch(/--learning-rate: Too small/);
    expect(await sft(["--file", join(temp.dir, "missing.jsonl")])).toMatch(/--file: no file/);
    expect(await sft(["--threads", "100"])).toMatch(/--threads: expected a whole number from 1 to 64, got "100"/);
    expect((await palateInProcess(temp.path, ["sft", "--project", "sums", "--base", "nope", "--out", out])).stderr).toMatch(
      /--base: "nope" is neither a registered model nor a model directory/,
    );
    expect((await palateInProcess(temp.path, ["sft", "--project", "sums", "--out", out])).stderr).toMatch(/--base is required/);
    const bon = async (args: string[]) =>
      (await palateInProcess(temp.path, ["best-of-n", "--project", "sums", "--policy", "tiny-base", "--out", join(temp.dir, "b.jsonl"), ...args])).stderr;
    expect(await bon(["--by", "bogus"])).toMatch(/--by: "bogus" is not a reward model, and not reward functions: unknown reward function "bogus"/);
    expect(await bon(["--by", "tiny-base"])).toMatch(/--by: tiny-base is not a reward model/);
    expect(await bon(["--by", "accuracy", "--n", "0"])).toMatch(/--n: expected an integer of at least 1/);
    expect(await bon(["--by", "accuracy", "--into", "x"])).toMatch(/--into: only with --as-demonstrations/);
  });
});
