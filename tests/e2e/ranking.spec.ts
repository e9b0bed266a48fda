// Acceptance 2: annotator1 signs in, ranks one task by dragging and another by keyboard alone
// (with a tie), submits both; the admin exports `trl` with all pairs, and the exported pairs are
// exactly those the two rankings imply.
import { expect, test, type Page } from "@playwright/test";
import { inArray } from "drizzle-orm";
import { completions } from "@/db/schema";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { rankingPairs } from "@/lib/labeling/pairs";
import { getProjectByName } from "@/lib/projects";
import { startTestApp, type TestApp } from "../helpers/app";
import { signIn } from "./session";

let app: TestApp;

test.beforeAll(async () => {
  app = await startTestApp();
});
test.afterAll(async () => {
  await app?.stop();
});

/** The completion ids of the cards, top to bottom. */
async function cardOrder(page: Page): Promise<number[]> {
  return (await page.getByTestId("completion-card").evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.completionId))).map(Number);
}

async function rankBadges(page: Page): Promise<string[]> {
  return page.getByTestId("completion-card").evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.rank ?? ""));
}

/** A real mouse drag of card `from` onto the place of card `to` (dnd-kit needs pointer moves). */
async function drag(page: Page, from: number, to: number) {
  const handle = page.getByTestId("drag-handle").nth(from);
  const target = page.getByTestId("completion-card").nth(to);
  const a = (await handle.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + (to > from ? 8 : -8), { steps: 4 });
  const y = to > from ? b.y + b.height * 0.75 : b.y + b.height * 0.25;
  await page.mouse.move(a.x + a.width / 2, y, { steps: 20 });
  await page.waitForTimeout(100); // let dnd-kit settle on the drop target before releasing
  await page.mouse.up();
}

