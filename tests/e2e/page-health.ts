// What a page did wrong while a spec looked at it: console errors, uncaught exceptions, and
// same-origin requests that failed (HTTP >= 400 or a network error), except those the spec
// expects (a 403 page visited on purpose). Also a settled, full-page screenshot attached to the
// test's results.
import { expect, type Page, type Response, type TestInfo } from "@playwright/test";

export interface Problem {
  page: string;
  kind: "console" | "pageerror" | "http" | "requestfailed";
  detail: string;
}

/** Watches `page` from now on; `problems` grows as things go wrong; `current` names the page being visited. */
export class PageHealth {
  readonly problems: Problem[] = [];
  current = "(start)";
  /** URLs (path + query) whose HTTP error status is expected right now, with that status. */
  private expected = new Map<string, number>();

  constructor(
    private readonly page: Page,
    private readonly origin: string,
  ) {
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      const where = m.location().url;
      // Chromium's own line for an expected error response (the deliberate 403 page).
      const failed = /^Failed to load resource: the server responded with a status of (\d+)/.exec(m.text());
      if (failed && this.isExpected(where, Number(failed[1]))) return;
      this.problems.push({ page: this.current, kind: "console", detail: `${m.text()}${where ? ` (${where})` : ""}` });
    });
    page.on("pageerror", (e) => this.problems.push({ page: this.current, kind: "pageerror", detail: `${e.name}: ${e.message}` }));
    page.on("response", (r) => this.onResponse(r));
    page.on("requestfailed", (r) => {
      if (!this.sameOrigin(r.url())) return;
      const failure = r.failure()?.errorText ?? "failed";
      // A navigation or a client-side transition cancels requests in flight: not a fault.
      if (failure === "net::ERR_ABORTED") return;
      this.problems.push({ page: this.current, kind: "requestfailed", detail: `${r.method()} ${this.path(r.url())}: ${failure}` });
    });
  }

  private sameOrigin(url: string): boolean {
    return url.startsWith(this.origin + "/") || url === this.origin;
  }

  private path(url: string): string {
    const u = new URL(url);
    return u.pathname + u.search;
  }

  private isExpected(url: string, status: number): boolean {
    return !!url && this.sameOrigin(url) && this.expected.get(this.path(url)) === status;
  }

  private onResponse(r: Response) {
    if (!this.sameOrigin(r.url()) || r.status() < 400) return;
    if (this.isExpected(r.url(), r.status())) return;
    this.problems.push({ page: this.current, kind: "http", detail: `${r.request().method()} ${this.path(r.url())} → ${r.status()}` });
  }

  /**
   * Opens `path`, checks the document's status (200 unless `status` says which error is
   * expected: that one response is then not a problem), waits until the network is quiet, and
   * attaches a full-page screenshot named `shot`.
   */
  async visit(path: string, testInfo: TestInfo, shot: string, status = 200): Promise<void> {
    this.current = path;
    if (status !== 200) this.expected.set(path, status);
    try {
      const res = await this.page.goto(this.origin + path, { waitUntil: "load" });
      expect(res, `no response for ${path}`).not.toBeNull();
      expect(res!.status(), `status of ${path}`).toBe(status);
      await this.settle();
      await this.screenshot(testInfo, shot);
    } finally {
      this.expected.delete(path);
    }
  }

  /** Waits until the page has had no network traffic for half a second and fonts are ready. */
  async settle(): Promise<void> {
    await this.page.waitForLoadState("networkidle");
    await this.page.evaluate(() => document.fonts.ready.then(() => undefined));
  }

  async screenshot(testInfo: TestInfo, name: string): Promise<void> {
    const path = testInfo.outputPath(`${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    await testInfo.attach(name, { path, contentType: "image/png" });
  }

  /** The problems as readable lines, for an assertion message. */
  report(): string[] {
    return this.problems.map((p) => `${p.page}: [${p.kind}] ${p.detail}`);
  }
}
