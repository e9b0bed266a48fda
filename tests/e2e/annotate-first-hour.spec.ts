// Issue 10, the annotator's first hour on the ranking page, at 1366×900 and on a 390×844 phone:
// identical completions are marked and tied; an untouched task cannot be submitted (no ranking
// is stored: checked through the API); a half-built ranking survives a reload; "Confirm this
// order" is the explicit way to submit the order as shown; the keyboard help is whole at 900 px
// and hidden on the phone, where the flag menu does not cover the next card; a submitted
// ranking is reopened from the submissions page, changed and saved as a new version. No console
// errors on the way. Screenshots are attached to the test's results.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { DEMO_GUIDELINES } from "@/lib/demo/seed";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "@/tests/helpers/app";
import { signIn } from "./session";

const PROJECT = "First hour: identical answers";
let app: TestApp;
let projectId: number;

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    const project = createProject(db, { name: PROJECT, guidelines: DEMO_GUIDELINES, completionsPerTask: 4, redundancy: 3 });
    projectId = project.id;
    for (const [country, capital, wrong] of [
      ["Peru", "Lima", "Cusco"],
      ["Chile", "Santiago", "Valparaíso"],
      ["Kenya", "Nairobi", "Mombasa"],
      ["Ghana", "Accra", "Kumasi"],
    ]) {
      insertTask(db, project.id, {
        messages: [{ role: "user", content: `What is the capital of ${country}?` }],
        // the first and third differ only in whitespace: identical for the page
        completions: [{ text: `${capital}.` }, { text: `The capital of ${country} is ${capital}.` }, { text: `  ${capital}.\n` }, { text: `${wrong}.` }],
      });
    }
  });
});
test.afterAll(async () => {
  await app?.stop();
});

const SIZES = [
  { label: "1366x900", viewport: { width: 1366, height: 900 }, phone: false, email: "annotator1@palate.local" },
  { label: "390x844", viewport: { width: 390, height: 844 }, phone: true, email: "annotator2@palate.local" },
];

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** The caller's ranking of a task as the API has it (null: none stored). */
async function storedRanking(page: Page, taskId: number): Promise<{ groups: number[][] } | null> {
  const res = await page.request.get(`${app.url}/api/tasks/${taskId}`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { ranking: { groups: number[][] } | null }).ranking;
}

async function cardLetters(page: Page): Promise<string[]> {
  return page.getByTestId("completion-card").evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset.letter ?? ""));
}

