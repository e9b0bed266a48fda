// Issue 13 acceptance 5 (the researcher's half): a researcher starts GRPO from the UI with two
// reward functions (accuracy and format) and watches both reward functions' curves gain points on
// the job page while it runs, with the time left, the latest evaluation's sample table, and
// Cancel. Also the Run DPO form: its rankings selection and a 400 shown beside the field it names.
// And best-of-n from the project page: refusals beside their fields, the run followed on the page
// (its status and curves), its kept answers downloaded.
//
// The app runs with its real worker (a child process per job). The setup: a tiny chat GPT-2
// (tests/unit/ml/rl/reward-fixtures.ts) registered as the SFT model, and a project of arithmetic
// prompts that carry reference answers (metadata.reference, as the gsm8k and qa imports write it).
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { GRPO_JOB_KIND } from "@/lib/grpo/job-params";
import { getJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startWorker } from "@/scripts/server";
import { startTestApp, type TestApp } from "../helpers/app";
import { tinyLmDir } from "../unit/ml/rl/reward-fixtures";
import { signIn, stopWorker } from "./session";

const PROJECT = "Arithmetic";
const PROMPTS = 24;
const SFT = "tiny-sft";

let app: TestApp;
let worker: ChildProcess;
let projectId: number;
let sftId: number;

test.beforeAll(async () => {
  test.setTimeout(60_000);
  const sftDir = await tinyLmDir();
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: PROJECT }).id;
    sftId = registerModel(db, { name: SFT, kind: "policy", source: "palate", path: sftDir }).id;
    for (let i = 0; i < PROMPTS; i++) {
      const [a, b] = [(i % 8) + 1, Math.floor(i / 8) + 2];
      insertTask(db, projectId, {
        messages: [{ role: "user", content: `What is ${a} + ${b}?` }],
        completions: [],
        promptMetadata: { reference: String(a + b) },
      });
    }
  });
  worker = startWorker({ dbPath: app.dbPath, quiet: true });
});

test.afterAll(async () => {
  await stopWorker(worker);
  await app?.stop();
});

/** The points one series of a chart holds (its legend entry's data-points). */
async function seriesPoints(series: Locator): Promise<number> {
  if ((await series.count()) === 0) return 0;
  return Number((await series.getAttribute("data-points")) ?? 0);
}

async function fill(form: Locator, fields: readonly (readonly [string, string])[]) {
  for (const [label, value] of fields) await form.getByLabel(label, { exact: true }).fill(value);
}

async function openProject(page: Page) {
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL(/\/research$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);
}

