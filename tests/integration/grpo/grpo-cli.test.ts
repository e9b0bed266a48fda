// `palate grpo` through the real CLI (a child process) on a tiny project in a temp SQLite
// database: arithmetic prompts with reference answers (metadata.reference) and a few without;
// rewards accuracy + format from lib/rewards. TRL's metrics are logged once per iteration (each
// reward function's mean too), Ctrl-C checkpoints and the same command resumes, held-out
// evaluations report exact-answer accuracy with a sample table, the policy is registered with its
// lineage (method grpo) and loads. Also bad input naming its flag.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJob, jobEventsSince, jobMetricsSince, listJobs } from "@/lib/jobs/queue";
import { generate } from "@/lib/ml/generate";
import { loadLanguageModel, openDecoder } from "@/lib/ml/nn/language-model";
import { encodePrompt } from "@/lib/ml/rl/ppo-batch";
import { getModelByName, registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { projectRoot } from "@/scripts/server";
import { tempDb } from "../../helpers/app";
import { lastJson, palate, palateInProcess } from "../../helpers/cli";
import { tinyLmDir } from "../../unit/ml/rl/reward-fixtures";

const jsonl = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, number>);

// 20 prompts with a reference (16 train, 4 held out at validation fraction 0.2) and 3 without
// (left out: the accuracy reward needs a reference). ITERATIONS iterations of 2 prompts × 4
// completions: enough that the run cannot finish between the poll seeing step 7 and the SIGINT.
const ITERATIONS = 120;
const EVAL_EVERY = 40;
const EVAL_ITERATIONS = Array.from({ length: ITERATIONS / EVAL_EVERY }, (_, i) => EVAL_EVERY * (i + 1));
const FLAGS = [
  "--total-episodes",
  String(8 * ITERATIONS),
  "--batch-size",
  "8",
  "--num-generations",
  "4",
  "--max-completion-length",
  "6",
  "--learning-rate",
  "3e-3",
  "--validation-fraction",
  "0.2",
  "--eval-every",
  String(EVAL_EVERY),
  "--checkpoint-every",
  "3",
  "--seed",
  "2",
];

