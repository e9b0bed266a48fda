// Acceptance 4: the admin starts a generation job from the UI (a tiny Palate model from the
// registry, two prompts typed in, K = 4), watches its progress reach done on the job page,
// and annotator1 then receives one of the new tasks. The app runs with its worker, as
// `palate demo` does.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { createGPT2Config } from "@/lib/ml/io/config-json";
import { initGPT2Params } from "@/lib/ml/io/gpt2-params";
import { saveModelDir } from "@/lib/ml/io/model-dir";
import { Tokenizer } from "@/lib/ml/tokenizer/tokenizer";
import { trainBpe } from "@/lib/ml/tokenizer/train-bpe";
import { enqueueJob, getJob } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { projectRoot, startWorker } from "@/scripts/server";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn, stopWorker } from "./session";

const PROMPTS = ["What is the capital of Peru?", "What is 12 plus 9?"];

let app: TestApp;
let worker: ChildProcess;
let projectId: number;
let modelId: number;

/** A tiny chat-template GPT-2 with random weights: generation takes well under a second. */
async function tinyModel(dir: string): Promise<void> {
  const corpus = Array<string>(20).fill("the capital of peru is lima. twelve plus nine is twenty one.");
  const tokenizer = Tokenizer.fromBpe(trainBpe(corpus, { vocabSize: 300 }), { modelMaxLength: 64 });
  const config = createGPT2Config({ vocabSize: tokenizer.vocabSize, nPositions: 64, nEmbd: 16, nLayer: 1, nHead: 2, bosTokenId: 0, eosTokenId: 0 });
  await saveModelDir(dir, { config, params: initGPT2Params(config, 7), tokenizer });
}

test.beforeAll(async () => {
  let modelDir = "";
  app = await startTestApp(async (db) => {
    projectId = createProject(db, { name: "Generated answers", completionsPerTask: 4, redundancy: 2 }).id;
    modelDir = join(db.$client.name, "..", "tiny-sft");
    await tinyModel(modelDir);
    modelId = registerModel(db, { name: "tiny-sft", kind: "policy", source: "palate", path: modelDir }).id;
  });
  // The fixture kinds (a slow "count" job that logs a loss) beside the built-in ones.
  worker = startWorker({ dbPath: app.dbPath, quiet: true, env: { ...process.env, PALATE_JOB_KINDS: join(projectRoot, "tests", "fixtures", "job-kinds.ts") } });
});
test.afterAll(async () => {
  await stopWorker(worker);
  await app?.stop();
});

test("the admin generates completions from the UI, watches the job finish, and annotator1 gets a new task", async ({ page, browser }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/admin/projects/${projectId}`);
  await page.getByRole("link", { name: "Generate completions" }).click();
  await page.waitForURL(new RegExp(`/admin/projects/${projectId}/generate$`));

  const form = page.getByRole("form", { name: "Generate completions" });
  await form.getByLabel("Model").selectOption(String(modelId));
  await expect(form.getByLabel("New prompts, typed in")).toBeChecked(); // the project has no prompts yet
  await form.getByLabel("One prompt per line").fill(PROMPTS.join("\n"));
  await form.getByLabel("Completions per prompt (K)").fill("4");
  await form.getByLabel("Temperature").fill("1");
  await form.getByLabel("Max tokens").fill("8");
  await form.getByLabel("Seed").fill("7");
  await form.getByRole("button", { name: "Start generation" }).click();

  // The job page: status, progress and messages update live until the job is done.
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  const jobId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("job-title")).toHaveText(`Job #${jobId}: Generate completions`);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByTestId("job-message")).toHaveText("done");
  await expect(page.getByTestId("job-events")).toContainText("Generating 4 completions for each of 2 prompts");
  await expect(page.getByTestId("job-outcome")).toContainText("2 new tasks in Generated answers");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "tiny-sft" })).toBeVisible();
  // The jobs list shows it too.
  await page.goto(`${app.url}/research/jobs`);
  await expect(page.getByTestId(`job-${jobId}`)).toContainText("succeeded");

  // annotator1 receives one of the new tasks: a typed-in prompt with K = 4 completions.
  const context = await browser.newContext();
  const annotator = await context.newPage();
  await signIn(annotator, app.url, "annotator1@palate.local");
  await annotator.waitForURL(/\/annotate$/);
  await annotator.goto(`${app.url}/annotate/${projectId}`);
  await expect(annotator.getByTestId("task")).toBeVisible();
  await expect(annotator.getByTestId("completion-card")).toHaveCount(4);
  const conversation = (await annotator.getByTestId("conversation").innerText()).trim();
  expect(
    PROMPTS.some((p) => conversation.includes(p)),
    conversation,
  ).toBe(true);
  await context.close();
});

