// Issue 9 acceptance 4: the researcher starts PPO from the UI, sees the charts gain points and
// the sample table fill while the job runs, finds the policy in the registry with its lineage,
// and "Start next round" creates a generation job from it (the policy against the model it
// started from, head to head), whose tasks appear as round 2 in the project's rounds table; the
// next reward model can then be trained on the latest round's rankings only.
//
// The app runs with its real worker (a child process per job). The setup: a tiny chat GPT-2
// (tests/unit/ml/rl/reward-fixtures.ts) registered as the SFT model, a project of 40 prompts
// whose two completions two annotators ranked (the one with "apple" first), and a reward model
// trained on them by a train-rm job through the same worker before the browser starts.
import type { ChildProcess } from "node:child_process";
import { asc, eq } from "drizzle-orm";
import { expect, test, type Page } from "@playwright/test";
import { completions, tasks, users } from "@/db/schema";
import { enqueueJob, getJob } from "@/lib/jobs/queue";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { registerModel } from "@/lib/models/registry";
import { createProject } from "@/lib/projects";
import { TRAIN_RM_JOB_KIND } from "@/lib/reward/job-params";
import { insertTask } from "@/lib/tasks";
import { startWorker } from "@/scripts/server";
import { startTestApp, type TestApp } from "../helpers/app";
import { GOOD_WORD, tinyLmDir } from "../unit/ml/rl/reward-fixtures";
import { signIn, stopWorker } from "./session";

const PROJECT = "Item preferences";
const PROMPTS = 40;
const SFT = "tiny-sft";
const RM = "rm-items";
const POLICY = "ppo-items-1";
const WORDS = ["red", "blue", "green", "stone", "river", "cloud", "seven", "table"];

let app: TestApp;
let worker: ChildProcess;
let projectId: number;
let sftId: number;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const sftDir = await tinyLmDir();
  let trainJobId = 0;
  app = await startTestApp(async (db) => {
    projectId = createProject(db, { name: PROJECT, completionsPerTask: 2, redundancy: 2 }).id;
    sftId = registerModel(db, { name: SFT, kind: "policy", source: "palate", path: sftDir }).id;
    // Each prompt: a phrase with "apple" and one without, in alternating order, both sampled from the SFT model.
    for (let i = 0; i < PROMPTS; i++) {
      const plain = `${WORDS[i % WORDS.length]} ${WORDS[(i + 3) % WORDS.length]}.`;
      const good = `${WORDS[(i + 5) % WORDS.length]} ${GOOD_WORD}.`;
      const texts = i % 2 === 0 ? [good, plain] : [plain, good];
      insertTask(db, projectId, {
        messages: [{ role: "user", content: `Say something about item ${i}.` }],
        completions: texts.map((text) => ({ text, model: SFT })),
      });
    }
    const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
    for (const task of db.select().from(tasks).where(eq(tasks.projectId, projectId)).orderBy(asc(tasks.id)).all()) {
      const cs = db.select().from(completions).where(eq(completions.taskId, task.id)).all();
      const groups = [...cs].sort((a, b) => Number(b.text.includes(GOOD_WORD)) - Number(a.text.includes(GOOD_WORD))).map((c) => [c.id]);
      for (const email of ["annotator1@palate.local", "annotator2@palate.local"]) insertRanking(db, { taskId: task.id, userId: uid(email), groups });
    }
    // The reward model, trained by the worker like any train-rm job.
    trainJobId = enqueueJob(db, {
      kind: TRAIN_RM_JOB_KIND,
      params: {
        projectId,
        baseModelId: sftId,
        name: RM,
        config: { epochs: 2, batchSize: 4, learningRate: 3e-3, maxLength: 48, validationFraction: 0.2, evalEvery: 0, checkpointEvery: 1000 },
      },
      projectId,
    }).id;
  });
  worker = startWorker({ dbPath: app.dbPath, quiet: true });
  await expect
    .poll(() => getJob(app.db, trainJobId)?.status, { timeout: 90_000, message: "the reward model's training job" })
    .toMatch(/succeeded|failed|cancelled/);
  const trained = getJob(app.db, trainJobId)!;
  expect(trained.error).toBeNull();
  expect(trained.status).toBe("succeeded");
});

test.afterAll(async () => {
  await stopWorker(worker);
  await app?.stop();
});

