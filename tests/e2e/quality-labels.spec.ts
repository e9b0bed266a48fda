// Issue 10: per-completion quality labels beside the ranking. The admin adds a required 1–7
// rating question on the project page; the annotator sees it on every card (desktop and phone),
// cannot submit until every card is rated, keeps the ratings across a reload, ranks and submits,
// then reopens the ranking and changes a rating; the researcher sees the ratings beside the ranking on the task page (in the annotator's letters)
// and the per-model summary on the project page. Screenshots are saved as test artifacts.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "@/tests/helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;

const TEXTS = ["Paris is the capital of France.", "Lyon.", "The capital of France is Berlin."];
const MODELS = ["sft-good", "sft-good", "sft-bad"];

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "quality labels", redundancy: 1, assignmentTimeoutSeconds: 600 }).id;
    insertTask(db, projectId, {
      messages: [{ role: "user", content: "What is the capital of France?" }],
      completions: TEXTS.map((text, i) => ({ text, model: MODELS[i] })),
    });
  });
});
test.afterAll(async () => {
  await app?.stop();
});

async function signedIn(browser: Browser, email: string, size = { width: 1366, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport: size })).newPage();
  await signIn(page, app.url, email);
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });

test("admin adds a rating question; the annotator rates and ranks; the researcher sees the ratings", async ({ browser }) => {
  // ---- The admin adds a required 1–7 rating question. ----
  const admin = await signedIn(browser, "admin@palate.local");
  await admin.goto(`${app.url}/admin/projects/${projectId}`);
  const form = admin.getByRole("form", { name: "Quality questions" });
  await expect(form).toContainText("No questions");
  await form.getByRole("button", { name: "Add a rating question" }).click();
  const row = form.getByTestId("question-row");
  await row.getByLabel("Key", { exact: true }).fill("quality");
  await row.getByLabel("Question", { exact: true }).fill("Overall quality");
  await row.getByLabel("Required").check();
  await row.getByLabel("Label of the low end").fill("useless");
  await row.getByLabel("Label of the high end").fill("excellent");
  // A bad scale is refused by the server, naming the field.
  await row.getByLabel("From", { exact: true }).fill("7");
  await form.getByRole("button", { name: "Save questions" }).click();
  await expect(form.getByRole("alert")).toContainText("questions.0.max: max must be above min");
  await row.getByLabel("From", { exact: true }).fill("1");
  await form.getByRole("button", { name: "Save questions" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  await admin.reload();
  await expect(admin.getByRole("form", { name: "Quality questions" }).getByLabel("Key")).toHaveValue("quality");
  await shot(admin, "admin-quality-questions");

  // ---- The annotator sees the question on each card. ----
  const annotator = await signedIn(browser, "annotator1@palate.local");
  await annotator.goto(`${app.url}/annotate/${projectId}`);
  const cards = annotator.getByTestId("completion-card");
  await expect(cards).toHaveCount(3);
  for (const card of await cards.all()) {
    const question = card.getByTestId("question-quality");
    await expect(question).toContainText("Overall quality");
    await expect(question.getByRole("button")).toHaveCount(7);
    await expect(question).toContainText("useless");
    await expect(question).toContainText("excellent");
  }
  const taskId = Number(await annotator.getByTestId("task").getAttribute("data-task-id"));
  const byLetter = async (letter: string) => annotator.locator(`[data-testid="completion-card"][data-letter="${letter}"]`);
  const textOf = async (letter: string) => (await (await byLetter(letter)).getByTestId("completion-text").innerText()).trim();

  // Rank: the card the annotator calls C goes first (keyboard: focus it, press 1).
  await (await byLetter("C")).getByTestId("completion-text").click();
  await annotator.keyboard.press("1");
  await expect(annotator.getByTestId("order-summary")).toHaveText("C > A > B");

  // Rated only A: submitting is blocked, and says which cards still need a rating.
  await (await byLetter("A")).getByTestId("rate-quality-6").click();
  await expect(annotator.getByTestId("submit-blocker")).toHaveText("Answer the required question: “Overall quality” for B, C (or mark none acceptable).");
  await expect(annotator.getByTestId("confirm-order")).toHaveCount(0); // the order was an act; only the ratings are missing
  await annotator.getByTestId("submit").click({ force: true }); // aria-disabled: it answers by saying why, louder
  await expect(annotator.getByTestId("submit-blocker")).toHaveAttribute("data-nudged", "true");

  // A digit on a focused rating row picks the rating and does not move the card.
  await (await byLetter("B")).getByTestId("rate-quality-1").focus();
  await annotator.keyboard.press("2");
  await expect((await byLetter("B")).getByTestId("rate-quality-2")).toHaveAttribute("aria-pressed", "true");
  await expect(annotator.getByTestId("order-summary")).toHaveText("C > A > B");

  // The ratings survive a reload (the draft), with the order.
  await annotator.reload();
  await expect(annotator.getByTestId("draft-restored")).toBeVisible();
  await expect(annotator.getByTestId("order-summary")).toHaveText("C > A > B");
  await expect((await byLetter("A")).getByTestId("rate-quality-6")).toHaveAttribute("aria-pressed", "true");
  await expect((await byLetter("B")).getByTestId("rate-quality-2")).toHaveAttribute("aria-pressed", "true");

  await (await byLetter("C")).getByTestId("rate-quality-7").click();
  await expect(annotator.getByTestId("submit-blocker")).toHaveCount(0);
  await shot(annotator, "annotator-rated-and-ranked");

  // The same task on a phone: the rating row fits the screen.
  const phone = await signedIn(browser, "annotator1@palate.local", { width: 390, height: 844 });
  await phone.goto(`${app.url}/annotate/${projectId}`);
  const phoneRow = phone.getByTestId("question-quality").first();
  await expect(phoneRow).toBeVisible();
  const box = await phoneRow.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(phone, "annotator-phone");
  await phone.context().close();

  const [textA, textB, textC] = [await textOf("A"), await textOf("B"), await textOf("C")];
  await annotator.getByTestId("submit").click();
  await expect(annotator.getByTestId("flash")).toHaveAttribute("data-kind", "ok");

  // ---- The annotator reopens the ranking: the ratings are on the cards; changing one is a change to save. ----
  await annotator.goto(`${app.url}/annotate/${projectId}?task=${taskId}`);
  await expect((await byLetter("C")).getByTestId("rate-quality-7")).toHaveAttribute("aria-pressed", "true");
  await expect(annotator.getByTestId("submit-blocker")).toContainText("Nothing changed yet");
  await (await byLetter("C")).getByTestId("rate-quality-5").click();
  await expect(annotator.getByTestId("submit-blocker")).toHaveCount(0);
  await annotator.getByTestId("submit").click();
  await annotator.waitForURL(/\/annotate\/submissions/);

  // ---- The researcher sees the ratings beside the ranking, in the annotator's letters, and the earlier version's. ----
  const researcher = await signedIn(browser, "researcher@palate.local");
  await researcher.goto(`${app.url}/research/tasks/${taskId}`);
  const ranking = researcher.locator('[data-testid="ranking-row"][data-annotator="annotator1@palate.local"]');
  await expect(ranking.getByTestId("ranking-order")).toHaveText("C > A > B");
  await expect(researcher.getByTestId("ranking-answers")).toHaveText("Quality labels: A: Overall quality 6; B: Overall quality 2; C: Overall quality 5");
  await expect(researcher.getByTestId("revision-answers")).toHaveText(" · labels: A: Overall quality 6; B: Overall quality 2; C: Overall quality 7");
  // The per-completion summary, in canonical letters (stored order), names the same texts.
  const summary = researcher.getByTestId("quality-labels-by-completion");
  const rating = { [textA]: "6.00 (n = 1)", [textB]: "2.00 (n = 1)", [textC]: "5.00 (n = 1)" };
  for (const [i, text] of TEXTS.entries()) {
    await expect(summary.getByTestId("summary-row").nth(i).locator('[data-question="quality"]')).toHaveText(rating[text]);
  }
  await shot(researcher, "researcher-task-quality-labels");

  // The project page: mean rating per model.
  await researcher.goto(`${app.url}/research/projects/${projectId}`);
  const byModel = researcher.getByTestId("quality-labels-by-model");
  const mean = (model: string) => byModel.locator(`[data-testid="summary-row"][data-group="${model}"] [data-question="quality"]`);
  const good = [textA, textB, textC].filter((t) => t !== TEXTS[2]).map((t) => Number(rating[t].slice(0, 4)));
  await expect(mean("sft-bad")).toHaveText(rating[TEXTS[2]]);
  await expect(mean("sft-good")).toContainText(`${((good[0] + good[1]) / 2).toFixed(2)} ±`);
  await shot(researcher, "researcher-project-quality-labels");
});