test("the admin samples a selection of the project's prompts again", async ({ page }) => {
  // The first test's two prompts are now prompts of the project: pick one of them.
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/admin/projects/${projectId}/generate`);
  const form = page.getByRole("form", { name: "Generate completions" });
  await expect(form.getByLabel("All 2 prompts of the project")).toBeChecked();
  await form.getByLabel(/^A selection/).check();
  await form.getByRole("list", { name: "Choose prompts" }).getByLabel(PROMPTS[1]).check();
  await expect(form.getByLabel(/^A selection/)).toHaveAccessibleName("A selection (1 chosen)");
  await form.getByLabel("Model").selectOption(String(modelId));
  await form.getByLabel("Max tokens").fill("4");
  await form.getByRole("button", { name: "Start generation" }).click();
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  await expect(page.getByTestId("job-outcome")).toContainText("1 new task in Generated answers");
  const { params } = getJob(app.db, Number(new URL(page.url()).pathname.split("/").pop()))!;
  expect(params).toMatchObject({ projectId, modelId, promptIds: [expect.any(Number)] });
  expect(params).not.toHaveProperty("prompts");
});

test("a queued job is cancelled from its page", async ({ page }) => {
  // The worker only runs kinds it knows: an unknown kind stays queued, so Cancel finds it queued.
  const job = enqueueJob(app.db, { kind: "not-a-kind", params: {}, projectId });
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/research/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("queued");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await expect(page.getByTestId("job-error")).toHaveText("cancelled before it started");
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("a running job shows its metrics live and is cancelled from its page", async ({ page }) => {
  const job = enqueueJob(app.db, { kind: "count", params: { steps: 10_000, stepMs: 50 } });
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/research/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 30_000 });
  await expect(page.getByTestId("job-message")).toContainText(/step \d+\/10000/);
  await expect(page.getByRole("figure", { name: "metric loss" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "metric loss" }).locator("canvas")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 30_000 });
  const value = Number(await page.getByRole("progressbar", { name: "Job progress" }).getAttribute("aria-valuenow"));
  expect(value).toBeGreaterThan(0);
  expect(value).toBeLessThan(100);
});

test("the admin registers an endpoint model from the registry page; the key is never shown", async ({ page }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/research/models`);
  const form = page.getByRole("form", { name: "Register a model" });
  await form.getByLabel("Name", { exact: true }).fill("vllm-qwen");
  await form.getByLabel("Source").selectOption("openai");
  await form.getByLabel("Base URL").fill("http://127.0.0.1:8000/v1");
  await form.getByLabel("Model name").fill("Qwen/Qwen2.5-0.5B-Instruct");
  await form.getByLabel("Which API").selectOption("completions");
  await form.getByLabel("API key (optional)").fill("sk-e2e-secret-value");
  await form.getByLabel("Parent").selectOption({ label: "tiny-sft" });
  await form.getByRole("button", { name: "Register model" }).click();
  await expect(page.getByRole("status")).toHaveText("Registered vllm-qwen.");
  const row = page.getByTestId("model-vllm-qwen");
  await expect(row).toContainText("Qwen/Qwen2.5-0.5B-Instruct");
  await expect(row).toContainText("key set");
  await expect(row).toContainText("/v1/completions");
  await expect(row).toContainText("tiny-sft");
  expect(await page.content()).not.toContain("sk-e2e-secret-value");
  // A directory outside the model roots (models/, the data folder, PALATE_MODEL_ROOTS) is refused, naming the field.
  await form.getByLabel("Name", { exact: true }).fill("nowhere");
  await form.getByLabel("Source").selectOption("palate");
  await form.getByLabel(/^Directory/).fill("/definitely/not/a/model");
  await form.getByRole("button", { name: "Register model" }).click();
  await expect(form.getByRole("alert")).toContainText("path: must lie under a model root");
});
