// A reviewer resolves a task in the browser (issue 12): two annotators ranked a task in opposite
// orders, so it waits in the project's review queue; the reviewer opens it from /review, sees
// both rankings, sets the final ranking with the place pickers, and the queue shows it reviewed;
// the decision is stored with the completions in the order chosen.
import { asc, eq } from "drizzle-orm";
import { expect, test } from "@playwright/test";
import { completions, taskReviews, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { DEMO_PASSWORD } from "@/lib/demo/seed";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;
let taskId: number;
let ids: number[];

test.beforeAll(async () => {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "Contested", completionsPerTask: 3, redundancy: 2 }).id;
    const task = insertTask(db, projectId, {
      messages: [{ role: "user", content: "Which planet is largest?" }],
      completions: [{ text: "Jupiter." }, { text: "Saturn." }, { text: "Mars." }],
    });
    taskId = task.taskId;
    ids = db
      .select({ id: completions.id })
      .from(completions)
      .where(eq(completions.taskId, taskId))
      .orderBy(asc(completions.position))
      .all()
      .map((c) => c.id);
    const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
    insertRanking(db, { taskId, userId: uid("annotator1@palate.local"), groups: ids.map((id) => [id]) });
    insertRanking(db, { taskId, userId: uid("annotator2@palate.local"), groups: [...ids].reverse().map((id) => [id]) });
    db.insert(users).values({ email: "reviewer@palate.local", name: "Rae Viewer", role: "reviewer", passwordHash }).run();
  });
});
test.afterAll(async () => {
  await app?.stop();
});

test("a reviewer sets the final ranking of a contested task", async ({ page }) => {
  await signIn(page, app.url, "reviewer@palate.local");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${app.url}/review`);
  await page.getByRole("link", { name: "Contested" }).click();
  const row = page.locator(`[data-testid=review-row][data-task-id="${taskId}"]`);
  await expect(row).toHaveAttribute("data-state", "open");
  await row.getByRole("link", { name: `#${taskId}` }).click();

  await expect(page.getByRole("heading", { name: `Review task #${taskId}` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Rankings (2)" })).toBeVisible();
  const form = page.getByTestId("review-form");
  // The canonical letters follow the completions' positions: A Jupiter, B Saturn, C Mars.
  await expect(form.getByText("Jupiter.")).toBeVisible();
  await form.getByLabel("Place of A").selectOption("1");
  await form.getByLabel("Place of B").selectOption("2");
  await form.getByLabel("Place of C").selectOption("3");
  await expect(form.getByTestId("final-order")).toHaveText("A > B > C");
  await form.getByRole("button", { name: "Set final ranking" }).click();
  await expect(form.getByRole("status")).toHaveText("Final ranking saved.");
  await expect(page.getByTestId("review-history")).toContainText("reviewer@palate.local");

  const decision = app.db.select().from(taskReviews).where(eq(taskReviews.taskId, taskId)).get();
  expect(decision?.action).toBe("final");
  expect(decision?.groups).toEqual(ids.map((id) => [id]));

  await page.goto(`${app.url}/review/${projectId}`);
  await expect(page.locator(`[data-testid=review-row][data-task-id="${taskId}"]`)).toHaveAttribute("data-state", "reviewed");
});

// After the test above (its final ranking is what "reviewed" exports).
test("the admin exports the reviewed rankings from the project page's Export panel", async ({ page }) => {
  await signIn(page, app.url, "admin@palate.local");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${app.url}/admin/projects/${projectId}`);
  const panel = page.getByTestId("export-panel");
  const link = panel.getByTestId("export-link");
  // Every annotator's rankings by default: the two opposite orders give 6 pairs.
  const every = await page.request.get(new URL((await link.getAttribute("href"))!, app.url).href);
  expect((await every.text()).trim().split("\n")).toHaveLength(6);
  await panel.getByTestId("export-rankings").selectOption("reviewed");
  await expect(link).toHaveAttribute("href", /rankings=reviewed/);
  const reviewed = await page.request.get(new URL((await link.getAttribute("href"))!, app.url).href);
  const rows = (await reviewed.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { chosen: string; rejected: string });
  // The reviewer's final ranking (Jupiter > Saturn > Mars) alone.
  expect(rows.map((r) => `${r.chosen} > ${r.rejected}`).sort()).toEqual(["Jupiter. > Mars.", "Jupiter. > Saturn.", "Saturn. > Mars."]);
});