test("the researcher starts GRPO with the accuracy and format rewards and watches both curves grow, then cancels the run", async ({ page }) => {
  test.setTimeout(150_000);
  await openProject(page);
  await page.getByRole("region", { name: "GRPO and DPO" }).getByRole("link", { name: "Run GRPO" }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/grpo$`));
  await expect(page.getByTestId("grpo-prompt-counts")).toHaveText(`${PROMPTS} distinct prompts, ${PROMPTS} with a reference answer.`);

  const form = page.getByRole("form", { name: "Run GRPO" });
  await form.locator('select[name="policyModelId"]').selectOption(String(sftId));
  // accuracy is on by default (R1-Zero); format joins it with weight 0.5; length stays off.
  await expect(form.getByLabel("accuracy", { exact: true })).toBeChecked();
  await expect(form.getByLabel("length", { exact: true })).not.toBeChecked();
  await expect(form.getByLabel("Weight of length")).toBeDisabled();
  await form.getByLabel("format", { exact: true }).check();
  await form.getByLabel("Weight of format").fill("0.5");
  // 400 iterations of 2 prompts × 4 completions of at most 6 tokens (a tiny model: tens of ms
  // each), an evaluation every 5: long enough to watch the curves grow, cancelled before the end.
  await fill(form, [
    ["Total episodes", "3200"],
    ["Completions per iteration", "8"],
    ["Completions per prompt (G)", "4"],
    ["Max completion length (tokens)", "6"],
    ["Learning rate", "0.003"],
    ["Validation fraction", "0.2"],
    ["Evaluate every (iterations)", "5"],
    ["Evaluation prompts", "4"],
  ]);
  await expect(form.getByTestId("grpo-iterations")).toHaveText("400 iterations of 8 completions (2 prompts × 4)");
  await page.screenshot({ path: test.info().outputPath("grpo-form.png"), fullPage: true });

  // A setting the schema refuses comes back beside its field, and nothing starts.
  await fill(form, [["Completions per prompt (G)", "3"]]);
  await form.getByRole("button", { name: "Start GRPO" }).click();
  await expect(form.locator('[data-field="params.config.batchSize"]')).toContainText("multiple of numGenerations");
  await expect(page).toHaveURL(new RegExp(`/research/projects/${projectId}/grpo$`));
  await fill(form, [["Completions per prompt (G)", "4"]]);
  await form.getByRole("button", { name: "Start GRPO" }).click();

  // The job page: both reward functions' curves gain points while it runs.
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  const jobId = Number(new URL(page.url()).pathname.split("/").pop());
  expect(getJob(app.db, jobId)).toMatchObject({
    kind: GRPO_JOB_KIND,
    params: {
      policyModelId: sftId,
      rewards: [
        { name: "accuracy", weight: 1 },
        { name: "format", weight: 0.5 },
      ],
      config: { totalEpisodes: 3200, batchSize: 8, numGenerations: 4, maxCompletionLength: 6 },
    },
  });
  await expect(page.getByTestId("job-title")).toHaveText(`Job #${jobId}: GRPO`);
  await expect(page.getByTestId("job-model-start-policy")).toContainText(SFT);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 60_000 });

  const rewardFunctions = page.getByRole("figure", { name: "metrics Reward functions" });
  const accuracy = rewardFunctions.getByTestId("latest-rewards/accuracy");
  const format = rewardFunctions.getByTestId("latest-rewards/format");
  await expect.poll(() => seriesPoints(accuracy), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(() => seriesPoints(format), { timeout: 10_000 }).toBeGreaterThan(0);
  const [a0, f0] = [await seriesPoints(accuracy), await seriesPoints(format)];
  await expect.poll(() => seriesPoints(accuracy), { timeout: 60_000 }).toBeGreaterThan(a0);
  await expect.poll(() => seriesPoints(format), { timeout: 60_000 }).toBeGreaterThan(f0);
  for (const chart of ["Reward", "Reward spread", "Completion length", "Clip ratio", "Entropy", "KL"])
    await expect(page.getByRole("figure", { name: `metrics ${chart}`, exact: true })).toBeVisible();
  await expect(page.getByTestId("job-eta")).toContainText(/about .+ left/);

  // The latest evaluation: the held-out prompts with their reference answers, both models' answers.
  const evaluation = page.getByTestId("job-output-evaluation");
  await expect(evaluation.getByTestId("grpo-sample").first()).toContainText(/What is \d \+ \d\?/, { timeout: 60_000 });
  await expect(evaluation.getByTestId("eval-accuracy")).toContainText(/\d+\.\d% \/ \d+\.\d%/);
  await expect(evaluation.getByTestId("eval-rewards-format")).toBeVisible();
  // Held-out curves join the reward functions' chart.
  await expect(rewardFunctions.getByTestId("latest-eval_rewards/accuracy")).toBeVisible();

  await page.screenshot({ path: test.info().outputPath("grpo-job.png"), fullPage: true });

  // Cancel: the run stops (its checkpoint kept to resume from).
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 60_000 });
  expect(getJob(app.db, jobId)!.status).toBe("cancelled");
});

