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
import { completions, tasks, users } from "../../db/schema";
import { importFile } from "../../lib/datasets/import";
import { insertRanking } from "../../lib/labeling/save-ranking";
import { registerModel } from "../../lib/models/registry";
import { createProject } from "../../lib/projects";
import { startWorker } from "../../scripts/server";
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
        const order = [[0, 1, 2], [2, 0, 1], [1, 2, 0]][i % 3];
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
  await page.getByRole("link", { name: "Train reward model" }).click();
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
