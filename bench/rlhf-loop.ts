// The whole loop once, end to end, with simulated annotators (issue 9, acceptance 2): the SFT
// model samples K completions per prompt into a project (the generate job), simulated
// annotators rank them over the app's HTTP API (`palate simulate`, an oracle with
// Plackett–Luce noise), a reward model trains on the rankings (`palate train-rm`), and PPO
// improves default-sft against it (`palate ppo`, once per β given). Then, on the prompts the
// reward model held out (which PPO never trained on either):
//
//   win rate   the noise-free oracle compares `--samples` answers of the PPO policy with as
//              many of the SFT model's (all cross pairs, both sampled at --eval-temperature, 1);
//              policy wins / non-tied pairs, with a Wilson 95% interval
//   eval-qa    held-out-template accuracy per category, policy vs SFT: the categories PPO did
//              not train on may drop by at most 3 points
//   KL         PPO's last-iteration objective/kl and its held-out eval_kl
//
//   npx tsx bench/rlhf-loop.ts --oracle brevity                       (capital + arithmetic prompts)
//   npx tsx bench/rlhf-loop.ts --oracle brevity --method dpo --kl-coef 0.1 [--dpo="--epochs 2 …"]
//   npx tsx bench/rlhf-loop.ts --oracle correctness --categories arithmetic
//     [--sft DIR] [--tasks 360] [--templates one|every] [--k 4] [--noise X | --judge-error E] [--kl-coef 0.05,0] [--work DIR] [--ppo="--total-episodes 1024 …"]
//   npx tsx bench/r1/default-demonstrations.ts --out tmp/sft-others.jsonl --categories capital,continent,language,currency,definition
//   npx tsx bench/rlhf-loop.ts --oracle correctness --categories arithmetic --templates every --tasks 2523 --k 9 \
//     --judge-error 0.1 --kl-coef 0.5,0 --variant ptx4-t1 "--rm-flags=--validation-fraction 0.2 --epochs 6 --threads 2" \
//     "--ppo=--threads 2 --batch-size 256 --num-mini-batches 4 --total-episodes 24576 --learning-rate 1e-4 --response-length 24 \
//     --temperature 1 --ptx-coef 4 --ptx-batch-size 16 --ptx-data $PWD/tmp/sft-others.jsonl"
//     (the README's measured correctness run: PPO-ptx on default-sft's own demonstrations of the
//     other categories; flags whose value starts with "-" take "=")
//
// Every step is kept in --work (default tmp/rlhf-loop-<oracle>) and skipped when its output is
// there, so a run can be continued or a β added. The app must be built (`npx next build`).
// Prints one JSON line per β, then a summary table.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../db/client";
import { evalQa, type EvalQaSummary } from "../lib/default-model/eval-qa";
import { demoQuestions, type DemoQuestionCategory } from "../lib/demo/questions";
import { seedDemo } from "../lib/demo/seed";
import { GENERATE_JOB_KIND, generateJobParamsSchema } from "../lib/generation/job-params";
import { PalateModel } from "../lib/generation/palate-model";
import { enqueueClaimedJob, getJob } from "../lib/jobs/queue";
import { runJob } from "../lib/jobs/run-job";
import { ensureDefaultModel, getModelByName, modelDir, registerModel } from "../lib/models/registry";
import { createProject, getProjectByName } from "../lib/projects";
import { loadProjectPrompts } from "../lib/ppo/prompts";
import { RewardScorer } from "../lib/ml/rl/reward-scorer";
import { wilsonInterval } from "../lib/rounds/rounds";
import { addAgreement, pairAgreement, type PairAgreement } from "../lib/simulate/agreement";
import { getOracle } from "../lib/simulate/oracles";
import { oracleOrder } from "../lib/simulate/plackett-luce";
import { freePort, startApp } from "../scripts/server";

