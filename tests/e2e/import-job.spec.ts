// A large file through the admin's Import form becomes an import job (issue 11): the form shows
// the job with its status and progress while the worker imports the file, then the result, and
// the project's tasks are there; a large file with a bad last line fails the job, names the line
// and imports nothing.
import type { ChildProcess } from "node:child_process";
import { expect, test } from "@playwright/test";
import { createProject } from "@/lib/projects";
import { startWorker } from "@/scripts/server";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn, stopWorker } from "./session";

let app: TestApp;
let worker: ChildProcess;
let projectId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Big file" }).id;
  });
  worker = startWorker({ dbPath: app.dbPath, quiet: true });
});
test.afterAll(async () => {
  await stopWorker(worker);
  await app?.stop();
});

const LINES = 3000;
/** Over the 256 KiB that a request imports itself, so the route hands the file to a job. */
function trlFile(lastLine?: string): Buffer {
  const pad = "so the answer is stated in full, with a reason given after it.";
  const lines = Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({ prompt: `Question ${i}: what is ${i} + 1?`, chosen: `${i + 1}, ${pad}`, rejected: `${i + 2}, ${pad}` }),
  );
  if (lastLine) lines[LINES - 1] = lastLine;
  const text = lines.join("\n") + "\n";
  expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
  return Buffer.from(text);
}

const taskCount = () => app.db.$client.prepare("select count(*) from tasks where project_id = ?").pluck().get(projectId) as number;

test("a large import runs as a job that the form follows to its end", async ({ page }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin/);
  await page.goto(`${app.url}/admin/projects/${projectId}`);
  const form = page.getByRole("form", { name: "Import a file" });

  // A bad last line: the job fails, the form names the line, nothing is imported.
  await form
    .getByLabel("JSONL file")
    .setInputFiles({ name: "bad.jsonl", mimeType: "application/jsonl", buffer: trlFile(JSON.stringify({ prompt: "x", chosen: "y" })) });
  await form.getByLabel("Format").selectOption("trl");
  await form.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-job")).toContainText("Import job #");
  await expect(page.getByTestId("import-errors")).toContainText(`line ${LINES}`, { timeout: 60_000 });
  await expect(page.getByTestId("import-job")).toContainText("failed");
  expect(taskCount()).toBe(0);

  // A good file: the job's progress shows, then the result, and the tasks are in the project.
  await form.getByLabel("JSONL file").setInputFiles({ name: "good.jsonl", mimeType: "application/jsonl", buffer: trlFile() });
  await form.getByRole("button", { name: "Import" }).click();
  const job = page.getByTestId("import-job");
  await expect(job).toBeVisible();
  await expect(page.getByTestId("import-result")).toHaveText(`Imported ${LINES} tasks and ${LINES} rankings.`, { timeout: 90_000 });
  await expect(job).toContainText("succeeded");
  expect(taskCount()).toBe(LINES);
  // The job links to its page, which shows it succeeded.
  await job.getByRole("link").click();
  await expect(page).toHaveURL(/\/research\/jobs\/\d+/);
  await expect(page.getByText("succeeded").first()).toBeVisible();
});