/** How many points the PPO charts hold together (every group's series). */
async function chartPoints(page: Page): Promise<number> {
  const counts = await page
    .getByTestId("job-metrics")
    .getByRole("figure")
    .evaluateAll((figures) => figures.map((f) => Number(f.getAttribute("data-points") ?? 0)));
  return counts.reduce((a, b) => a + b, 0);
}

test("the researcher runs PPO from the UI, watches its charts and samples, finds the policy with its lineage, and starts the next round from it", async ({
  page,
}) => {
  test.setTimeout(150_000);
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL(/\/research$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);

  // Round 1 of the loop: the SFT model's tasks, ranked, and the reward model with its held-out accuracy.
  const round1 = page.getByTestId("rounds").getByTestId("round-1");
  await expect(round1).toContainText(`${SFT} (${2 * PROMPTS})`);
  await expect(round1.getByTestId("round-reward-model")).toContainText(new RegExp(`${RM}\\s*\\d+\\.\\d% on \\d+ held-out pairs?`));
  await expect(round1.getByTestId("round-policy")).toHaveText("—");

  await page.getByRole("region", { name: "PPO policies" }).getByRole("link", { name: "Run PPO" }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}/ppo$`));
  const form = page.getByRole("form", { name: "Run PPO" });
  // (A label wrapping a select takes in its options' text, so the selects are found by name.)
  await form.locator('select[name="policyModelId"]').selectOption(String(sftId));
  await expect(form.locator('select[name="rewardModelId"] option:checked')).toHaveText(RM);
  await form.getByLabel("Name (optional)").fill(POLICY);
  // 400 iterations of 8 episodes (a tiny model: 10–50 ms each), an evaluation every 50: long
  // enough to watch the charts grow, short enough for a test.
  for (const [label, value] of [
    ["Total episodes", "3200"],
    ["Batch size", "8"],
    ["Minibatches per iteration", "2"],
    ["PPO epochs per iteration", "1"],
    ["Response length (tokens)", "12"],
    ["Evaluate every (iterations)", "50"],
    ["Evaluation prompts", "4"],
  ] as const) {
    await form.getByLabel(label, { exact: true }).fill(value);
  }
  await expect(form.getByTestId("ppo-iterations")).toHaveText("400 iterations of 8 episodes");
  // PPO-ptx needs demonstrations, and this project has none: refused next to the field, nothing started.
  await form.getByLabel("ptx coefficient", { exact: true }).fill("1");
  await form.getByRole("button", { name: "Start PPO" }).click();
  await expect(form).toContainText("PPO-ptx learns from the project's demonstrations, and it has no demonstrations");
  await expect(page).toHaveURL(new RegExp(`/research/projects/${projectId}/ppo$`));
  await form.getByLabel("ptx coefficient", { exact: true }).fill("0");
  await form.getByRole("button", { name: "Start PPO" }).click();

  // The job page: the charts gain points and the sample table fills while it runs.
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  const jobId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("job-title")).toHaveText(`Job #${jobId}: PPO`);
  await expect(page.getByTestId("job-model-start-policy")).toContainText(SFT);
  await expect(page.getByTestId("job-model-reward-model")).toContainText(RM);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 60_000 });
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(0);
  const first = await chartPoints(page);
  await expect(page.getByRole("figure", { name: "metrics Reward" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "metrics KL" })).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("running");
  await expect.poll(() => chartPoints(page), { timeout: 60_000 }).toBeGreaterThan(first);
  const evaluation = page.getByTestId("job-output-evaluation");
  await expect(evaluation.getByTestId("ppo-sample")).toHaveCount(4, { timeout: 60_000 });
  await expect(evaluation.getByTestId("ppo-sample").first()).toContainText("Say something about item");
  await expect(evaluation.getByTestId("eval-win-rate")).toContainText(/\d+\.\d%/);

  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  // The held-out figures are charted with the training ones, under the trainer's names.
  await expect(page.getByRole("figure", { name: "metrics Reward" }).getByTestId("latest-eval_scores")).toBeVisible();
  await expect(page.getByRole("figure", { name: "metrics KL" }).getByTestId("latest-eval_kl")).toBeVisible();
  await expect(page.getByTestId("job-model").getByRole("link", { name: POLICY })).toBeVisible();
  // The finished job offers the next round too.
  await expect(page.getByRole("form", { name: "Start next round" })).toBeVisible();

  // The registry lists the policy with its round; its page shows the lineage.
  await page.goto(`${app.url}/research/models`);
  const row = page.getByTestId(`model-${POLICY}`);
  await expect(row.getByTestId("model-kind")).toContainText("policy");
  await expect(row.getByTestId("model-kind")).toContainText("round 1");
  await row.getByRole("link", { name: POLICY }).click();
  await expect(page.getByTestId("model-name")).toHaveText(POLICY);
  const lineage = page.getByTestId("ppo-lineage");
  await expect(lineage.getByTestId("ppo-round")).toHaveText("1");
  await expect(lineage.getByRole("link", { name: RM })).toBeVisible();
  await expect(lineage.getByRole("link", { name: SFT }).first()).toBeVisible();
  await expect(lineage).toContainText(/Start policy\s*tiny-sft/);
  await expect(page.getByTestId("metric-eval_scores")).toBeVisible();
  await expect(page.getByTestId("ppo-evaluation").getByTestId("ppo-sample")).toHaveCount(4);

  // Start next round: K = 4, mixed with the SFT model's completions (the default), short answers for the tiny model.
  const next = page.getByRole("form", { name: "Start next round" });
  await expect(next.getByLabel("Completions per prompt (K)")).toHaveValue("4");
  const mix = next.getByLabel("Mix with the previous model's completions (head to head)");
  await expect(mix).toBeChecked();
  await expect(next).toContainText(`Of each prompt's 4 completions, 2 from ${POLICY} and 2 from ${SFT}`);
  await next.getByLabel("Max new tokens").fill("12");
  await next.getByRole("button", { name: "Start next round" }).click();

  // The generation job's page: the policy, head to head with the model it started from, as round 2.
  await page.waitForURL((url) => /\/research\/jobs\/\d+$/.test(url.pathname) && url.pathname !== `/research/jobs/${jobId}`);
  const generateId = Number(new URL(page.url()).pathname.split("/").pop());
  await expect(page.getByTestId("job-title")).toHaveText(`Job #${generateId}: Generate completions`);
  await expect(page.getByText("(generate)")).toBeVisible();
  await expect(page.getByTestId("job-model-model").getByRole("link", { name: POLICY })).toBeVisible();
  await expect(page.getByTestId("job-model-head-to-head-with").getByRole("link", { name: SFT })).toBeVisible();
  expect(getJob(app.db, generateId)!.params).toMatchObject({ modelId: expect.any(Number), compareModelId: sftId, round: 2, sampling: { k: 4, maxTokens: 12 } });
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("job-outcome")).toContainText(`${PROMPTS} new tasks in ${PROJECT}`);

  // The rounds table: round 1's policy, and round 2 sampled from it and the SFT model, not yet ranked.
  await page.getByTestId("job-outcome").getByRole("link", { name: PROJECT }).click();
  await page.waitForURL(new RegExp(`/research/projects/${projectId}$`));
  await expect(page.getByTestId("round-1").getByTestId("round-policy")).toContainText(POLICY);
  const round2 = page.getByTestId("round-2");
  await expect(round2).toContainText(`${POLICY} (${2 * PROMPTS})`);
  await expect(round2).toContainText(`${SFT} (${2 * PROMPTS})`);
  await expect(round2.getByTestId("round-head-to-head")).toHaveText(`${POLICY} vs ${SFT}: no pairs ranked yet`);

  // The next reward model can learn from every round's rankings or the latest round's only.
  await page.getByRole("region", { name: "Reward models" }).getByRole("link", { name: "Train reward model" }).click();
  const train = page.getByRole("form", { name: "Train reward model" });
  await expect(train.locator('select[name="baseModelId"] option:checked')).toHaveText(`${SFT} (this project's SFT model)`);
  const rounds = train.locator('select[name="rounds"]');
  await expect(rounds.locator("option:checked")).toHaveText("every round (1–2)");
  await rounds.selectOption("latest");
  await expect(rounds.locator("option:checked")).toHaveText("the latest round only (round 2)");
  await train.getByLabel("Name (optional)").fill("rm-items-2");
  await train.getByRole("button", { name: "Start training" }).click();
  await page.waitForURL((url) => /\/research\/jobs\/\d+$/.test(url.pathname) && url.pathname !== `/research/jobs/${generateId}`);
  const trainId = Number(new URL(page.url()).pathname.split("/").pop());
  expect(getJob(app.db, trainId)).toMatchObject({ kind: TRAIN_RM_JOB_KIND, params: { baseModelId: sftId, rounds: "latest", name: "rm-items-2" } });
});