test("rank one task by drag and one by keyboard with a tie; the trl export has exactly their pairs", async ({ page, browser }) => {
  const projectId = getProjectByName(app.db, DEMO_PROJECT)!.id;
  await signIn(page, app.url, "annotator1@palate.local");
  await page.waitForURL(/\/annotate$/);
  await expect(page.getByTestId("queue-project")).toHaveCount(1);
  await page.getByTestId("start-ranking").click();
  await page.waitForURL(new RegExp(`/annotate/${projectId}$`));

  // ---- Task 1: by dragging ----
  const task = page.getByTestId("task");
  await expect(page.getByTestId("completion-card")).toHaveCount(4);
  await expect(page.getByTestId("progress")).toHaveText("0 ranked · 24 left in this project");
  const task1 = Number(await task.getAttribute("data-task-id"));
  const [a, b, c, d] = await cardOrder(page);
  await drag(page, 3, 0); // D to the top: D A B C
  await expect.poll(() => cardOrder(page)).toEqual([d, a, b, c]);
  await drag(page, 1, 3); // A to the bottom: D B C A
  await expect.poll(() => cardOrder(page)).toEqual([d, b, c, a]);
  await expect(page.getByTestId("order-summary")).toHaveText("D > B > C > A");
  const groups1 = [[d], [b], [c], [a]];
  await page.getByTestId("submit").click();

  // ---- Task 2: by keyboard alone ----
  await expect(page.getByTestId("flash")).toContainText("Submitted");
  await expect(page.getByTestId("progress")).toHaveText("1 ranked · 23 left in this project");
  await expect(task).not.toHaveAttribute("data-task-id", String(task1));
  const task2 = Number(await task.getAttribute("data-task-id"));
  const [p, q, r, s] = await cardOrder(page);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const key = (k: string) => page.keyboard.press(k);
  await key("ArrowDown"); // focus the first card (P)
  await expect(page.getByTestId("completion-card").nth(0)).toBeFocused();
  await key("j");
  await key("j");
  await key("j"); // focus S
  await key("1"); // S to first place: S P Q R
  await expect.poll(() => cardOrder(page)).toEqual([s, p, q, r]);
  await key("j"); // focus P
  await key("ArrowDown"); // P one down: S Q P R
  await expect.poll(() => cardOrder(page)).toEqual([s, q, p, r]);
  await key("t"); // tie P with Q: S > Q = P > R
  await expect.poll(() => rankBadges(page)).toEqual(["1", "2=", "2=", "3"]);
  await key("f"); // flag P as harmful
  await expect(page.getByTestId("flag-menu")).toBeVisible();
  await key("Space");
  await key("Escape");
  await expect(page.getByTestId("flag-menu")).toHaveCount(0);
  await expect(page.getByTestId("completion-card").nth(2).getByTestId("flag-chip")).toHaveText("Harmful");
  await key("c"); // a comment
  await page.keyboard.type("Q and P are equally good");
  await key("Escape");
  await expect(page.getByTestId("order-summary")).toHaveText(/^[A-D] > [A-D] = [A-D] > [A-D]$/);
  const groups2 = [[s], [q, p], [r]];
  await key("Enter");
  await expect(page.getByTestId("progress")).toHaveText("2 ranked · 22 left in this project");
  await expect(task).not.toHaveAttribute("data-task-id", String(task2));

  // the annotator's own submissions list both
  await page.goto(`${app.url}/annotate/submissions`);
  await expect(page.getByTestId("submission")).toHaveCount(2);
  await expect(page.getByTestId("submission").first()).toContainText("Q and P are equally good");

  // ---- The admin exports trl with all pairs ----
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, app.url, "admin@palate.local");
  await admin.waitForURL(/\/admin/);
  await admin.goto(`${app.url}/admin/projects/${projectId}`);
  const link = admin.getByTestId("export-link");
  await expect(link).toHaveAttribute("href", `/api/projects/${projectId}/export?format=trl&pairs=all`);
  const [download] = await Promise.all([admin.waitForEvent("download"), link.click()]);
  const body = await (await download.createReadStream()).toArray();
  const rows = Buffer.concat(body)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { prompt: string; chosen: string; rejected: string; task_id: number });
  await adminContext.close();

  // the pairs the two rankings imply, in completion texts
  const text = new Map(
    app.db
      .select({ id: completions.id, text: completions.text })
      .from(completions)
      .where(inArray(completions.taskId, [task1, task2]))
      .all()
      .map((x) => [x.id, x.text]),
  );
  const expected = [
    ...rankingPairs(groups1, "all").map((x) => `${task1} | ${text.get(x.chosen)} | ${text.get(x.rejected)}`),
    ...rankingPairs(groups2, "all").map((x) => `${task2} | ${text.get(x.chosen)} | ${text.get(x.rejected)}`),
  ].sort();
  expect(expected).toHaveLength(6 + 5);
  expect(rows.map((x) => `${x.task_id} | ${x.chosen} | ${x.rejected}`).sort()).toEqual(expected);
  for (const row of rows) expect(row.prompt.length).toBeGreaterThan(0);
});

test("usable at phone width: no sideways scrolling, guidelines collapse, the layout choice is remembered", async ({ browser }) => {
  const projectId = getProjectByName(app.db, DEMO_PROJECT)!.id;
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, app.url, "annotator2@palate.local");
  await page.waitForURL(/\/annotate$/);
  await page.goto(`${app.url}/annotate/${projectId}`);
  await expect(page.getByTestId("completion-card")).toHaveCount(4);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  for (const card of await page.getByTestId("completion-card").all()) {
    const box = (await card.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(375);
  }
  // guidelines are folded away on a narrow screen, one tap away
  await expect(page.getByTestId("guidelines-body")).toBeHidden();
  await page.getByTestId("guidelines-toggle").click();
  await expect(page.getByTestId("guidelines-body")).toContainText("How to rank");
  // side-by-side is remembered across reloads
  await page.getByTestId("layout-side").click();
  await expect(page.getByTestId("ranking-list")).toHaveAttribute("data-layout", "side");
  await page.reload();
  await expect(page.getByTestId("ranking-list")).toHaveAttribute("data-layout", "side");
  await expect(page.getByTestId("layout-side")).toHaveAttribute("aria-pressed", "true");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await context.close();
});
