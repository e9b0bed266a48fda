// Issue 12 acceptance 4 (snapshots): an admin creates a snapshot from the button on the project's
// page, sees it listed with its hash, and downloads its dataset card: a README.md that starts with
// the YAML front matter. Then the train-rm form starts a job on the snapshot. Past the synchronous
// size (lowered here to 25 rankings), the button starts a snapshot job: the panel shows it queued
// with a link to its page, and lists the snapshot with its hash once the worker has written it.
import type { ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { requestCancel } from "@/lib/jobs/queue";
import { getProjectByName } from "@/lib/projects";
import { startWorker } from "@/scripts/server";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;
let worker: ChildProcess | undefined;
let trainJobId: number;

/** The project's tasks `from`…`from + tasks` ranked by annotators 1 and 2. */
function rankTasks(db: TestApp["db"], from: number, tasks: number) {
  const userIds = ["annotator1@palate.local", "annotator2@palate.local"].map(
    (email) => db.$client.prepare("select id from users where email = ?").pluck().get(email) as number,
  );
  const taskIds = db.$client.prepare("select id from tasks where project_id = ? order by id").pluck().all(projectId) as number[];
  for (const taskId of taskIds.slice(from, from + tasks)) {
    const completions = db.$client.prepare("select id from completions where task_id = ? order by position").pluck().all(taskId) as number[];
    for (const userId of userIds) insertRanking(db, { taskId, userId, groups: completions.map((c) => [c]) });
  }
}

test.beforeAll(async () => {
  // The app inherits this process's environment: projects of more than 25 rankings are snapshotted by a job.
  process.env.PALATE_SNAPSHOT_SYNC_MAX_RANKINGS = "25";
  app = await startTestApp((db) => {
    projectId = getProjectByName(db, DEMO_PROJECT)!.id;
    rankTasks(db, 0, 10);
  });
});
test.afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const gone = new Promise((done) => worker!.once("exit", done));
    worker.kill("SIGTERM");
    await gone;
  }
  await app?.stop();
  delete process.env.PALATE_SNAPSHOT_SYNC_MAX_RANKINGS;
});

test("an admin creates a snapshot from the project page and downloads its dataset card", async ({ page }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);
  const panel = page.getByTestId("snapshot-panel");
  await expect(panel).toContainText("No snapshot yet.");

  await panel.getByLabel("Name").fill("v1");
  await panel.getByLabel("License").fill("cc-by-4.0");
  await panel.getByRole("button", { name: "Create snapshot" }).click();
  await expect(panel.getByRole("status")).toContainText("Snapshot v1 created");
  const row = panel.getByTestId("snapshot-v1");
  await expect(row).toContainText("20 / ");

  // The same name again with the same data: reported, not an error; nothing new listed.
  await panel.getByLabel("Name").fill("v1");
  await panel.getByLabel("License").fill("cc-by-4.0");
  await panel.getByRole("button", { name: "Create snapshot" }).click();
  await expect(panel.getByRole("status")).toContainText("already exists with the same data");
  await expect(panel.getByTestId(/^snapshot-v/)).toHaveCount(1);

  const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: "Dataset card" }).click()]);
  expect(download.suggestedFilename()).toBe("v1-README.md");
  const card = Buffer.concat(await (await download.createReadStream()).toArray()).toString("utf8");
  expect(card.startsWith('---\nlicense: "cc-by-4.0"\n')).toBe(true);
  const frontMatter = card.slice(4, card.indexOf("\n---\n", 4));
  expect(frontMatter).toContain('size_categories:\n- "n<1K"');
  expect(frontMatter).toContain('- config_name: "trl"\n  default: true');
  expect(card).toContain(`# ${DEMO_PROJECT}: v1`);

  // The train-rm form offers the snapshot; the job it starts names it (no worker runs here: the job stays queued).
  await page.goto(`${app.url}/research/projects/${projectId}/train-rm`);
  await page.getByLabel("Dataset").selectOption("v1");
  await expect(page.getByLabel("Rankings from")).toBeDisabled();
  await page.getByRole("button", { name: "Start training" }).click();
  await page.waitForURL(/\/research\/jobs\/\d+$/);
  trainJobId = Number(new URL(page.url()).pathname.split("/").pop());
  const params = JSON.parse(app.db.$client.prepare("select params from jobs where id = ?").pluck().get(trainJobId) as string) as Record<string, unknown>;
  expect(params).toMatchObject({ projectId, snapshot: "v1", rounds: "all", rankings: "every" });
});

test("a large project's snapshot is a job that the panel follows until the snapshot is listed", async ({ page }) => {
  // The training job of the test above is not to run when the worker starts.
  if (trainJobId) requestCancel(app.db, trainJobId);
  rankTasks(app.db, 10, 10); // 40 rankings: over the synchronous size
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/research/projects/${projectId}`);
  const panel = page.getByTestId("snapshot-panel");

  // No worker yet: the job waits, shown with its link.
  await panel.getByLabel("Name").fill("v2");
  await panel.getByRole("button", { name: "Create snapshot" }).click();
  await expect(panel.getByRole("status")).toContainText(/Snapshot v2 is being written by job \d+/);
  const jobId = Number(/job (\d+)/.exec((await panel.getByRole("status").textContent()) ?? "")![1]);
  const running = panel.getByTestId(`snapshot-job-${jobId}`);
  await expect(running).toContainText("v2");
  await expect(running).toContainText("queued");
  await expect(running.getByRole("link", { name: `Job ${jobId}` })).toHaveAttribute("href", `/research/jobs/${jobId}`);

  // A page opened meanwhile follows the job too.
  await page.reload();
  await expect(panel.getByTestId(`snapshot-job-${jobId}`)).toBeVisible();

  worker = startWorker({ dbPath: app.dbPath, quiet: true });
  await expect(panel.getByRole("status")).toContainText(/Snapshot v2 created \(hash [0-9a-f]{12}…\)/, { timeout: 90_000 });
  await expect(panel.getByTestId(`snapshot-job-${jobId}`)).toHaveCount(0);
  const row = panel.getByTestId("snapshot-v2");
  await expect(row).toContainText("40 / ");
  const hash = JSON.parse(app.db.$client.prepare("select result from jobs where id = ?").pluck().get(jobId) as string).hash as string;
  await expect(row).toContainText(hash.slice(0, 16));
});
