// Issue 5 acceptance: the researcher starts reward-model training from the UI, sees the chart
// gain points while the job runs, and the finished model appears in the registry with its
// metrics. Then the researcher scores the project's completions with it and reads the scores
// beside a task's completions and the disagreements page. The app runs with its real worker
// (a child process per job), on a tiny chat-template GPT-2 and a project of 40 capital
// questions whose 3 completions are ranked by two annotators with a learnable preference: the
// direct answer first, then the padded one, then the doubly padded one.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { asc, eq } from "drizzle-orm";
import { expect, test, type Page } from "@playwright/test";
import { completions, tasks, users } from "@/db/schema";
import { importFile } from "@/lib/datasets/import";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { startWorker } from "@/scripts/server";
import { capitals } from "../fixtures/preference-data";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn, stopWorker } from "./session";
import { makeTinyModel } from "../unit/generation/tiny-model";

const PROJECT = "Capital preferences";
const TASKS = 40;
const PAD = ["Well, that is a good question that many people ask. ", "Let me think about it for a moment before answering. "];

// The second test scores with the model the first one trained.
test.describe.configure({ mode: "serial" });

let app: TestApp;
let worker: ChildProcess;
let projectId: number;
let baseModelId: number;

test.beforeAll(async () => {
  const baseDir = await makeTinyModel({ nPositions: 128, nEmbd: 64 });
  app = await startTestApp(async (db) => {
    projectId = createProject(db, { name: PROJECT, completionsPerTask: 3, redundancy: 2 }).id;
    // Completions in a varied order, so the position says nothing about the preference.
    const lines = capitals()
      .slice(0, TASKS)
      .map(({ country, capital }, i) => {
        const answer = `The capital of ${country} is ${capital}.`;
        const texts = [answer, PAD[i % 2] + answer, PAD[0] + PAD[1] + answer];
        const order = [
          [0, 1, 2],
          [2, 0, 1],
          [1, 2, 0],
        ][i % 3];
        return JSON.stringify({ prompt: `What is the capital of ${country}?`, completions: order.map((j) => texts[j]) });
      });
    const file = join(db.$client.name, "..", "capitals.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const report = importFile(db, file, "palate", { projectId });
    expect(report.imported.tasks).toBe(TASKS);
    // Two annotators each rank every task: shorter (less padded) is better.
    const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
    const annotators = [uid("annotator1@palate.local"), uid("annotator2@palate.local")];
    const careless = uid("annotator3@palate.local");
    for (const task of db.select().from(tasks).where(eq(tasks.projectId, projectId)).orderBy(asc(tasks.id)).all()) {
      const cs = db.select().from(completions).where(eq(completions.taskId, task.id)).all();
      const groups = [...cs].sort((a, b) => a.text.length - b.text.length).map((c) => [c.id]);
      for (const userId of annotators) insertRanking(db, { taskId: task.id, userId, groups });
      // A careless third annotator reverses a few: the disagreements the trained model should surface.
      if (task.id % 10 === 0) insertRanking(db, { taskId: task.id, userId: careless, groups: [...groups].reverse() });
    }
    baseModelId = registerModel(db, { name: "tiny-base", kind: "policy", source: "palate", path: baseDir }).id;
  });
  worker = startWorker({ dbPath: app.dbPath, quiet: true });
});

test.afterAll(async () => {
  await stopWorker(worker);
  await app?.stop();
});

/** How many points the loss chart holds (train and eval). */
async function lossPoints(page: Page): Promise<number> {
  const figure = page.getByRole("figure", { name: "metric loss" });
  if ((await figure.count()) === 0) return 0;
  return Number(await figure.getAttribute("data-points"));
}

test("the researcher trains a reward model from the UI, watches its curves grow, and finds it in the registry with its metrics", async ({ page }) => {
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL(/\/research$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);
  await expect(page.getByTestId("reward-models")).toContainText("No reward model trained on this project yet.");
  await page.getByRole("region", { name: "Reward models" }).getByRole("link", { name: "Train reward model" }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/train-rm$`));

  const form = page.getByRole("form", { name: "Train reward model" });
  // Every hyperparameter is there with its default and help text.
  await expect(form.getByLabel("Epochs")).toHaveValue("2");
  await expect(form.getByText("Passes over the training rankings. Default: 2.")).toBeVisible();

  // A name that is taken comes back as a 400 shown beside the name field.
  await form.getByLabel("Base model").selectOption(String(baseModelId));
  await form.getByLabel("Name (optional)").fill("tiny-base");
  await form.getByRole("button", { name: "Start training" }).click();
  await expect(form.locator('[data-field="params.name"]')).toHaveText('a model named "tiny-base" is already registered');

  await form.getByLabel("Name (optional)").fill("rm-capitals");
  // ~1000 steps: long enough (seconds) to watch the chart grow, short enough for a test.
  await form.getByLabel("Epochs").fill("30");
  await form.getByLabel("Batch size").fill("1");
  await form.getByLabel("Learning rate").fill("0.003");
  await form.getByLabel("Validation fraction").fill("0.2");
  await form.getByLabel("Evaluate every (steps)").fill("100");
  await form.getByText("Advanced").click();
  await form.getByLabel("Max length (tokens)").fill("128");
  await form.getByLabel("Checkpoint every (steps)").fill("1000");
  await form.getByRole("button", { name: "Start training" }).click();

  // The job page: the loss chart gains points while the job runs.
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  const jobId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("job-title")).toHaveText(`Job #${jobId}: Reward-model training`);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 60_000 });
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const first = await lossPoints(page);
  await expect(page.getByTestId("job-status")).toHaveText("running");
  await expect(page.getByRole("figure", { name: "metric accuracy" }).locator("canvas")).toBeVisible();
  await expect(page.getByTestId("job-message")).toContainText(/step \d+\/\d+ · epoch \d+/);
  await expect(page.getByTestId("job-eta")).toContainText(/about .* left/);
  await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible(); // researchers may cancel their training
  await expect.poll(() => lossPoints(page), { timeout: 60_000 }).toBeGreaterThan(first);

  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 110_000 });
  await expect(page.getByTestId("job-events")).toContainText("Registered rm-capitals");
  // Train and eval curves share a chart.
  await expect(page.getByRole("figure", { name: "metric loss" }).getByTestId("latest-eval_loss")).toBeVisible();
  await expect(page.getByTestId("job-model").getByRole("link", { name: "rm-capitals" })).toBeVisible();

  // The registry lists it as a reward model with its eval accuracy.
  await page.goto(`${app.url}/research/models`);
  const row = page.getByTestId("model-rm-capitals");
  await expect(row).toContainText("reward");
  await expect(row.getByTestId("reward-eval")).toContainText(/accuracy \d+\.\d%/);
  await expect(row).toContainText("tiny-base");

  // Its page: metrics, lineage and calibration.
  await row.getByRole("link", { name: "rm-capitals" }).click();
  await expect(page.getByTestId("model-name")).toHaveText("rm-capitals");
  await expect(page.getByTestId("metric-eval_accuracy")).toContainText(/\d+\.\d%/);
  await expect(page.getByTestId("metric-train_pairs")).toContainText(/\d+/);
  const lineage = page.getByTestId("reward-lineage");
  await expect(lineage.getByRole("link", { name: "tiny-base" })).toBeVisible();
  await expect(lineage.getByRole("link", { name: PROJECT })).toBeVisible();
  await expect(lineage).toContainText(/Rankings\s*84/); // 40 tasks × 2 annotators, and 4 careless ones
  await expect(page.getByTestId("calibration").locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("reward-config")).toContainText("learningRate");
});

