// Raw HTML in a completion (or a prompt, or guidelines) is shown as text and never runs.
import { expect, test } from "@playwright/test";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "../helpers/app";

const SCRIPT = "<script>window.__xss=1</script>";
const IMG = `<img src=x onerror="window.__xss=2">`;
const INLINE = `Inline <b onmouseover="window.__xss=3">bold?</b> and <iframe src="javascript:window.__xss=4"></iframe>`;
const LINK = "[click me](javascript:window.__xss=5)";
const CODE = "```html\n<script>window.__xss=6</script>\n```";
const MD_IMAGE = "![tracker](http://127.0.0.1:9/pixel.png)";

let app: TestApp;
let projectId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    const project = createProject(db, { name: "XSS", guidelines: `Guidelines ${IMG}`, redundancy: 1 });
    projectId = project.id;
    insertTask(db, project.id, {
      messages: [{ role: "user", content: `Prompt with ${SCRIPT}` }],
      completions: [{ text: SCRIPT }, { text: IMG }, { text: `${INLINE}\n\n${LINK}` }, { text: `${CODE}\n\n${MD_IMAGE}` }],
    });
  });
});
test.afterAll(async () => {
  await app?.stop();
});

test("HTML in completions, prompts and guidelines is shown as text and never runs", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));

  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill("annotator1@palate.local");
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/annotate$/);
  await page.goto(`${app.url}/annotate/${projectId}`);
  const task = page.getByTestId("task");
  await expect(page.getByTestId("completion-card")).toHaveCount(4);

  // the payloads are visible, literally
  await expect(task.getByText(SCRIPT, { exact: true })).toBeVisible();
  await expect(task.locator("pre code")).toHaveText("<script>window.__xss=6</script>"); // code blocks are kept
  await expect(task.getByText(IMG, { exact: true })).toBeVisible();
  await expect(page.getByTestId("conversation")).toContainText(`Prompt with ${SCRIPT}`);
  await expect(page.getByTestId("guidelines-body")).toContainText(`Guidelines ${IMG}`);
  const inline = page.getByTestId("completion-text").filter({ hasText: "Inline" });
  await expect(inline).toContainText(`<b onmouseover="window.__xss=3">bold?</b>`);
  await expect(inline).toContainText(`<iframe src="javascript:window.__xss=4"></iframe>`);

  // nothing ran, nothing was created
  await inline.hover();
  await page
    .getByText("click me")
    .click({ modifiers: [] })
    .catch(() => {});
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(page.locator("img")).toHaveCount(0);
  await expect(page.locator("main script, main iframe, main b[onmouseover]")).toHaveCount(0);
  const href = await page.getByText("click me").getAttribute("href");
  expect(href ?? "").not.toMatch(/^javascript:/i);
  // the markdown image is shown as a placeholder, and never fetched
  await expect(task.getByText("[image: tracker]")).toBeVisible();
  expect(requests.filter((u) => u.includes("pixel.png") || u.endsWith("/x"))).toEqual([]);
  expect(dialogs).toEqual([]);
});