const { values } = parseArgs({
  options: {
    oracle: { type: "string", default: "brevity" },
    categories: { type: "string", default: "capital,arithmetic" },
    templates: { type: "string", default: "one" },
    tasks: { type: "string", default: "360" },
    noise: { type: "string" },
    "judge-error": { type: "string" },
    annotators: { type: "string", default: "3" },
    "kl-coef": { type: "string", default: "0.05,0" },
    samples: { type: "string", default: "4" },
    "eval-temperature": { type: "string", default: "1" },
    k: { type: "string", default: "4" },
    method: { type: "string", default: "ppo" },
    dpo: { type: "string", default: "" },
    work: { type: "string" },
    ppo: { type: "string", default: "" },
    "rm-flags": { type: "string", default: "--validation-fraction 0.2" },
    sft: { type: "string" },
    variant: { type: "string", default: "" },
  },
});

const ORACLE = values.oracle!;
const oracle = getOracle(ORACLE);
if (!oracle) throw new Error(`--oracle: unknown oracle ${ORACLE}`);
const CATEGORIES = values.categories!.split(",").map((s) => s.trim()) as DemoQuestionCategory[];
const TASKS = Number(values.tasks);
/** one: each fact once, in one training template (the held-out prompts ask facts no training prompt asks); every: each fact in every training template. */
const TEMPLATES = values.templates as "one" | "every";
if (TEMPLATES !== "one" && TEMPLATES !== "every") throw new Error(`--templates: one or every, got ${values.templates}`);
// Noise giving ~80% agreement with the oracle on these temperature-1 samples of default-sft
// (`npx tsx bench/simulate-noise-table.ts --preset loop`: brevity 9.2; correctness 1/ln 4 ≈ 0.72
// whatever the samples, its scores being 0 or 1).
const NOISE = values.noise ?? (ORACLE === "brevity" ? "9.2" : "0.72");
/** Judged rankings instead of Plackett–Luce (an oracle with verdicts: correctness): each answer misjudged with this probability, equal judgements tied. */
const JUDGE_ERROR = values["judge-error"];
const WORK = resolve(values.work ?? `tmp/rlhf-loop-${ORACLE}`);
const BETAS = values["kl-coef"]!.split(",").map(Number);
const SAMPLES = Number(values.samples);
/** The temperature both models answer the held-out prompts at for the win rate (PPO trains at 0.7 by default). */
const EVAL_TEMPERATURE = Number(values["eval-temperature"]);
if (!(EVAL_TEMPERATURE > 0)) throw new Error(`--eval-temperature: a number > 0, got ${values["eval-temperature"]}`);
/** Completions per task: the K of InstructGPT's rankings (4 to 9). */
const K = Number(values.k);
/** ppo: reward model, then PPO once per --kl-coef; dpo: DPO on the rankings once per --kl-coef (DPO's β), no reward model. */
const METHOD = values.method!;
if (METHOD !== "ppo" && METHOD !== "dpo") throw new Error(`--method: ppo or dpo, got ${METHOD}`);
const PROJECT = `loop-${ORACLE}`;
/** The SFT model: the embedded default-sft, or --sft DIR (registered as sft-candidate, e.g. to try a rebuilt one). */
const SFT_NAME = values.sft ? "sft-candidate" : "default-sft";
const root = resolve(import.meta.dirname, "..");
/** A name for runs of other --ppo / --dpo flags beside earlier ones in the same --work: their directories are <method>-<variant>-beta-<β>. */
const VARIANT = values.variant!;
if (VARIANT !== "" && !/^[a-z0-9][a-z0-9-]*$/.test(VARIANT)) throw new Error(`--variant: lower-case letters, digits and "-", got ${VARIANT}`);
/** What names each β's run: its directory (<method>-<suffix>), registry name (<method>-<oracle>-<suffix>) and eval-qa file. */
const runSuffix = (beta: number) => `${VARIANT ? `${VARIANT}-` : ""}beta-${beta}`;

mkdirSync(WORK, { recursive: true });
const dbPath = join(WORK, "palate.db");
process.env.PALATE_DB = dbPath;

function palate(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, "scripts", "palate.mjs"), ...args], {
      cwd: root,
      env: { ...process.env, PALATE_DB: dbPath },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("close", (status) => {
      if (status !== 0) return fail(new Error(`palate ${args[0]} exited ${status}: ${err.slice(-2000)}`));
      const lines = out.trim().split("\n");
      done(JSON.parse(lines[lines.length - 1]) as Record<string, unknown>);
    });
  });
}

