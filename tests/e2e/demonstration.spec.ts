// Issue 13 acceptance 5 (first half): an annotator writes a demonstration. They open the
// demonstration task of a demonstration project, start from one of the model's completions, type
// markdown and see it rendered in the preview (raw HTML shown as text), reload and find the draft
// (saved on the server), submit with Ctrl+Enter; the admin exports it as sft from the project page,
// accepts it on the review page, and the accepted-only export has it. The project pages' statistics
// count it, awaiting review and then accepted.
import { expect, test } from "@playwright/test";
import { eq } from "drizzle-orm";
import { demonstrations } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;
let taskId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Demos", mode: "demonstration", guidelines: "Show your **working**." }).id;
    taskId = insertTask(db, projectId, {
      messages: [
        { role: "system", content: "You are a maths tutor." },
        { role: "user", content: "What is 7 + 5?" },
      ],
      completions: [{ text: "7 + 5 = 13" }, { text: "It is 12." }],
    }).taskId;
  });
});
test.afterAll(async () => {
  await app?.stop();
});

test("an annotator writes a demonstration with a live preview, the draft survives a reload, and the admin exports it", async ({ page, browser }) => {
  await signIn(page, app.url, "annotator1@palate.local");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${app.url}/annotate/${projectId}`);

  const task = page.getByTestId("demonstration-task");
  await expect(task).toHaveAttribute("data-task-id", String(taskId));
  await expect(task.getByTestId("message")).toHaveCount(2);
  await expect(page.getByTestId("guidelines").locator("strong")).toHaveText("working");
  await expect(task.getByTestId("starting-point")).toHaveCount(2);

  // Start from the second completion, then write over it in markdown.
  const editor = task.getByTestId("demonstration-editor");
  await task.getByRole("button", { name: "Start from completion 2" }).click();
  await expect(editor).toHaveValue("It is 12.");
  await editor.fill("");
  await editor.pressSequentially("7 + 5 = **12**\n\n- carry the one <b>x</b>");
  const preview = task.getByTestId("demonstration-preview");
  await expect(preview.locator("strong")).toHaveText("12");
  await expect(preview.locator("li")).toContainText("carry the one <b>x</b>");
  await expect(preview.locator("b")).toHaveCount(0);
  await expect(task.getByTestId("save-state")).toHaveAttribute("data-state", "saved", { timeout: 15_000 });
  const draft = app.db.select().from(demonstrations).where(eq(demonstrations.taskId, taskId)).get()!;
  expect(draft).toMatchObject({ status: "draft", text: "7 + 5 = **12**\n\n- carry the one <b>x</b>" });

  // A reload finds the draft.
  await page.reload();
  await expect(page.getByTestId("demonstration-editor")).toHaveValue("7 + 5 = **12**\n\n- carry the one <b>x</b>");
  await expect(page.getByTestId("demonstration-preview").locator("strong")).toHaveText("12");

  // Ctrl+Enter submits; nothing is left for this annotator.
  await page.getByTestId("demonstration-editor").press("Control+Enter");
  await expect(page.getByTestId("queue-done")).toBeVisible();
  await expect(page.getByTestId("flash")).toContainText("Demonstration submitted");
  expect(app.db.select().from(demonstrations).where(eq(demonstrations.taskId, taskId)).get()).toMatchObject({ status: "submitted", review: "pending" });

  // The admin exports it from the project page as TRL's conversational SFT rows.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, app.url, "admin@palate.local");
  await admin.waitForURL(/\/admin/);
  await admin.goto(`${app.url}/admin/projects/${projectId}`);
  // The project's statistics have a demonstrations section: one awaiting review, of one prompt.
  const demoStats = admin.getByTestId("demonstration-stats");
  await expect(demoStats.getByTestId("demonstrations-pending").locator("dd")).toHaveText("1");
  await expect(demoStats.getByTestId("demonstrations-accepted").locator("dd")).toHaveText("0");
  await expect(demoStats.getByTestId("demonstration-annotator-table")).toContainText("annotator1@palate.local");
  const panel = admin.getByTestId("export-panel");
  await panel.locator("select").first().selectOption("sft");
  const link = admin.getByTestId("export-link");
  await expect(link).toHaveAttribute("href", `/api/projects/${projectId}/export?format=sft`);
  const [download] = await Promise.all([admin.waitForEvent("download"), link.click()]);
  const rows = Buffer.concat(await (await download.createReadStream()).toArray())
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  expect(rows).toEqual([
    {
      messages: [
        { role: "system", content: "You are a maths tutor." },
        { role: "user", content: "What is 7 + 5?" },
        { role: "assistant", content: "7 + 5 = **12**\n\n- carry the one <b>x</b>" },
      ],
    },
  ]);
  // Only accepted ones: none yet, and the panel says so.
  await panel.getByTestId("export-only-accepted").check();
  await link.click();
  await expect(admin.getByTestId("export-error")).toContainText("no demonstrations to export");

  // The admin accepts it on the project's review page; the accepted-only export then has it.
  await admin.goto(`${app.url}/review/${projectId}`);
  const card = admin.getByTestId("demonstration-card");
  await expect(card.locator("strong")).toHaveText("12");
  await card.getByRole("button", { name: "Accept" }).click();
  await expect(card).toHaveAttribute("data-review", "accepted");
  expect(app.db.select().from(demonstrations).where(eq(demonstrations.taskId, taskId)).get()!.review).toBe("accepted");
  const accepted = await admin.request.get(`${app.url}/api/projects/${projectId}/export?format=sft&onlyAccepted=true`);
  expect(accepted.status()).toBe(200);
  expect((await accepted.text()).trim().split("\n")).toHaveLength(1);
  // The research project page's statistics count it as accepted, its prompt covered.
  await admin.goto(`${app.url}/research/projects/${projectId}`);
  await expect(admin.getByTestId("demonstrations-accepted").locator("dd")).toHaveText("1");
  await expect(admin.getByTestId("demonstrations-prompts").locator("dd").first()).toHaveText("1 / 1");
  await adminContext.close();
});
