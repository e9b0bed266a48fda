// Issue 10, acceptance: the researcher's view of a ranking names the same completion the
// annotator flagged (letters as that annotator saw them, with the canonical letters one click
// away), and an edited ranking replaces the old one in the export while the old one stays in the
// audit trail. The annotator's letters are read off the real ranking page; the ranking and its
// edit go through the same API the page uses, as the annotator (their browser session).
import { expect, test, type Browser, type Page } from "@playwright/test";
import { createProject } from "@/lib/projects";
import { insertTask } from "@/lib/tasks";
import { startTestApp, type TestApp } from "@/tests/helpers/app";
import { signIn } from "./session";

let app: TestApp;
let projectId: number;

const TEXTS = ["Paris is the capital of France.", "Lyon.", "The capital of France is Berlin.", "It is Paris, on the Seine."];

test.beforeAll(async () => {
  app = await startTestApp((db) => {
    projectId = createProject(db, { name: "letters", redundancy: 2, assignmentTimeoutSeconds: 600 }).id;
    insertTask(db, projectId, { messages: [{ role: "user", content: "What is the capital of France?" }], completions: TEXTS.map((text) => ({ text })) });
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

test("the researcher's view names the completion the annotator flagged; an edit replaces the export row and keeps the old version in the audit", async ({
  browser,
}) => {
  // ---- The annotator sees the task in their shuffled order, letters A–D. ----
  const annotator = await signedIn(browser, "annotator1@palate.local");
  await annotator.goto(`${app.url}/annotate/${projectId}`);
  const cards = annotator.getByTestId("completion-card");
  await expect(cards).toHaveCount(4);
  const taskId = Number(await annotator.getByTestId("task").getAttribute("data-task-id"));
  const seen = await cards.evaluateAll((els) =>
    els.map((e) => ({ id: Number((e as HTMLElement).dataset.completionId), letter: (e as HTMLElement).dataset.letter! })),
  );
  const shown = (await (await annotator.request.get(`${app.url}/api/tasks/${taskId}`)).json()).task.completions as { id: number; text: string }[];
  const text = (id: number) => shown.find((c) => c.id === id)!.text;
  /** The completion's stored position (TEXTS is in stored order): its canonical letter's index. */
  const canonicalIndex = (id: number) => TEXTS.indexOf(text(id));
  expect(seen.map((s) => s.letter)).toEqual(["A", "B", "C", "D"]);
  await shot(annotator, "annotator-ranking-page");

  // Flag the completion the annotator calls B; rank D = A > C > B (in their letters).
  const [A, B, C, D] = seen.map((s) => s.id);
  const flagged = B;
  const submit = await annotator.request.post(`${app.url}/api/tasks/${taskId}/ranking`, {
    data: { groups: [[D, A], [C], [B]], flags: [{ completionId: flagged, flag: "factually_wrong" }], comment: "B names the wrong city" },
  });
  expect(submit.status()).toBe(201);

  // The annotator's submissions page names it the same way.
  await annotator.goto(`${app.url}/annotate/submissions`);
  const mine = annotator.getByTestId("submission").first();
  await expect(mine.getByTestId("submission-order")).toHaveText("D = A > C > B");
  await expect(mine.getByTestId("submission-flag")).toHaveText(`factually wrong B “${text(flagged)}”`);
  await expect(mine.getByTestId("edit-ranking")).toHaveAttribute("href", `/annotate/${projectId}?task=${taskId}`);
  await shot(annotator, "annotator-submissions");

  // ---- The researcher sees the ranking in annotator1's letters, and the same completion flagged. ----
  const researcher = await signedIn(browser, "researcher@palate.local");
  await researcher.goto(`${app.url}/research/tasks/${taskId}`);
  const row = researcher.locator('[data-testid="ranking-row"][data-annotator="annotator1@palate.local"]');
  await expect(row.getByTestId("ranking-letters")).toContainText("letters as annotator1@palate.local saw them");
  await expect(row.getByTestId("ranking-order")).toHaveText("D = A > C > B");
  await expect(row.getByTestId("ranking-flags")).toHaveText(`B “${text(flagged)}”: factually wrong`);
  await shot(researcher, "researcher-annotator-letters");

  // Canonical letters: the flag names the card that shows the flagged text.
  await researcher
    .getByTestId("letters-toggle")
    .getByRole("link", { name: /canonical/ })
    .click();
  await researcher.waitForURL(/letters=canonical/);
  const canonicalLetter = String.fromCharCode(65 + canonicalIndex(flagged));
  await expect(row.getByTestId("ranking-letters")).toContainText("canonical letters");
  await expect(row.getByTestId("ranking-flags")).toHaveText(`${canonicalLetter} “${text(flagged)}”: factually wrong`);
  await expect(researcher.getByTestId(`completion-${canonicalLetter}`)).toContainText(text(flagged));
  await shot(researcher, "researcher-canonical-letters");

  // ---- The annotator edits: B moves to the top, the flag is withdrawn. ----
  const edit = await annotator.request.put(`${app.url}/api/tasks/${taskId}/ranking`, { data: { groups: [[B], [D], [A, C]], comment: "on second thought" } });
  expect(edit.status()).toBe(200);
  expect((await edit.json()).ranking).toMatchObject({ version: 2, groups: [[B], [D], [A, C]], flags: [] });

  // The export has the new version only.
  const admin = await signedIn(browser, "admin@palate.local");
  const exported = await admin.request.get(`${app.url}/api/projects/${projectId}/export?format=rankings`);
  expect(exported.status()).toBe(200);
  const rows = (await exported.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ task_id: taskId, groups: [[B], [D], [A, C]], flags: [], comment: "on second thought" });

  // The researcher's page shows the current version, and the old one in the audit, both in annotator1's letters.
  await researcher.goto(`${app.url}/research/tasks/${taskId}`);
  await expect(row.getByTestId("ranking-order")).toHaveText("B > D > A = C");
  await expect(row.getByTestId("ranking-version")).toHaveText("v2, edited");
  await expect(row.getByTestId("ranking-flags")).toHaveText("—");
  const audit = researcher.getByTestId("ranking-revision");
  await expect(audit).toHaveCount(1);
  await expect(audit.first()).toHaveAttribute("data-version", "1");
  await expect(audit.first()).toContainText("D = A > C > B");
  await expect(audit.first()).toContainText(`B “${text(flagged)}”: factually wrong`);
  await expect(audit.first()).toContainText("“B names the wrong city”");
  await shot(researcher, "researcher-audit");

  // On a phone, the submissions page still names the edit.
  const phone = await signedIn(browser, "annotator1@palate.local", { width: 390, height: 844 });
  await phone.goto(`${app.url}/annotate/submissions`);
  await expect(phone.getByTestId("submission").first().getByTestId("submission-order")).toHaveText("B > D > A = C");
  await expect(phone.getByTestId("submission").first()).toContainText("version 2");
  await shot(phone, "annotator-submissions-phone");
});