const log = (text: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

async function main() {
  const db = openDb(dbPath);
  const timings: Record<string, number> = {};
  if (!getProjectByName(db, PROJECT)) {
    let t0 = performance.now();
    await seedDemo(db, []); // the accounts (simulate signs in as annotators and an admin)
    const project = createProject(db, { name: PROJECT, completionsPerTask: K, redundancy: Number(values.annotators) });
    const sft = values.sft ? registerModel(db, { name: SFT_NAME, kind: "policy", source: "palate", path: resolve(values.sft) }) : ensureDefaultModel(db)!;
    const prompts = demoQuestions(TASKS, { seed: 7, categories: CATEGORIES, templates: TEMPLATES });
    const params = generateJobParamsSchema.parse({
      projectId: project.id,
      modelId: sft.id,
      prompts,
      sampling: { k: K, temperature: 1, topP: 1, topK: 0, maxTokens: 40, stop: [], seed: 0 },
    });
    const job = enqueueClaimedJob(db, { kind: GENERATE_JOB_KIND, params: params as unknown as Record<string, unknown>, projectId: project.id });
    if ((await runJob(db, job.id, { dataDir: WORK })) !== "succeeded") throw new Error(`generate: ${getJob(db, job.id)?.error}`);
    timings.generate_s = seconds(t0);
    log(`generated ${prompts.length} tasks × ${K} in ${timings.generate_s} s`);

    t0 = performance.now();
    const app = await startApp({ dbPath, port: await freePort(), host: "127.0.0.1", quiet: true });
    try {
      const sim = await palate([
        "simulate",
        "--project",
        PROJECT,
        "--annotators",
        values.annotators!,
        "--oracle",
        ORACLE,
        ...(JUDGE_ERROR !== undefined ? ["--judge-error", JUDGE_ERROR] : ["--noise", NOISE]),
        "--url",
        app.url,
      ]);
      writeFileSync(join(WORK, "simulate.json"), JSON.stringify(sim));
      log(`simulated: ${JSON.stringify(sim)}`);
    } finally {
      await app.stop();
    }
    timings.simulate_s = seconds(t0);
  }
  const sim = JSON.parse(readFileSync(join(WORK, "simulate.json"), "utf8")) as Record<string, unknown>;

  const rmDir = join(WORK, "rm");
  if (METHOD === "ppo" && !existsSync(join(rmDir, "metrics.json"))) {
    const t0 = performance.now();
    const rm = await palate([
      "train-rm",
      "--project",
      PROJECT,
      "--base",
      SFT_NAME,
      "--out",
      rmDir,
      "--name",
      `rm-${ORACLE}`,
      ...values["rm-flags"]!.split(" ").filter(Boolean),
    ]);
    timings.train_rm_s = seconds(t0);
    log(`reward model: ${JSON.stringify(rm)}`);
  }
  const rmMetrics =
    METHOD === "ppo" ? (JSON.parse(readFileSync(join(rmDir, "metrics.json"), "utf8")) as Record<string, unknown>) : { eval_accuracy: null, eval_pairs: null };
  const project = getProjectByName(db, PROJECT)!;
  const prompts = loadProjectPrompts(db, project.id);
  // Held out: the prompts the reward model held out (PPO holds them out too), or those DPO held out.
  const heldOutOf = (splitDir: string) => {
    const keys = new Set((JSON.parse(readFileSync(join(splitDir, "split.json"), "utf8")) as { eval: string[] }).eval);
    return prompts.filter((p) => keys.has(p.promptKey));
  };
  const sftDir = modelDir(getModelByName(db, SFT_NAME)!);
  const sftQa = await cachedEvalQa(sftDir, join(WORK, "eval-qa-sft.json"));

  // The reward model against the noise-free oracle on the tasks of the prompts it held out: the
  // share of the pairs the oracle orders that it orders the same way (annotator pairs, in
  // eval_accuracy, include the noise and, with a strict ranking, pairs the oracle ties).
  const rmOracle = METHOD === "ppo" ? await rewardModelOracleAccuracy(db.$client, project.id, heldOutOf(rmDir), rmDir) : null;
  if (rmOracle) log(`reward model on held-out oracle pairs: ${JSON.stringify(rmOracle)}`);

  const results: Record<string, unknown>[] = [];
  for (const beta of BETAS) {
    const out = join(WORK, `${METHOD}-${runSuffix(beta)}`);
    if (METHOD === "dpo" && !existsSync(join(out, "metrics.json"))) {
      const t0 = performance.now();
      const dpo = await palate([
        "dpo",
        "--project",
        PROJECT,
        "--policy",
        SFT_NAME,
        "--out",
        out,
        "--name",
        `dpo-${ORACLE}-${runSuffix(beta)}`,
        "--beta",
        String(beta),
        ...values.dpo!.split(" ").filter(Boolean),
      ]);
      timings[`dpo_beta_${beta}_s`] = seconds(t0);
      log(`dpo β=${beta}: ${JSON.stringify(dpo)} in ${timings[`dpo_beta_${beta}_s`]} s`);
    }
    if (METHOD === "ppo" && !existsSync(join(out, "metrics.json"))) {
      const t0 = performance.now();
      const ppo = await palate([
        "ppo",
        "--project",
        PROJECT,
        "--policy",
        SFT_NAME,
        "--reward",
        rmDir,
        "--out",
        out,
        "--name",
        `ppo-${ORACLE}-${runSuffix(beta)}`,
        "--kl-coef",
        String(beta),
        ...values.ppo!.split(" ").filter(Boolean),
      ]).catch(async (err) => {
        if (String(err).includes("already registered")) return {};
        throw err;
      });
      timings[`ppo_beta_${beta}_s`] = seconds(t0);
      log(`ppo β=${beta}: ${JSON.stringify(ppo)} in ${timings[`ppo_beta_${beta}_s`]} s`);
    }
    const summary = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as {
      last?: Record<string, number>;
      evaluation?: Record<string, number> | null;
      train_seconds: number;
    };
    const heldOut = heldOutOf(METHOD === "ppo" ? rmDir : out);
    const winRate = await headToHead(
      out,
      sftDir,
      heldOut.map((p) => p.messages),
    );
    const qa = await cachedEvalQa(out, join(WORK, `eval-qa-${runSuffix(beta)}.json`));
    const drops: Record<string, number> = {};
    for (const [category, acc] of Object.entries(sftQa.heldOutTemplates)) {
      if (category === "overall") continue;
      drops[category] = Math.round((acc.accuracy - (qa.heldOutTemplates[category]?.accuracy ?? 0)) * 1000) / 10;
    }
    // The categories PPO trained on may change (that is the point); the others must hold.
    const others = Object.keys(drops).filter((c) => !CATEGORIES.includes(c as DemoQuestionCategory));
    const result = {
      oracle: ORACLE,
      kl_coef: beta,
      tasks: sim.tasks,
      rankings: sim.rankings,
      annotator_agreement: sim.agreement,
      rm_eval_accuracy: rmMetrics.eval_accuracy,
      rm_eval_pairs: rmMetrics.eval_pairs,
      rm_oracle_accuracy: rmOracle,
      held_out_prompts: heldOut.length,
      eval_temperature: EVAL_TEMPERATURE,
      ...winRate,
      method: METHOD,
      variant: VARIANT || null,
      train_seconds: Math.round(summary.train_seconds),
      mean_kl_last_iteration: summary.last?.["objective/kl"] ?? null,
      held_out_eval_kl: summary.evaluation ? (summary.evaluation as Record<string, number>).kl : null,
      held_out_scores: summary.evaluation
        ? [(summary.evaluation as Record<string, number>).scores_reference, (summary.evaluation as Record<string, number>).scores]
        : null,
      eval_qa_drop_points: drops,
      max_drop_other_categories: Math.max(...others.map((c) => drops[c])),
      timings,
    };
    results.push(result);
    console.log(JSON.stringify(result));
  }
  db.$client.close();
}

async function cachedEvalQa(dir: string, file: string): Promise<EvalQaSummary> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as EvalQaSummary;
  const result = await evalQa(dir);
  writeFileSync(file, JSON.stringify(result.summary));
  return result.summary;
}