describe("palate grpo", () => {
  let temp: ReturnType<typeof tempDb>;
  let policyId: number;
  beforeAll(async () => {
    temp = tempDb();
    const project = createProject(temp.db, { name: "arith" });
    for (let i = 0; i < 20; i++) {
      const [a, b] = [i + 2, (i * 7) % 10];
      insertTask(temp.db, project.id, {
        messages: [{ role: "user", content: `What is ${a} + ${b}?` }],
        completions: [],
        promptMetadata: { reference: String(a + b) },
      });
    }
    for (let i = 0; i < 3; i++) insertTask(temp.db, project.id, { messages: [{ role: "user", content: `Say something about item ${i}.` }], completions: [] });
    policyId = registerModel(temp.db, { name: "tiny-sft", kind: "policy", source: "palate", path: await tinyLmDir() }).id;
  }, 60_000);
  afterAll(() => temp.cleanup());

  it("trains with accuracy + format rewards; Ctrl-C checkpoints, the same command resumes; metrics once per iteration; the policy is registered and loads", async () => {
    const out = join(temp.dir, "grpo");
    const args = ["grpo", "--project", "arith", "--policy", "tiny-sft", "--rewards", "accuracy,format=0.5", "--out", out, ...FLAGS];

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
      jobId ??= listJobs(temp.db).find((j) => j.kind === "grpo")?.id;
      const points = jobId === undefined ? [] : jobMetricsSince(temp.db, jobId).filter((m) => m.name === "reward");
      if (points.some((m) => m.step >= 7) || Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGINT");
    const status = await exited;
    expect(status, stderr).not.toBe(0);
    expect(stderr).toMatch(/cancelled/);
    expect(getJob(temp.db, jobId!)!.status).toBe("cancelled");
    const checkpoint = JSON.parse(readFileSync(join(out, "trainer_state.json"), "utf8")) as {
      kind: string;
      step: number;
      finished: boolean;
      totalSteps: number;
    };
    expect(checkpoint).toMatchObject({ kind: "grpo", finished: false, totalSteps: ITERATIONS });
    expect(checkpoint.step).toBeGreaterThanOrEqual(7);
    expect(checkpoint.step).toBeLessThan(ITERATIONS);

    // The same command again: resumes from the checkpoint and finishes.
    const again = await palate(temp.path, args);
    expect(again.status, again.stderr).toBe(0);
    const summary = lastJson(again.stdout);
    expect(summary).toMatchObject({ model: expect.stringMatching(/^grpo-arith-\d+$/), outDir: out, iterations: ITERATIONS });
    const second = getJob(temp.db, summary.job as number)!;
    const events = jobEventsSince(temp.db, second.id)
      .map((e) => e.text)
      .join("\n");
    expect(events).toContain(`Resumed from the checkpoint at iteration ${checkpoint.step}.`);
    expect(events).toMatch(/16 training prompts, 4 held out \(3 without a reference answer left out\)/);

    // metrics.jsonl: every iteration once across the interruption, TRL's names; evaluations under eval_.
    const lines = jsonl(join(out, "metrics.jsonl"));
    const its = lines.filter((l) => "reward" in l);
    expect(its.map((l) => l.iteration)).toEqual(Array.from({ length: ITERATIONS }, (_, i) => i + 1));
    for (const line of its) {
      for (const name of [
        "reward",
        "reward_std",
        "rewards/accuracy",
        "rewards/format",
        "kl",
        "completion_length",
        "clip_ratio",
        "entropy",
        "lr",
        "episode",
        "loss",
        "grad_norm",
      ])
        expect(Number.isFinite(line[name]), `${name} at ${line.iteration}`).toBe(true);
      expect(line.reward).toBeCloseTo(line["rewards/accuracy"] + 0.5 * line["rewards/format"], 5);
    }
    expect(its.map((l) => l.episode)).toEqual(Array.from({ length: ITERATIONS }, (_, i) => 8 * (i + 1)));
    const evals = lines.filter((l) => "eval_reward" in l);
    expect(evals.map((l) => l.iteration)).toEqual(EVAL_ITERATIONS);
    for (const name of ["eval_reward", "eval_reward_reference", "eval_rewards/accuracy", "eval_rewards/format", "eval_accuracy", "eval_accuracy_reference"])
      expect(Number.isFinite(evals[2][name]), name).toBe(true);
    // The job's metric table holds the resumed job's points from the checkpoint on, each once.
    const resumedPoints = jobMetricsSince(temp.db, second.id).filter((m) => m.name === "reward");
    expect(resumedPoints.map((m) => m.step)).toEqual(Array.from({ length: ITERATIONS - checkpoint.step }, (_, i) => checkpoint.step + i + 1));
    const evaluations = readFileSync(join(out, "evaluations.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { iteration: number; samples: { prompt: string; answer: string | null }[] });
    expect(evaluations.map((e) => e.iteration)).toEqual(EVAL_ITERATIONS);
    expect(evaluations[2].samples).toHaveLength(4);
    for (const s of evaluations[2].samples) {
      const [, a, b] = /What is (\d+) \+ (\d+)\?/.exec(s.prompt)!;
      expect(s.answer).toBe(String(Number(a) + Number(b)));
    }

    // Registered with its lineage; a language-model directory that loads and generates.
    const model = getModelByName(temp.db, summary.model as string)!;
    expect(model).toMatchObject({ kind: "policy", parentId: policyId, jobId: second.id });
    const meta = model.metadata as { lineage: Record<string, unknown>; config: Record<string, unknown>; metrics: Record<string, number> };
    expect(meta.lineage).toMatchObject({
      method: "grpo",
      startPolicy: { id: policyId, name: "tiny-sft" },
      reference: { id: policyId, name: "tiny-sft" },
      rewardSpec: "accuracy,format=0.5",
      rewardModel: null,
      project: { name: "arith" },
      trainPrompts: 16,
      evalPrompts: 4,
    });
    expect(meta.config).toMatchObject({ beta: 0.04, numGenerations: 4, batchSize: 8 });
    expect(meta.metrics.reward).toBe(its.at(-1)!.reward);
    expect(meta.metrics.eval_accuracy).toBe(evals[2].eval_accuracy);
    for (const file of ["config.json", "model.safetensors", "tokenizer.json", "generation_config.json", "model.onnx"])
      expect(existsSync(join(out, file)), file).toBe(true);
    const policy = await loadLanguageModel(out);
    const decoder = await openDecoder(policy);
    const [completion] = await generate(decoder, [encodePrompt(policy.tokenizer, "What is 2 + 2?")], { maxNewTokens: 4, temperature: 0 });
    await decoder.release();
    expect(completion.tokenIds.length).toBeGreaterThan(0);
  }, 300_000);

  it("names the flag of bad input", async () => {
    const out = join(temp.dir, "bad");
    const bad = async (args: string[]) =>
      (await palateInProcess(temp.path, ["grpo", "--project", "arith", "--policy", "tiny-sft", "--out", out, ...args])).stderr;
    expect(await bad(["--rewards", "accuracy,bogus"])).toMatch(/--rewards: unknown reward function "bogus"/);
    expect(await bad([])).toMatch(/--rewards is required/);
    expect(await bad(["--rewards", "accuracy", "--batch-size", "6", "--num-generations", "4"])).toMatch(
      /--batch-size: must be a multiple of numGenerations \(4\)/,
    );
    expect(await bad(["--rewards", "accuracy", "--scale-rewards", "sometimes"])).toMatch(/--scale-rewards/);
    expect(await bad(["--rewards", "accuracy", "--reward-model", "tiny-sft"])).toMatch(/--reward-model: tiny-sft is not a reward model/);
    expect(await bad(["--rewards", "accuracy", "--threads", "0"])).toMatch(/--threads: expected a whole number from 1 to 64, got "0"/);
    expect(await bad(["--rewards", "accuracy", "--threads", "1.5"])).toMatch(/--threads: expected a whole number/);
  });
});
