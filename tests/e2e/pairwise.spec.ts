// Issue 12 acceptance 4 (pairwise): an admin switches a project to pairwise mode in its settings
// form; an annotator answers its pairs with the keyboard only (keys 1–5, Enter), the keyboard help
// lists those keys, and each ranking is stored with its strength.
import { expect, test } from "@playwright/test";
import { eq } from "drizzle-orm";
import { projects, rankings } from "@/db/schema";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Pairs", completionsPerTask: 2, redundancy: 1 }).id;
    for (const [q, x, y] of [
      ["What is 2 + 2?", "4", "5"],
      ["Name a colour.", "Blue.", "Seven."],
    ])
      insertTask(db, projectId, { messages: [{ role: "user", content: q }], completions: [{ text: x }, { text: y }] });
  });
});
test.afterAll(async () => {
  await app?.stop();
});

test("an admin turns pairwise mode on; an annotator answers with keys 1–5 and the strength is stored", async ({ page, browser }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL(/\/admin$/);
  await page.goto(`${app.url}/admin/projects/${projectId}`);
  const settings = page.getByRole("form", { name: "Project settings" });
  await settings.locator("select[name=mode]").selectOption("pairwise");
  await settings.getByRole("button", { name: "Save settings" }).click();
  await expect(settings.getByRole("status")).toContainText("Saved.");
  expect(app.db.select().from(projects).where(eq(projects.id, projectId)).get()!.mode).toBe("pairwise");

  const context = await browser.newContext();
  const annotator = await context.newPage();
  await signIn(annotator, app.url, "annotator1@palate.local");
  await annotator.waitForURL((url) => !url.pathname.startsWith("/login"));
  await annotator.goto(`${app.url}/annotate/${projectId}`);

  const task = annotator.locator("[data-testid=task][data-pairwise=true]");
  await expect(task).toBeVisible();
  await expect(task.getByTestId("pairwise-card")).toHaveCount(2);
  const help = annotator.locator("[data-testid=keyboard-help][data-pairwise=true]").first();
  await expect(help).toContainText("B much better");
  await expect(help).toContainText("Both bad");

  const answered: { taskId: number; a: number; b: number; strength: number; first: "a" | "b" }[] = [];
  for (const [keys, strength, first] of [
    [["2", "5"], 2, "b"], // changes its mind: B much better
    [["4", "1", "2"], 1, "a"], // A better
  ] as const) {
    await expect(task).toBeVisible();
    const taskId = Number(await task.getAttribute("data-task-id"));
    const cards = task.getByTestId("pairwise-card");
    const a = Number(await cards.nth(0).getAttribute("data-completion-id"));
    const b = Number(await cards.nth(1).getAttribute("data-completion-id"));
    for (const key of keys) await annotator.keyboard.press(key);
    await expect(task.getByRole("radio", { checked: true })).toHaveCount(1);
    await annotator.keyboard.press("Enter");
    await expect(annotator.getByTestId("flash")).toContainText("Submitted");
    answered.push({ taskId, a, b, strength, first });
    if (answered.length === 1) await expect(task).not.toHaveAttribute("data-task-id", String(taskId));
  }
  await expect(annotator.getByTestId("queue-done")).toBeVisible();

  for (const { taskId, a, b, strength, first } of answered) {
    const stored = app.db.select().from(rankings).where(eq(rankings.taskId, taskId)).get()!;
    expect(stored.strength).toBe(strength);
    expect(stored.noneAcceptable).toBe(false);
    expect(stored.groups).toEqual(first === "a" ? [[a], [b]] : [[b], [a]]);
  }
  await context.close();
});
