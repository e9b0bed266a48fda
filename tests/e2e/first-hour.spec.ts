// Issue 10 acceptance, the first hour as a whole, in Chromium at 1366×900 and on a 390×844 phone,
// on a fresh demo (`palate demo --no-serve`, as `npm run demo` seeds it):
//  1. every page each role can reach (the nav's and the app/ routes', found again from the links
//     on the pages) loads without a console error, an uncaught exception or a failed same-origin
//     request; the pages a role may not see answer a real 403 when visited on purpose; the
//     favicon is served. Each page's full-page screenshot is attached to the test's results.
//  2. the demo's first ten tasks, opened by an annotator on the ranking page (five per viewport),
//     show four different completion texts, none marked "same text as".
import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { asc, eq } from "drizzle-orm";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { completions, jobs, models, tasks } from "@/db/schema";
import { completionKey } from "@/lib/generation/distinct";
import { projectRoot } from "@/scripts/server";
import { Client } from "@/tests/helpers/app";
import { startFreshDemo, type FreshDemo } from "@/tests/helpers/fresh-demo";
import { PageHealth } from "./page-health";
import { signIn } from "./session";

const VIEWPORTS = [
  { label: "1366x900", viewport: { width: 1366, height: 900 }, phone: false },
  { label: "390x844", viewport: { width: 390, height: 844 }, phone: true },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

function newContext(browser: Browser, size: Viewport): Promise<BrowserContext> {
  return browser.newContext({ viewport: size.viewport, hasTouch: size.phone, isMobile: size.phone });
}

/** The demo's tasks, oldest first. */
function demoTaskIds(demo: FreshDemo): number[] {
  return demo.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(eq(tasks.projectId, demo.projectId))
    .orderBy(asc(tasks.id))
    .all()
    .map((t) => t.id);
}

/** A route pattern: numeric path segments become [id]; query and hash dropped. */
function routeOf(path: string): string {
  const pathname = new URL(path, "http://x").pathname.replace(/\/+$/, "") || "/";
  return pathname.replace(/\/\d+(?=\/|$)/g, "/[id]");
}

/** Every page route under app/ (dynamic segments as [id]), from the file tree. */
function appPageRoutes(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== "api" && !entry.name.startsWith("_")) walk(join(dir, entry.name));
      } else if (entry.name === "page.tsx") {
        const rel = relative(join(projectRoot, "app"), dir).split(sep).filter(Boolean);
        found.push(routeOf("/" + rel.map((s) => (/^\[.+\]$/.test(s) ? "1" : s)).join("/")));
      }
    }
  };
  walk(join(projectRoot, "app"));
  return found.sort();
}

interface Ids {
  project: number;
  task: number;
  rankedTask: number;
  model: number;
  job: number;
}

interface Visit {
  path: string;
  name: string;
  /** Expected status of the document: 403 for a page the role may not see, visited on purpose. */
  status?: 200 | 403;
  /** Something that shows once the page's own data has loaded. */
  ready?: (page: Page) => Promise<void>;
}

const researchPages = (ids: Ids): Visit[] => [
  { path: "/research", name: "research" },
  { path: `/research/projects/${ids.project}`, name: "research-project" },
  { path: `/research/projects/${ids.project}/train-rm`, name: "train-rm" },
  { path: `/research/projects/${ids.project}/ppo`, name: "ppo" },
  { path: `/research/projects/${ids.project}/grpo`, name: "grpo" },
  { path: `/research/projects/${ids.project}/dpo`, name: "dpo" },
  { path: `/research/projects/${ids.project}/sft`, name: "sft" },
  { path: `/research/projects/${ids.project}/best-of-n`, name: "best-of-n" },
  { path: `/research/projects/${ids.project}/disagreements`, name: "disagreements" },
  { path: `/research/projects/${ids.project}/quality`, name: "quality" },
  { path: `/research/projects/${ids.project}/leaderboard`, name: "leaderboard" },
  { path: "/review", name: "review" },
  { path: `/review/${ids.project}`, name: "review-queue" },
  { path: `/review/${ids.project}/${ids.task}`, name: "review-task" },
  { path: `/research/tasks/${ids.task}`, name: "task" },
  { path: "/research/models", name: "models" },
  { path: `/research/models/${ids.model}`, name: "model" },
  { path: "/research/jobs", name: "jobs" },
  { path: `/research/jobs/${ids.job}`, name: "job" },
];