/** The reward model's accuracy on the held-out pairs the noise-free oracle orders, with its Wilson interval. */
async function rewardModelOracleAccuracy(
  sqlite: ReturnType<typeof openDb>["$client"],
  projectId: number,
  heldOut: { promptKey: string; messages: { role: "system" | "user" | "assistant"; content: string }[] }[],
  rmDir: string,
) {
  const keys = new Map(heldOut.map((p) => [p.promptKey, p.messages]));
  const rows = sqlite
    .prepare(
      "SELECT p.messages AS messages, c.task_id AS task, c.text AS text FROM completions c JOIN tasks t ON t.id = c.task_id JOIN prompts p ON p.id = t.prompt_id WHERE t.project_id = ? ORDER BY c.task_id, c.id",
    )
    .all(projectId) as { messages: string; task: number; text: string }[];
  const tasks = new Map<number, { messages: { role: "system" | "user" | "assistant"; content: string }[]; texts: string[] }>();
  for (const r of rows) {
    const key = JSON.stringify((JSON.parse(r.messages) as { role: string; content: string }[]).map((m) => ({ role: m.role, content: m.content })));
    const messages = keys.get(key);
    if (!messages) continue;
    if (!tasks.has(r.task)) tasks.set(r.task, { messages, texts: [] });
    tasks.get(r.task)!.texts.push(r.text);
  }
  const scorer = await RewardScorer.load(rmDir);
  const all = [...tasks.values()];
  const scores = await scorer.score(all.flatMap((t) => t.texts.map((completion) => ({ prompt: t.messages, completion }))));
  let at = 0;
  let total: PairAgreement = { pairs: 0, agreed: 0 };
  for (const t of all) {
    const rm = scores.slice(at, at + t.texts.length);
    at += t.texts.length;
    // The reward model's order as a ranking (equal scores tied), checked pair by pair against the oracle as the annotators are.
    const truth = t.texts.map((text) => oracle!.score(t.messages, text));
    total = addAgreement(total, pairAgreement(truth, oracleOrder(rm)));
  }
  const { agreed, pairs } = total;
  const interval = wilsonInterval(agreed, pairs);
  return {
    accuracy: pairs > 0 ? Math.round((agreed / pairs) * 1000) / 1000 : null,
    interval: interval ? interval.map((x) => Math.round(x * 1000) / 1000) : null,
    pairs,
    tasks: all.length,
  };
}

