// The admin's journey in the browser: create a user, create a project, edit its guidelines
// with a preview, import a small palate JSONL through the Import form (and see a bad file's
// line errors), see the tasks, and build an export link.
import { expect, test } from "@playwright/test";
import { startTestApp, type TestApp } from "../helpers/app";

let app: TestApp;

test.beforeAll(async () => {
  app = await startTestApp();
});
test.afterAll(async () => {
  await app?.stop();
});

const GOOD = [
  { prompt: "Name a primary colour.", completions: ["Red.", "Green is one.", "Blue."] },
  {
    messages: [
      { role: "user", content: "Say hi" },
      { role: "assistant", content: "Hi!" },
      { role: "user", content: "Say it louder" },
    ],
    completions: ["HI!", "hi", "Hello there."],
  },
]
  .map((row) => JSON.stringify(row))
  .join("\n");

const BAD = [JSON.stringify({ prompt: "ok", completions: ["a", "b"] }), "{not json", JSON.stringify({ prompt: "only one", completions: ["a"] })].join("\n");

test("an admin creates a user and a project, imports a file and sees its tasks", async ({ page }) => {
  await page.goto(`${app.url}/login`);
  await page.getByLabel("Email").fill("admin@palate.local");
  await page.getByLabel("Password").fill("demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/admin$/);

  // A new user, then disabled.
  await page.goto(`${app.url}/admin/users`);
  const createUser = page.getByRole("form", { name: "Create a user" });
  await createUser.getByLabel("Email").fill("new.annotator@palate.local");
  await createUser.getByLabel("Name").fill("New Annotator");
  await createUser.getByLabel("Role").selectOption("annotator");
  await createUser.getByLabel("Password").fill("secret-1");
  await createUser.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("status")).toHaveText("Created new.annotator@palate.local.");
  const row = page.getByTestId("user-new.annotator@palate.local");
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  // A duplicate is refused, naming the field.
  await createUser.getByLabel("Email").fill("annotator1@palate.local");
  await createUser.getByLabel("Name").fill("Twin");
  await createUser.getByLabel("Password").fill("secret-1");
  await createUser.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "email: already taken" })).toBeVisible();

  // A new project opens its page.
  await page.goto(`${app.url}/admin/projects`);
  const createProject = page.getByRole("form", { name: "Create a project" });
  await createProject.getByLabel("Name").fill("Colours and greetings");
  await createProject.getByLabel("Completions per task (K)").fill("3");
  await createProject.getByLabel("Annotators per task (R)").fill("2");
  await createProject.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(/\/admin\/projects\/\d+$/);
  await expect(page.getByTestId("project-name")).toHaveText("Colours and greetings");
  await expect(page.getByTestId("task-table")).toContainText("No tasks yet.");

  // Guidelines with a live preview, saved.
  const settings = page.getByRole("form", { name: "Project settings" });
  await settings.getByPlaceholder("Guidelines for annotators, in markdown").fill("# Be brief\n\nPrefer **short** answers.");
  await settings.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId("guidelines-preview").getByRole("heading", { name: "Be brief" })).toBeVisible();
  await expect(page.getByTestId("guidelines-preview").locator("strong")).toHaveText("short");
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings.getByRole("status")).toHaveText("Saved.");

  // A bad file imports nothing and names its lines.
  const importForm = page.getByRole("form", { name: "Import a file" });
  await expect(importForm.getByTestId("file-drop")).toContainText("Choose a file");
  await importForm.getByLabel("JSONL file").setInputFiles({ name: "bad.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(BAD) });
  // The picker names the chosen file and its size.
  await expect(importForm.getByTestId("file-drop-name")).toHaveText(`bad.jsonl (${Buffer.byteLength(BAD)} B)`);
  await importForm.screenshot({ path: test.info().outputPath("import-form-file-chosen.png") });
  await importForm.getByLabel("Format").selectOption("palate");
  await importForm.getByRole("button", { name: "Import" }).click();
  const errors = page.getByTestId("import-errors");
  await expect(errors).toContainText("Nothing was imported: 2 invalid lines.");
  await expect(errors).toContainText("line 2:");
  await expect(errors).toContainText("line 3:");
  await expect(page.getByTestId("task-table")).toContainText("No tasks yet.");

  // A good one imports and its tasks appear.
  await importForm.getByLabel("JSONL file").setInputFiles({ name: "good.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(GOOD) });
  await importForm.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-result")).toHaveText("Imported 2 tasks and 0 rankings.");
  const tasks = page.getByTestId("task-table");
  await expect(tasks).toContainText("Name a primary colour.");
  await expect(tasks).toContainText("Say it louder");
  await expect(tasks.locator("tbody tr")).toHaveCount(2);

  // The export link follows the chosen options.
  const exportPanel = page.getByTestId("export-panel");
  const link = page.getByTestId("export-link");
  await expect(link).toHaveAttribute("href", /\/export\?format=trl&pairs=all$/);
  await exportPanel.getByLabel("Pairs").selectOption("best-vs-rest");
  await exportPanel.getByLabel(/Include .none acceptable. rankings/).check();
  await expect(link).toHaveAttribute("href", /format=trl&pairs=best-vs-rest&includeNoneAcceptable=true$/);
  const href = (await link.getAttribute("href"))!;
  const download = await page.request.get(`${app.url}${href}`);
  expect(download.status()).toBe(409);
  // No rankings yet: the panel says so instead of downloading an empty file; changing an option clears it.
  await link.click();
  await expect(page.getByTestId("export-error")).toHaveText(
    'no rankings to export (format=trl, pairs=best-vs-rest, includeNoneAcceptable=true): project "Colours and greetings" has no rankings yet',
  );
  await exportPanel.screenshot({ path: test.info().outputPath("export-panel-nothing-to-export.png") });
  await exportPanel.getByLabel("Pairs").selectOption("adjacent");
  await expect(page.getByTestId("export-error")).toHaveCount(0);

  // The research view of a task shows its completions.
  await tasks.getByRole("link").first().click();
  await page.waitForURL(/\/research\/tasks\/\d+$/);
  await expect(page.getByTestId("completion-A")).toContainText("Red.");
  await expect(page.getByTestId("rankings-table")).toContainText("No rankings yet.");
});