const ROLES: { role: string; email: string; home: string; pages(ids: Ids): Visit[] }[] = [
  {
    role: "admin",
    email: "admin@palate.local",
    home: "/admin",
    pages: (ids) => [
      { path: "/admin", name: "admin" },
      { path: "/admin/users", name: "users" },
      { path: "/admin/projects", name: "projects" },
      {
        path: `/admin/projects/${ids.project}`,
        name: "admin-project",
        ready: async (page) => {
          await expect(page.getByRole("form", { name: "Import a file" })).toBeVisible();
          await expect(page.getByRole("heading", { name: "Export" })).toBeVisible();
        },
      },
      { path: `/admin/projects/${ids.project}/generate`, name: "generate" },
      ...researchPages(ids),
      { path: "/annotate", name: "annotate-403", status: 403 },
    ],
  },
  {
    role: "researcher",
    email: "researcher@palate.local",
    home: "/research",
    pages: (ids) => [
      ...researchPages(ids),
      { path: "/admin", name: "admin-403", status: 403 },
      { path: `/admin/projects/${ids.project}`, name: "admin-project-403", status: 403 },
      { path: "/annotate", name: "annotate-403", status: 403 },
    ],
  },
  {
    role: "annotator",
    email: "annotator1@palate.local",
    home: "/annotate",
    pages: (ids) => [
      { path: "/annotate", name: "queue" },
      {
        path: `/annotate/${ids.project}`,
        name: "ranking",
        ready: async (page) => {
          await expect(page.getByTestId("completion-card").first()).toBeVisible();
        },
      },
      { path: "/annotate/submissions", name: "submissions" },
      {
        path: `/annotate/${ids.project}?task=${ids.rankedTask}`,
        name: "edit-ranking",
        ready: async (page) => {
          await expect(page.getByTestId("task")).toHaveAttribute("data-mode", "edit");
        },
      },
      { path: "/admin", name: "admin-403", status: 403 },
      { path: "/research", name: "research-403", status: 403 },
      { path: "/review", name: "review-403", status: 403 },
    ],
  },
];