/** The oracle's verdict on every cross pair of SAMPLES policy answers and SAMPLES SFT answers per held-out prompt. */
async function headToHead(policyDir: string, sftDir: string, prompts: { role: "system" | "user" | "assistant"; content: string }[][]) {
  const sample = async (dir: string, seed: number) => {
    const model = await PalateModel.load(dir);
    const rows = prompts.flatMap((p) => Array.from({ length: SAMPLES }, () => model.encodeMessages(p)));
    const out = await model.sample(rows, { temperature: EVAL_TEMPERATURE, topP: 1, topK: 0, maxTokens: 40, stop: [], seed });
    return out.map((c) => c.text);
  };
  const policy = await sample(policyDir, 11);
  const sft = await sample(sftDir, 12);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  prompts.forEach((p, i) => {
    for (let a = 0; a < SAMPLES; a++) {
      for (let b = 0; b < SAMPLES; b++) {
        const x = oracle!.score(p, policy[i * SAMPLES + a]);
        const y = oracle!.score(p, sft[i * SAMPLES + b]);
        if (x > y) wins++;
        else if (x < y) losses++;
        else ties++;
      }
    }
  });
  const n = wins + losses;
  const interval = wilsonInterval(wins, n);
  return {
    oracle_win_rate: n > 0 ? Math.round((wins / n) * 1000) / 1000 : null,
    win_rate_interval: interval ? interval.map((x) => Math.round(x * 1000) / 1000) : null,
    oracle_pairs: { wins, losses, ties },
  };
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
