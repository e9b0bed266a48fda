// Issue 12 acceptance 4 (snapshots): an admin creates a snapshot from the button on the project's
// page, sees it listed with its hash, and downloads its dataset card: a README.md that starts with
// the YAML front matter. Then the train-rm form starts a job on the snapshot.
import { expect, test } from "@playwright/test";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { getProjectByName } from "@/lib/projects";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = getProjectByName(db, DEMO_PROJECT)!.id;
    const userIds = ["annotator1@palate.local", "annotator2@palate.local"].map(
      (email) => db.$client.prepare("select id from users where email = ?").pluck().get(email) as number,
    );
    const taskIds = db.$client.prepare("select id from tasks where project_id = ? order by id").pluck().all(projectId) as number[];
    for (const taskId of taskIds.slice(0, 10)) {
      const completions = db.$client.prepare("select id from completions where task_id = ? order by position").pluck().all(taskId) as number[];
      for (const userId of userIds) insertRanking(db, { taskId, userId, groups: completions.map((c) => [c]) });
    }
  });
});
test.afterAll(async () => {
  await app?.stop();
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
  const jobId = Number(new URL(page.url()).pathname.split("/").pop());
  const params = JSON.parse(app.db.$client.prepare("select params from jobs where id = ?").pluck().get(jobId) as string) as Record<string, unknown>;
  expect(params).toMatchObject({ projectId, snapshot: "v1", rounds: "all", rankings: "every" });
});
