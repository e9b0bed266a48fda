// Issue 10: a researcher filters the project's task list by flag and searches it, at 1366×900.
// The state lives in the URL: paging keeps the filter, a reload keeps it, Back undoes the last
// change, and a bad value in the address is ignored with a notice (no error page).
import { expect, test, type Page } from "@playwright/test";
import { findUserByEmail } from "@/lib/users";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "@/tests/helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;
/** Task ids by index 0…29. Even tasks are flagged harmful, every third off topic; 7 and 22 mention zebras. */
const taskIds: number[] = [];

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "filters", redundancy: 1 }).id;
    const annotator = findUserByEmail(db, "annotator1@palate.local")!.id;
    for (let i = 0; i < 30; i++) {
      const animal = i === 7 || i === 22 ? "a zebra" : "a horse";
      const task = insertTask(db, projectId, {
        messages: [{ role: "user", content: `Question ${i}: describe an animal.` }],
        completions: [`It is ${animal}.`, `Answer ${i}.`, "I cannot say."].map((text) => ({ text, model: "sft" })),
      });
      taskIds.push(task.taskId);
      const flags = [
        ...(i % 2 === 0 ? [{ completionId: task.completionIds[2], flag: "harmful" as const }] : []),
        ...(i % 3 === 0 ? [{ completionId: task.completionIds[1], flag: "off_topic" as const }] : []),
      ];
      insertRanking(db, { taskId: task.taskId, userId: annotator, groups: task.completionIds.map((id) => [id]), flags });
    }
  });
});
test.afterAll(async () => {
  await app?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
const rowIds = async (page: Page) =>
  (await page.getByTestId("task-row").evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.taskId)))) as number[];
const ids = (indices: number[]) => indices.map((i) => taskIds[i]);
const range = (n: number, keep: (i: number) => boolean) => [...Array(n).keys()].filter(keep);

test("a researcher filters the task list by flag and searches it; the URL holds the state", async ({ browser }) => {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page, app.url, "researcher@palate.local");
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));

  const base = `${app.url}/research/projects/${projectId}`;
  await page.goto(base);
  const filters = page.getByRole("search", { name: "Filter tasks" });
  await expect(page.getByTestId("task-count")).toHaveText("30 tasks.");
  await expect(page.getByTestId("task-paging")).toContainText("1–30 of 30");

  // Filter by a flag: the menu applies at once and the URL says so.
  await filters.getByLabel("Flagged").selectOption("off_topic");
  await page.waitForURL(/\?flag=off_topic#tasks$/);
  await expect(page.getByTestId("task-count")).toHaveText("10 of 30 tasks match.");
  expect(await rowIds(page)).toEqual(ids(range(30, (i) => i % 3 === 0)));
  await expect(page.getByTestId("task-flags").first()).toHaveText("2"); // task 0: harmful and off topic
  await shot(page, "filtered-by-flag");

  // Search on top of the filter (Enter submits); the search reads completions.
  await filters.getByLabel("Search prompts and completions").fill("zebra");
  await filters.getByLabel("Search prompts and completions").press("Enter");
  await page.waitForURL(/\?q=zebra&flag=off_topic#tasks$/);
  await expect(page.getByTestId("task-count")).toHaveText("0 of 30 tasks match.");
  await expect(page.getByTestId("task-table")).toContainText("No tasks match these filters.");
  await filters.getByLabel("Flagged").selectOption("");
  await page.waitForURL(/\?q=zebra#tasks$/);
  expect(await rowIds(page)).toEqual(ids([7, 22]));
  await shot(page, "searched");

  // A reload keeps it; Back brings the previous list and its fields back.
  await page.reload();
  expect(await rowIds(page)).toEqual(ids([7, 22]));
  await expect(filters.getByLabel("Search prompts and completions")).toHaveValue("zebra");
  await page.goBack();
  await page.waitForURL(/\?q=zebra&flag=off_topic#tasks$/);
  await expect(page.getByTestId("task-count")).toHaveText("0 of 30 tasks match.");
  await expect(filters.getByLabel("Flagged")).toHaveValue("off_topic");

  // Paging keeps the filter, and the total counts only the matches.
  await page.goto(`${base}?flag=harmful&sort=newest&limit=10`);
  await expect(page.getByTestId("task-count")).toHaveText("15 of 30 tasks match.");
  await expect(page.getByTestId("task-paging")).toContainText("1–10 of 15");
  await expect(filters.getByLabel("Sort")).toHaveValue("newest");
  await page.getByTestId("task-paging").getByRole("link", { name: "Next" }).click();
  await page.waitForURL(/offset=10/);
  await expect(page.getByTestId("task-paging")).toContainText("11–15 of 15");
  expect(await rowIds(page)).toEqual(ids([8, 6, 4, 2, 0]));
  expect(new URL(page.url()).searchParams.get("flag")).toBe("harmful");

  // Clear drops every filter.
  await filters.getByRole("link", { name: "Clear" }).click();
  await page.waitForURL((url) => url.search === "");
  await expect(page.getByTestId("task-count")).toHaveText("30 tasks.");

  // A bad value in the address is named and ignored; the rest still applies.
  await page.goto(`${base}?offset=1.5&flag=harmful&sort=sideways`);
  const notice = page.getByTestId("task-filter-notice");
  await expect(notice).toContainText("offset must be a whole number from 0 to 1000000000");
  await expect(notice).toContainText("sort must be one of");
  await expect(page.getByTestId("task-count")).toHaveText("15 of 30 tasks match.");
  await shot(page, "bad-value-notice");
  await page.goto(`${base}?offset=1e300`);
  await expect(page.getByTestId("task-filter-notice")).toContainText("offset");
  await expect(page.getByTestId("task-paging")).toContainText("1–30 of 30");

  expect(errors).toEqual([]);
});