test.describe("every page, every role", () => {
  let demo: FreshDemo;
  let ids: Ids;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    demo = await startFreshDemo();
    const taskIds = demoTaskIds(demo);
    expect(taskIds.length).toBeGreaterThanOrEqual(8);
    const project = demo.projectId;
    // Rankings through the HTTP API, so the research pages have something to show: annotator2
    // ranks every task, annotator3 the first six in the opposite order (the queue hands out the
    // least-ranked, then oldest task), flagging one completion; annotator1 ranks one task and
    // skips another (their submissions page lists both, and the ranking can be edited).
    type Next = { task: { id: number; completions: { id: number }[] } };
    for (const [email, count, reversed] of [
      ["annotator2@palate.local", taskIds.length, false],
      ["annotator3@palate.local", 6, true],
    ] as const) {
      const client = await new Client(demo.url).signIn(email);
      for (let i = 0; i < count; i++) {
        const { body } = await client.call<Next>("POST", "/api/annotate/next", { projectId: project });
        const shown = body!.task.completions.map((c) => c.id);
        const order = reversed ? [...shown].reverse() : shown;
        const flags = i === 0 && reversed ? [{ completionId: order[0], flag: "factually_wrong" }] : [];
        await client.call("POST", `/api/tasks/${body!.task.id}/ranking`, { groups: order.map((id) => [id]), flags, secondsSpent: 20 }, [201]);
      }
    }
    const annotator1 = await new Client(demo.url).signIn("annotator1@palate.local");
    const next = async () => (await annotator1.call<Next>("POST", "/api/annotate/next", { projectId: project })).body!.task;
    const ranked = await next();
    await annotator1.call("POST", `/api/tasks/${ranked.id}/ranking`, { groups: [ranked.completions.map((c) => c.id)], comment: "all alike to me" }, [201]);
    const skipped = await next();
    await annotator1.call("POST", `/api/tasks/${skipped.id}/skip`, { reason: "not sure about this one" }, [200, 201]);

    const model = demo.db.select().from(models).all()[0];
    const job = demo.db.select().from(jobs).all()[0];
    expect(model, "the demo registers the default model").toBeDefined();
    expect(job, "the demo's generation job").toBeDefined();
    ids = { project, task: taskIds[0], rankedTask: ranked.id, model: model.id, job: job.id };
  });
  test.afterAll(async () => {
    await demo?.stop();
  });

  test("the pages visited cover every page route in app/", () => {
    const example: Ids = { project: 1, task: 1, rankedTask: 1, model: 1, job: 1 };
    const visited = new Set([
      "/",
      "/login",
      ...ROLES.flatMap((r) =>
        r
          .pages(example)
          .filter((v) => v.status !== 403)
          .map((v) => routeOf(v.path)),
      ),
    ]);
    expect(appPageRoutes().filter((r) => !visited.has(r))).toEqual([]);
  });

  test("/favicon.ico and the app icon are served", async ({ request }) => {
    const ico = await request.get(`${demo.url}/favicon.ico`);
    expect(ico.status()).toBe(200);
    expect(ico.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    expect((await ico.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // an ICO header
    const html = await (await request.get(`${demo.url}/login`)).text();
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(icon, "the pages link an icon").toBeTruthy();
    expect((await request.get(new URL(icon!, demo.url).href)).status()).toBe(200);
  });

  for (const role of ROLES) {
    for (const size of VIEWPORTS) {
      test(`${role.role} at ${size.label}: every page loads cleanly`, async ({ browser }, testInfo) => {
        test.setTimeout(240_000);
        const context = await newContext(browser, size);
        const page = await context.newPage();
        const health = new PageHealth(page, demo.url);
        const plan = role.pages(ids);
        const planned = new Set(plan.map((v) => routeOf(v.path)));
        const links = new Map<string, string>(); // route of a same-origin link → the page that showed it

        await health.visit("/login", testInfo, `${size.label}-${role.role}-00-login`);
        health.current = "sign-in";
        await signIn(page, demo.url, role.email);
        await page.waitForURL(new RegExp(`${role.home}$`));
        await health.visit("/", testInfo, `${size.label}-${role.role}-01-home`);
        expect(new URL(page.url()).pathname, "/ leads the role home").toBe(role.home);

        let n = 2;
        for (const visit of plan) {
          await health.visit(visit.path, testInfo, `${size.label}-${role.role}-${String(n++).padStart(2, "0")}-${visit.name}`, visit.status ?? 200);
          if (visit.status === 403) {
            await expect(page.getByRole("heading", { name: /403|forbidden|not allowed/i }).first()).toBeVisible();
            continue;
          }
          if (visit.ready) await visit.ready(page);
          for (const href of await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
            if (!href.startsWith(demo.url + "/")) continue;
            const route = routeOf(href.slice(demo.url.length));
            if (!route.startsWith("/api/") && !links.has(route)) links.set(route, visit.path);
          }
        }

        // Every page a link leads to was visited (or is /, /login).
        const unvisited = [...links]
          .filter(([route]) => !planned.has(route) && route !== "/" && route !== "/login")
          .map(([r, from]) => `${r} (linked from ${from})`);
        expect(unvisited, "pages linked but not visited").toEqual([]);
        expect(health.report()).toEqual([]);
        await context.close();
      });
    }
  }
});

test.describe("a fresh demo's first ten tasks", () => {
  let demo: FreshDemo;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    demo = await startFreshDemo();
  });
  test.afterAll(async () => {
    await demo?.stop();
  });

  test("have four different completions each, at both sizes", async ({ browser }, testInfo) => {
    test.setTimeout(240_000);
    expect(demo.seedOutput, "the demo samples its tasks from the default model").toMatch(/with \d+ tasks sampled from /);
    const firstTen = demoTaskIds(demo).slice(0, 10);
    expect(firstTen).toHaveLength(10);
    const seen: number[] = [];
    // One annotator: five tasks at 1366×900, then the next five on the phone (the queue hands out
    // the oldest unranked task first, so these are the first ten).
    for (const [i, size] of VIEWPORTS.entries()) {
      const context = await newContext(browser, size);
      const page = await context.newPage();
      const health = new PageHealth(page, demo.url);
      await signIn(page, demo.url, "annotator1@palate.local");
      await page.waitForURL(/\/annotate$/);
      await health.visit(`/annotate/${demo.projectId}`, testInfo, `${size.label}-task-${i * 5 + 1}`);
      for (let k = 0; k < 5; k++) {
        const task = page.getByTestId("task");
        await expect(page.getByTestId("completion-card")).toHaveCount(4);
        const taskId = Number(await task.getAttribute("data-task-id"));
        if (k > 0) await health.screenshot(testInfo, `${size.label}-task-${i * 5 + k + 1}`);
        seen.push(taskId);

        const shown = await page.getByTestId("completion-text").allInnerTexts();
        expect(shown, `task ${taskId}: four texts`).toHaveLength(4);
        expect(new Set(shown.map(completionKey)).size, `task ${taskId} shows a completion twice: ${JSON.stringify(shown)}`).toBe(4);
        await expect(page.getByTestId("same-text")).toHaveCount(0);
        // What the page shows is what the database holds for the task.
        const stored = demo.db.select({ text: completions.text }).from(completions).where(eq(completions.taskId, taskId)).all();
        expect(shown.map(completionKey).sort()).toEqual(stored.map((c) => completionKey(c.text)).sort());

        // Submit the order as shown (an explicit act), and on to the next task.
        const confirm = page.getByTestId("confirm-order");
        if (size.phone) await confirm.tap();
        else await confirm.click();
        await expect(task).toHaveAttribute("data-confirmed", "true");
        const submit = page.getByTestId("submit");
        if (size.phone) await submit.tap();
        else await submit.click();
        await expect(page.getByTestId("progress")).toHaveText(new RegExp(`^${i * 5 + k + 1} ranked`));
        await expect(task).not.toHaveAttribute("data-task-id", String(taskId));
      }
      expect(health.report()).toEqual([]);
      await context.close();
    }
    expect(seen).toEqual(firstTen);
  });
});