test("the researcher scores the project's completions and reads scores and disagreements", async ({ page }) => {
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL(/\/research$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);
  const row = page.getByTestId("reward-model-rm-capitals");
  await expect(row).toContainText(/\d+\.\d%/);
  await row.getByRole("button", { name: "Score completions with rm-capitals" }).click();
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  await expect(page.getByTestId("job-title")).toContainText("Reward scoring");
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 60_000 });

  await page.goto(`${app.url}/research/projects/${projectId}`);
  await expect(page.getByTestId("reward-model-rm-capitals")).toContainText(String(TASKS * 3));
  await page.getByRole("link", { name: "Disagreements" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Reward-model disagreements");
  await expect(page.getByRole("form", { name: "Pick a reward model" }).getByLabel("Reward model")).toContainText("rm-capitals");
  const region = page.getByRole("region", { name: "Disagreements" });
  await expect(region.getByRole("heading")).toContainText(/ranking.? where rm-capitals disagrees/);
  // The strongest disagreement is one of the careless annotator's reversed rankings.
  const top = region.getByTestId("disagreements").locator("tbody tr").first();
  await expect(top).toContainText("annotator3@palate.local");
  await expect(top).toContainText(/place 3 · score/);
  await top.getByRole("link", { name: /^#\d+$/ }).click();
  await page.waitForURL(/\/research\/tasks\/\d+$/);
  await expect(page.getByTestId("rankings-table")).toContainText("annotator3@palate.local");

  // A task shows each completion's reward score.
  await page.goto(`${app.url}/research/projects/${projectId}`);
  await page.getByTestId("task-table").getByRole("link").first().click();
  await page.waitForURL(/\/research\/tasks\/\d+$/);
  await expect(page.getByTestId("reward-scores")).toHaveCount(3);
  await expect(page.getByTestId("reward-scores").first()).toContainText(/rm-capitals: -?\d+\.\d{3}/);
});

test("a reward model trained on the form's defaults shows its held-out accuracy with its interval and the small-set warning, explains its metrics, and scores typed-in completions", async ({
  page,
}) => {
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL(/\/research$/);
  await page.goto(`${app.url}/research/projects/${projectId}/train-rm`);
  const form = page.getByRole("form", { name: "Train reward model" });
  // 40 prompts: 10% would hold out 4; the form suggests 0.3 (12 prompts) and says it is still few.
  await expect(form.getByLabel("Validation fraction")).toHaveValue("0.3");
  await expect(form.getByTestId("held-out-preview")).toContainText("Rankings to learn from: 84 (40 prompts");
  await expect(form.getByTestId("held-out-warning")).toContainText("holds out 12 prompts of 40");
  // The warning follows the field: half is 20 prompts with about 126 of the 252 pairs, both at their minimums.
  await form.getByLabel("Validation fraction").fill("0.5");
  await expect(form.getByTestId("held-out-warning")).toHaveCount(0);
  await form.getByLabel("Validation fraction").fill("0.3");
  await expect(form.getByTestId("held-out-warning")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("train-rm-form.png"), fullPage: true });

  // Every other setting at its default; only the base model and a name are chosen.
  await form.getByLabel("Base model").selectOption(String(baseModelId));
  await form.getByLabel("Name (optional)").fill("rm-defaults");
  await form.getByRole("button", { name: "Start training" }).click();
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 110_000 });

  // The job page's summary: accuracy [interval] on n pairs of 12 prompts, and the warning.
  const summary = page.getByTestId("reward-job-summary");
  await expect(summary.getByTestId("held-out-accuracy")).toContainText(/\d+\.\d% \[\d+\.\d%, \d+\.\d%\] on \d+ pairs of 12 prompts/);
  await expect(summary.getByTestId("small-eval-warning")).toContainText("12 prompts (fewer than 20)");
  await expect(page.getByTestId("job-events")).toContainText(
    /Registered rm-defaults .* · eval accuracy \d+\.\d% \[\d+\.\d%, \d+\.\d%\] on \d+ pairs of 12 prompts/,
  );
  await expect(page.getByTestId("job-events")).toContainText("Too small to trust");

  // The model page: the same figure and warning, the glossary, and a calibration table whose total is the eval pairs.
  await summary.getByRole("link", { name: /rm-defaults's page/ }).click();
  await expect(page.getByTestId("model-name")).toHaveText("rm-defaults");
  const evaluation = page.getByTestId("eval-accuracy-summary");
  await expect(evaluation).toContainText(/\d+\.\d% \[\d+\.\d%, \d+\.\d%\] on \d+ pairs of 12 prompts/);
  await expect(evaluation.getByTestId("small-eval-warning")).toContainText("Too small to trust");
  await expect(page.getByTestId("metric-eval_accuracy")).toContainText(/\d+\.\d%\s*\[\d+\.\d%, \d+\.\d%\]/);
  const evalPairs = Number((await page.getByTestId("metric-eval_pairs").locator("dd").textContent())!.trim());
  expect(evalPairs).toBeGreaterThan(0);
  await expect(page.getByTestId("calibration-total").locator("td").nth(1)).toHaveText(String(evalPairs));
  await expect(page.getByTestId("calibration-total").locator("td").nth(2)).toHaveText("= Eval pairs");
  await page.getByTestId("metric-glossary").getByText("What these numbers mean").click();
  await expect(page.getByTestId("metric-glossary")).toContainText("Share of held-out pairs where the model gives the completion the annotators preferred");
  await expect(page.getByTestId("metric-glossary")).toContainText("A pair is one comparison a ranking implies");
  await expect(page.getByTestId("metric-eval_loss").locator("dt")).toHaveAttribute("title", /−log σ/);

  // Try it: a prompt and three completions, ranked by reward; an empty completion is named.
  const score = page.getByRole("form", { name: "Score completions" });
  await score.getByLabel("Prompt").fill("What is the capital of France?");
  await score.getByLabel("Completion A").fill("The capital of France is Paris.");
  await score.getByRole("button", { name: "Score" }).click();
  await expect(score.locator('[data-field="completions.1"]')).toHaveText("a completion is empty");
  await score.getByLabel("Completion B").fill(PAD[0] + "The capital of France is Paris.");
  await score.getByRole("button", { name: "Add a completion" }).click();
  await score.getByLabel("Completion C").fill(PAD[0] + PAD[1] + "The capital of France is Paris.");
  await score.getByRole("button", { name: "Score" }).click();
  const results = page.getByTestId("score-results");
  await expect(results.locator("li")).toHaveCount(3);
  await expect(results.getByTestId("score-value").first()).toHaveText(/^-?\d+\.\d{3}$/);
  const values = (await results.getByTestId("score-value").allTextContents()).map(Number);
  expect([...values].sort((a, b) => b - a)).toEqual(values);
  await page.screenshot({ path: test.info().outputPath("reward-model-page.png"), fullPage: true });

  // On a phone the interval and the warning are there too, inside the screen's width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const phoneEvaluation = page.getByTestId("eval-accuracy-summary");
  await expect(phoneEvaluation).toContainText(/\d+\.\d% \[\d+\.\d%, \d+\.\d%\] on \d+ pairs of 12 prompts/);
  await expect(phoneEvaluation.getByTestId("small-eval-warning")).toBeVisible();
  const box = (await phoneEvaluation.getByTestId("small-eval-warning").boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("reward-model-page-phone.png"), fullPage: true });
});