test("the Run DPO form offers the reward model's rankings selection and shows a refused setting beside its field", async ({ page }) => {
  await openProject(page);
  await page.getByRole("region", { name: "GRPO and DPO" }).getByRole("link", { name: "Run DPO" }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/dpo$`));
  const form = page.getByRole("form", { name: "Run DPO" });
  await expect(form.locator('select[name="rankings"] option:checked')).toHaveText("every annotator's ranking");
  await expect(form.getByTestId("dpo-training-set")).toHaveText("Rankings to learn from: 0 (0 prompts, 0 pairs).");
  await expect(form.locator('select[name="lossType"] option:checked')).toHaveText("sigmoid");
  await form.locator('select[name="lossType"]').selectOption("ipo");
  await form.getByLabel("Label smoothing ε", { exact: true }).fill("0.1");
  await form.getByRole("button", { name: "Start DPO" }).click();
  await expect(form.locator('[data-field="params.config.labelSmoothing"]')).toContainText("IPO takes none");
  await expect(page).toHaveURL(new RegExp(`/research/projects/${projectId}/dpo$`));
});

test("the researcher runs best-of-n from the project page, follows the run's curves and downloads the kept answers", async ({ page }) => {
  test.setTimeout(120_000);
  await openProject(page);
  await page.getByRole("region", { name: "SFT" }).getByRole("link", { name: "Run best-of-n" }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/best-of-n$`));
  await expect(page.getByTestId("best-of-n-prompt-counts")).toHaveText(`${PROMPTS} distinct prompts, ${PROMPTS} with a reference answer.`);
  const form = page.getByRole("form", { name: "Run best-of-n" });
  await form.locator('select[name="policyModelId"]').selectOption(String(sftId));
  const rules = form.locator('input[name="rules"]');
  await expect(rules).toHaveValue("accuracy");

  // A rule spec that does not parse, and demonstrations into a ranking project: each refused beside its field, nothing started.
  await rules.fill("bogus");
  await form.getByRole("button", { name: "Start best-of-n" }).click();
  await expect(form.locator('[data-field="params.rules"]')).toContainText('unknown reward function "bogus"');
  await rules.fill("length(budget=3,ramp=10)");
  await form.getByLabel(/Also insert the kept answers as demonstrations/).check();
  await form.getByRole("button", { name: "Start best-of-n" }).click();
  await expect(form.locator('[data-field="params.intoProjectId"]')).toContainText("is a ranking project");
  await expect(page).toHaveURL(new RegExp(`/research/projects/${projectId}/best-of-n$`));
  await form.getByLabel(/Also insert the kept answers as demonstrations/).uncheck();

  await fill(form, [
    ["Answers per prompt (N)", "4"],
    ["Threshold (optional)", "-0.05"],
    ["Max new tokens", "4"],
  ]);
  await form.getByRole("button", { name: "Start best-of-n" }).click();
  // The page follows the run: its status, its curves, then the kept file to download.
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/best-of-n\\?job=\\d+$`));
  const jobId = Number(new URL(page.url()).searchParams.get("job"));
  // The form below is ready for the next run.
  await expect(form.getByRole("button", { name: "Start best-of-n" })).toBeEnabled();
  const run = page.getByRole("region", { name: "This run" });
  await expect(run.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  await expect(run.getByRole("figure", { name: "metrics Scores", exact: true })).toBeVisible();
  await expect(run.getByRole("figure", { name: "metrics Pass rate", exact: true })).toBeVisible();
  const link = run.getByTestId("best-of-n-download").getByRole("link", { name: "Download the kept answers" });
  await expect(link).toBeVisible({ timeout: 10_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toBe(`best-of-n-${jobId}-kept.jsonl`);
  const kept = (getJob(app.db, jobId)!.result as { kept: number }).kept;
  const lines = readFileSync(await download.path(), "utf8")
    .split("\n")
    .filter(Boolean);
  expect(lines).toHaveLength(kept);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ metadata: { by: "length(budget=3,ramp=10)", n: 4, policy: SFT } });
  await page.screenshot({ path: test.info().outputPath("best-of-n-run.png"), fullPage: true });
});