async function blur(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

for (const size of SIZES) {
  test(`the first hour at ${size.label}`, async ({ browser }, testInfo) => {
    const context = await browser.newContext({ viewport: size.viewport, hasTouch: size.phone, isMobile: size.phone });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (e) => errors.push(e.message));

    await signIn(page, app.url, size.email);
    await page.waitForURL(/\/annotate$/);
    await page.goto(`${app.url}/annotate/${projectId}`);
    const cards = page.getByTestId("completion-card");
    await expect(cards).toHaveCount(4);
    const task = page.getByTestId("task");
    const taskId = Number(await task.getAttribute("data-task-id"));

    // ---- Identical completions are marked, side by side, tied ----
    const marked = page.getByTestId("same-text");
    await expect(marked).toHaveCount(2);
    const twinLetters = await cards.evaluateAll((all) =>
      all.filter((c) => c.querySelector("[data-testid=same-text]")).map((c) => [(c as HTMLElement).dataset.letter, (c as HTMLElement).dataset.rank]),
    );
    const [[first, rankA], [second, rankB]] = twinLetters;
    await expect(marked.nth(0)).toHaveText(`same text as ${second}`);
    await expect(marked.nth(1)).toHaveText(`same text as ${first}`);
    expect(rankA).toMatch(/^\d=$/);
    expect(rankB).toBe(rankA);
    await expect(page.getByTestId("order-summary")).toContainText(`${first} = ${second}`);
    await expect(page.getByText("letters as you see them")).toBeVisible();
    await shot(page, testInfo, `${size.label}-1-identical`);

    // ---- An untouched task cannot be submitted ----
    const blocker = page.getByTestId("submit-blocker");
    await expect(blocker).toHaveText(/move, place or tie at least one completion, or press “Confirm this order”/i);
    // aria-disabled, not disabled: the press reaches the page, which says why instead of submitting
    await expect(page.getByTestId("submit")).toHaveAttribute("aria-disabled", "true");
    if (size.phone) await page.getByTestId("submit").tap({ force: true });
    else {
      await blur(page);
      await page.keyboard.press("Enter");
      await page.getByTestId("submit").click({ force: true });
    }
    await expect(blocker).toHaveAttribute("data-nudged", "true");
    await expect(blocker).toHaveAttribute("role", "alert");
    await expect(task).toHaveAttribute("data-task-id", String(taskId)); // still the same task
    expect(await storedRanking(page, taskId)).toBeNull();
    await expect(page.getByTestId("progress")).toHaveText("0 ranked · 4 left in this project");
    await shot(page, testInfo, `${size.label}-2-untouched`);

    // ---- Half-rank it: last card to the top, a flag, none acceptable, a comment ----
    await blur(page);
    await page.keyboard.press("ArrowDown"); // focus the first card
    await expect(cards.nth(0)).toBeFocused();
    for (let i = 0; i < 3; i++) await page.keyboard.press("j");
    await page.keyboard.press("1");
    await expect(blocker).toHaveCount(0);
    const summary = await page.getByTestId("order-summary").textContent();
    const flagged = cards.nth(1);
    const flaggedLetter = await flagged.getAttribute("data-letter");
    await flagged.getByTestId("flag-button").click();
    const menu = page.getByTestId("flag-menu");
    await expect(menu).toBeVisible();
    if (size.phone) {
      // the menu pushes the card's text down instead of covering the next card
      const menuBox = (await menu.boundingBox())!;
      const nextBox = (await cards.nth(2).boundingBox())!;
      expect(menuBox.y + menuBox.height).toBeLessThanOrEqual(nextBox.y);
      expect(menuBox.x + menuBox.width).toBeLessThanOrEqual(size.viewport.width);
      await shot(page, testInfo, `${size.label}-3-flag-menu`);
    }
    await page.getByTestId("flag-factually_wrong").check();
    await flagged.getByTestId("flag-button").click();
    await expect(menu).toHaveCount(0);
    await page.getByTestId("none-acceptable").check();
    await page.getByTestId("comment").fill("half done, back after lunch");
    const lettersBefore = await cardLetters(page);

    await page.reload();
    await expect(cards).toHaveCount(4);
    await expect(page.getByTestId("draft-restored")).toBeVisible();
    await expect(task).toHaveAttribute("data-task-id", String(taskId));
    await expect(page.getByTestId("order-summary")).toHaveText(summary!);
    expect(await cardLetters(page)).toEqual(lettersBefore);
    await expect(page.locator(`[data-testid=completion-card][data-letter="${flaggedLetter}"]`).getByTestId("flag-chip")).toHaveText("Factually wrong");
    await expect(page.getByTestId("none-acceptable")).toBeChecked();
    await expect(page.getByTestId("comment")).toHaveValue("half done, back after lunch");
    await expect(blocker).toHaveCount(0); // the move was kept as an act
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, testInfo, `${size.label}-4-restored`);

    // ---- Keyboard help: whole at 900 px; none on the phone ----
    if (size.phone) {
      for (const help of await page.getByTestId("keyboard-help").all()) await expect(help).toBeHidden();
      await expect(page.getByTestId("submit").locator("kbd")).toBeHidden();
    } else {
      const help = page.locator("[data-testid=keyboard-help]:visible");
      await expect(help).toHaveCount(1);
      for (const y of [0, 10_000]) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await expect(help.getByTestId("keyboard-help-last")).toBeInViewport({ ratio: 1 });
        const box = (await help.boundingBox())!;
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height).toBeLessThanOrEqual(size.viewport.height);
      }
      await expect(help.getByTestId("keyboard-help-row")).toHaveCount(12); // every row of the key table but the edit page's Enter
      await page.evaluate(() => window.scrollTo(0, 0));
    }

    // ---- Submit; the draft is gone ----
    if (size.phone) await page.getByTestId("submit").tap();
    else {
      await blur(page);
      await page.keyboard.press("Enter");
    }
    await expect(page.getByTestId("flash")).toContainText("Submitted");
    await expect(page.getByTestId("progress")).toHaveText("1 ranked · 3 left in this project");
    const saved = await storedRanking(page, taskId);
    expect(saved).not.toBeNull();
    const own = (await (await page.request.get(`${app.url}/api/tasks/${taskId}/ranking`)).json()) as { task: { completions: { id: number; text: string }[] } };
    const spaced = own.task.completions.find((c) => c.text.startsWith(" "))!;
    const twins = own.task.completions.filter((c) => c.text.trim() === spaced.text.trim()).map((c) => c.id);
    expect(twins).toHaveLength(2);
    expect(saved!.groups.some((g) => twins.every((id) => g.includes(id)))).toBe(true); // stored tied
    expect(await page.evaluate(() => Object.keys(window.localStorage).filter((k) => k.startsWith("palate.rankingDraft.")))).toEqual([]);

    // ---- The next task, submitted as shown after "Confirm this order" ----
    await expect(task).not.toHaveAttribute("data-task-id", String(taskId));
    const task2 = Number(await task.getAttribute("data-task-id"));
    if (size.phone) await page.getByTestId("confirm-order").tap();
    else {
      await blur(page);
      await page.keyboard.press("o");
    }
    await expect(page.getByTestId("confirm-order")).toHaveText(/Order confirmed/);
    await expect(blocker).toHaveCount(0);
    await page.getByTestId("submit").click();
    await expect(page.getByTestId("progress")).toHaveText("2 ranked · 2 left in this project");
    expect(await storedRanking(page, task2)).not.toBeNull();

    // ---- Reopen the first ranking from the submissions page, change it, save ----
    await page.goto(`${app.url}/annotate/submissions`);
    await page.locator(`[data-testid=submission][data-task-id="${taskId}"]`).getByTestId("edit-ranking").click();
    await page.waitForURL(new RegExp(`/annotate/${projectId}\\?task=${taskId}$`));
    await expect(page.getByTestId("task")).toHaveAttribute("data-mode", "edit");
    await expect(page.getByTestId("order-summary")).toHaveText(summary!);
    await expect(page.locator(`[data-testid=completion-card][data-letter="${flaggedLetter}"]`).getByTestId("flag-chip")).toHaveText("Factually wrong");
    await expect(page.getByTestId("comment")).toHaveValue("half done, back after lunch");
    await expect(blocker).toHaveText(/Nothing changed yet/);
    await page.getByTestId("none-acceptable").uncheck();
    await blur(page);
    await page.keyboard.press("ArrowDown"); // focus the top card and move it one down
    await page.keyboard.press("ArrowDown");
    const edited = await page.getByTestId("order-summary").textContent();
    expect(edited).not.toBe(summary);
    await shot(page, testInfo, `${size.label}-5-edit`);
    await page.getByTestId("submit").click();
    await page.waitForURL(/\/annotate\/submissions$/);
    const after = (await (await page.request.get(`${app.url}/api/tasks/${taskId}/ranking`)).json()) as {
      ranking: { version: number; noneAcceptable: boolean };
    };
    expect(after.ranking.version).toBe(2);
    expect(after.ranking.noneAcceptable).toBe(false);
    await shot(page, testInfo, `${size.label}-6-submissions`);

    expect(errors).toEqual([]);
    await context.close();
  });
}
