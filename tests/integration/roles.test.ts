// The role matrix (acceptance 6): every page and every route handler of app/, found by walking
// the directory tree at test time, × each role (anonymous, annotator, researcher, admin) × each
// method the route exports. Pages: anonymous → 307 to /login, wrong role → 403, allowed → 200.
// Routes: anonymous → 401, wrong role → 403, allowed → anything but 401/403/5xx (writes carry
// harmless, invalid bodies, so "allowed" is usually a 400 naming the field).
// A page or route that is not listed here fails the test, so none can be forgotten.
// Then: an annotator guessing ids never reads another annotator's rankings or a task that is
// not assigned to them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignments, demonstrations, projects, rankings, tasks, users } from "@/db/schema";
import { createSnapshot } from "@/lib/datasets/snapshot";
import { DEMO_PROJECT } from "@/lib/demo/seed";
import { requestAssignment } from "@/lib/labeling/assignment-store";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { enqueueClaimedJob, enqueueJob, finishJob, getJob, requestCancel } from "@/lib/jobs/queue";
import { registerModel } from "@/lib/models/registry";
import { projectRoot } from "@/scripts/server";
import { Client, startTestApp, type TestApp } from "../helpers/app";

type Who = "anonymous" | "annotator" | "researcher" | "admin";
const SIGNED_IN: Exclude<Who, "anonymous">[] = ["annotator", "researcher", "admin"];
const EVERYONE: Who[] = ["anonymous", ...SIGNED_IN];
const EMAIL: Record<Exclude<Who, "anonymous">, string> = {
  annotator: "annotator1@palate.local",
  researcher: "researcher@palate.local",
  admin: "admin@palate.local",
};

const ADMIN = ["admin"] as const;
const STAFF = ["admin", "researcher"] as const;
const ANNOTATOR = ["annotator"] as const;
const ANYONE = ["admin", "researcher", "annotator"] as const;
type Allowed = readonly Exclude<Who, "anonymous">[];

/** Ids from the seeded database that dynamic segments are replaced with. */
interface Ids {
  project: number;
  /** A task assigned to annotator1 (so annotator1 may read it). */
  task: number;
  /** A user other than the admin (PATCHes to it carry invalid bodies anyway). */
  user: number;
  /** annotator1's ranking. */
  ranking: number;
  /** The task of annotator1's ranking. */
  rankedTask: number;
  /** A queued job (never run: no worker here). */
  job: number;
  /** A finished best-of-n job with its kept answers, for the download route. */
  bestOfNJob: number;
  /** A registered reward model of the project (with the metadata a train-rm job writes). */
  rewardModel: number;
}

interface PageSpec {
  kind: "page";
  /** Who gets 200; "public" = /login (anonymous 200, signed in → redirect home); "home" = / (everyone redirected). */
  allowed: Allowed | "public" | "home";
  path: (ids: Ids) => string;
}

interface MethodSpec {
  allowed: Allowed;
  /** Path with query, when it differs from the default. */
  path?: (ids: Ids) => string;
  /** A JSON body for writes: harmless (invalid, or a no-op). */
  body?: unknown;
  /** A raw body instead of JSON. */
  raw?: string;
}

interface RouteSpec {
  kind: "route";
  path: (ids: Ids) => string;
  methods: Record<string, MethodSpec>;
}

const PROBE = { matrixProbe: true };

/** Every page and route handler under app/, keyed by its URL template. */
const MATRIX: Record<string, PageSpec | RouteSpec | "exempt"> = {
  // Pages
  "/": { kind: "page", allowed: "home", path: () => "/" },
  "/login": { kind: "page", allowed: "public", path: () => "/login" },
  "/admin": { kind: "page", allowed: ADMIN, path: () => "/admin" },
  "/admin/users": { kind: "page", allowed: ADMIN, path: () => "/admin/users" },
  "/admin/projects": { kind: "page", allowed: ADMIN, path: () => "/admin/projects" },
  "/admin/projects/[id]": { kind: "page", allowed: ADMIN, path: (ids) => `/admin/projects/${ids.project}` },
  "/research": { kind: "page", allowed: STAFF, path: () => "/research" },
  "/research/projects/[id]": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}` },
  "/research/tasks/[id]": { kind: "page", allowed: STAFF, path: (ids) => `/research/tasks/${ids.task}` },
  "/research/projects/[id]/train-rm": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/train-rm` },
  "/research/projects/[id]/ppo": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/ppo` },
  "/research/projects/[id]/grpo": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/grpo` },
  "/research/projects/[id]/dpo": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/dpo` },
  "/research/projects/[id]/sft": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/sft` },
  "/research/projects/[id]/best-of-n": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/best-of-n` },
  "/research/projects/[id]/quality": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/quality` },
  // Review pages: reviewers (a role annotators are given; see the gold-review HTTP test), researchers, admins.
  "/review": { kind: "page", allowed: STAFF, path: () => "/review" },
  "/review/[projectId]": { kind: "page", allowed: STAFF, path: (ids) => `/review/${ids.project}` },
  "/review/[projectId]/[taskId]": { kind: "page", allowed: STAFF, path: (ids) => `/review/${ids.project}/${ids.rankedTask}` },
  "/research/projects/[id]/leaderboard": { kind: "page", allowed: STAFF, path: (ids) => `/research/projects/${ids.project}/leaderboard` },
  "/research/projects/[id]/disagreements": {
    kind: "page",
    allowed: STAFF,
    path: (ids) => `/research/projects/${ids.project}/disagreements?model=${ids.rewardModel}`,
  },
  "/admin/projects/[id]/generate": { kind: "page", allowed: ADMIN, path: (ids) => `/admin/projects/${ids.project}/generate` },
  "/research/models": { kind: "page", allowed: STAFF, path: () => "/research/models" },
  "/research/models/[id]": { kind: "page", allowed: STAFF, path: (ids) => `/research/models/${ids.rewardModel}` },
  "/research/jobs": { kind: "page", allowed: STAFF, path: () => "/research/jobs" },
  "/research/jobs/[id]": { kind: "page", allowed: STAFF, path: (ids) => `/research/jobs/${ids.job}` },
  "/annotate": { kind: "page", allowed: ANNOTATOR, path: () => "/annotate" },
  "/annotate/[projectId]": { kind: "page", allowed: ANNOTATOR, path: (ids) => `/annotate/${ids.project}` },
  "/annotate/submissions": { kind: "page", allowed: ANNOTATOR, path: () => "/annotate/submissions" },

  // Route handlers
  "/api/auth/[...nextauth]": "exempt",
  // Answers 413/411 to every method and role: where next.config.js rewrites bodies that must not be read (tests/integration/security).
  "/api/refused/[reason]": "exempt",
  "/api/users": {
    kind: "route",
    path: () => "/api/users",
    methods: { GET: { allowed: ADMIN }, POST: { allowed: ADMIN, body: PROBE } },
  },
  "/api/users/[id]": {
    kind: "route",
    path: (ids) => `/api/users/${ids.user}`,
    methods: { GET: { allowed: ADMIN }, PATCH: { allowed: ADMIN, body: PROBE } },
  },
  "/api/projects": {
    kind: "route",
    path: () => "/api/projects",
    methods: { GET: { allowed: STAFF }, POST: { allowed: ADMIN, body: PROBE } },
  },
  "/api/projects/[id]": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}`,
    methods: { GET: { allowed: STAFF }, PATCH: { allowed: ADMIN, body: PROBE } },
  },
  "/api/projects/[id]/stats": { kind: "route", path: (ids) => `/api/projects/${ids.project}/stats`, methods: { GET: { allowed: STAFF } } },
  "/api/projects/[id]/leaderboard": { kind: "route", path: (ids) => `/api/projects/${ids.project}/leaderboard`, methods: { GET: { allowed: STAFF } } },
  "/api/projects/[id]/agreement": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/agreement?bootstrap=10`,
    methods: { GET: { allowed: STAFF } },
  },
  "/api/projects/[id]/tasks": { kind: "route", path: (ids) => `/api/projects/${ids.project}/tasks`, methods: { GET: { allowed: STAFF } } },
  "/api/projects/[id]/questions": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/questions`,
    methods: { GET: { allowed: STAFF }, PUT: { allowed: ADMIN, body: PROBE } },
  },
  "/api/projects/[id]/import": {
    kind: "route",
    // No format: the admin's request is refused as invalid before anything is read.
    path: (ids) => `/api/projects/${ids.project}/import`,
    methods: { POST: { allowed: ADMIN, raw: '{"prompt": "p", "completions": ["a", "b"]}\n' } },
  },
  // Starting the next round (a generation job from a PPO policy) is research work: admins and researchers.
  "/api/projects/[id]/rounds": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/rounds`,
    methods: { POST: { allowed: STAFF, body: PROBE } },
  },
  "/api/projects/[id]/export": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/export?format=trl&pairs=all`,
    methods: { GET: { allowed: STAFF } },
  },
  // Gold tasks: researchers read the accuracy; only admins mark tasks and unpause annotators.
  "/api/projects/[id]/gold": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/gold`,
    methods: { GET: { allowed: STAFF }, POST: { allowed: ADMIN, body: PROBE } },
  },
  "/api/projects/[id]/gold/unpause": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/gold/unpause`,
    methods: { POST: { allowed: ADMIN, body: PROBE } },
  },
  // Review: reviewers, researchers and admins; annotators never.
  "/api/projects/[id]/review": { kind: "route", path: (ids) => `/api/projects/${ids.project}/review`, methods: { GET: { allowed: STAFF } } },
  "/api/projects/[id]/review/[taskId]": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/review/${ids.rankedTask}`,
    methods: { GET: { allowed: STAFF }, POST: { allowed: STAFF, body: PROBE } },
  },
  "/api/projects/[id]/snapshots": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/snapshots`,
    methods: { GET: { allowed: STAFF }, POST: { allowed: STAFF, body: PROBE } },
  },
  // The snapshot "v1" the setup takes.
  "/api/projects/[id]/snapshots/[name]/files/[...path]": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/snapshots/v1/files/README.md`,
    methods: { GET: { allowed: STAFF } },
  },
  "/api/rankings": { kind: "route", path: () => "/api/rankings", methods: { GET: { allowed: ANYONE } } },
  "/api/rankings/[id]": { kind: "route", path: (ids) => `/api/rankings/${ids.ranking}`, methods: { GET: { allowed: ANYONE } } },
  "/api/tasks/[id]": { kind: "route", path: (ids) => `/api/tasks/${ids.task}`, methods: { GET: { allowed: ANYONE } } },
  "/api/tasks/[id]/ranking": {
    kind: "route",
    path: (ids) => `/api/tasks/${ids.task}/ranking`,
    methods: {
      GET: { allowed: ANNOTATOR, path: (ids) => `/api/tasks/${ids.rankedTask}/ranking` },
      POST: { allowed: ANNOTATOR, body: PROBE },
      PUT: { allowed: ANNOTATOR, body: PROBE, path: (ids) => `/api/tasks/${ids.rankedTask}/ranking` },
    },
  },
  "/api/tasks/[id]/skip": { kind: "route", path: (ids) => `/api/tasks/${ids.task}/skip`, methods: { POST: { allowed: ANNOTATOR, body: PROBE } } },
  "/api/annotate/next": { kind: "route", path: () => "/api/annotate/next", methods: { POST: { allowed: ANNOTATOR, body: PROBE } } },
  // Demonstrations: annotators write their own (annotator1 has a draft of the task); reviewers, researchers and admins list and review them.
  "/api/annotate/demonstrations/next": {
    kind: "route",
    path: () => "/api/annotate/demonstrations/next",
    methods: { POST: { allowed: ANNOTATOR, body: PROBE } },
  },
  "/api/tasks/[id]/demonstration": {
    kind: "route",
    path: (ids) => `/api/tasks/${ids.task}/demonstration`,
    methods: { GET: { allowed: ANNOTATOR }, PUT: { allowed: ANNOTATOR, body: PROBE }, POST: { allowed: ANNOTATOR, body: PROBE } },
  },
  "/api/projects/[id]/demonstrations": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/demonstrations`,
    methods: { GET: { allowed: STAFF } },
  },
  "/api/projects/[id]/demonstrations/[demonstrationId]/review": {
    kind: "route",
    path: (ids) => `/api/projects/${ids.project}/demonstrations/1/review`,
    methods: { POST: { allowed: STAFF, body: PROBE } },
  },
  "/api/annotate/progress": {
    kind: "route",
    path: (ids) => `/api/annotate/progress?projectId=${ids.project}`,
    methods: { GET: { allowed: ANNOTATOR } },
  },
  "/api/annotate/projects": { kind: "route", path: () => "/api/annotate/projects", methods: { GET: { allowed: ANNOTATOR } } },
  "/api/models": {
    kind: "route",
    path: () => "/api/models",
    methods: { GET: { allowed: STAFF }, POST: { allowed: ADMIN, body: PROBE } },
  },
  // Scoring typed-in completions with a reward model is research work (tests/integration/reward/score-route.test.ts).
  "/api/models/[id]/score": {
    kind: "route",
    path: (ids) => `/api/models/${ids.rewardModel}/score`,
    methods: { POST: { allowed: STAFF, body: PROBE } },
  },
  // Researchers start research jobs (train-rm, score); which kind a role may start is checked below.
  "/api/jobs": {
    kind: "route",
    path: () => "/api/jobs",
    methods: { GET: { allowed: STAFF }, POST: { allowed: STAFF, body: PROBE } },
  },
  "/api/jobs/[id]": { kind: "route", path: (ids) => `/api/jobs/${ids.job}`, methods: { GET: { allowed: STAFF } } },
  // A job's file to download: a finished best-of-n run's kept answers.
  "/api/jobs/[id]/download": { kind: "route", path: (ids) => `/api/jobs/${ids.bestOfNJob}/download`, methods: { GET: { allowed: STAFF } } },
  // The admin's probe cancels the queued generate job (harmless: it never runs here); researchers
  // may cancel only the kinds they may start (checked below).
  "/api/jobs/[id]/cancel": { kind: "route", path: (ids) => `/api/jobs/${ids.job}/cancel`, methods: { POST: { allowed: ADMIN, body: PROBE } } },
};

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

interface Found {
  template: string;
  kind: "page" | "route";
  methods: string[];
}

/** Every page.tsx and route.ts under app/, as URL templates; route groups and private folders handled as Next does. */
function discover(): Found[] {
  const appDir = join(projectRoot, "app");
  const found: Found[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_")) walk(full);
        continue;
      }
      const page = /^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name);
      const route = /^route\.(ts|js)$/.test(entry.name);
      if (!page && !route) continue;
      const segments = relative(appDir, dir)
        .split(sep)
        .filter((s) => s !== "" && !/^\(.*\)$/.test(s) && !s.startsWith("@"));
      const template = "/" + segments.join("/");
      if (page) {
        found.push({ template, kind: "page", methods: ["GET"] });
      } else {
        const source = readFileSync(full, "utf8");
        const methods = HTTP_METHODS.filter((m) =>
          new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b|export\\s+const\\s+${m}\\b|as\\s+${m}\\b`).test(source),
        );
        found.push({ template, kind: "route", methods });
      }
    }
  };
  walk(appDir);
  return found.sort((a, b) => a.template.localeCompare(b.template));
}

describe("the role matrix", () => {
  let app: TestApp;
  let ids: Ids;
  const clients = {} as Record<Who, Client>;

  beforeAll(async () => {
    app = await startTestApp((db) => {
      const project = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!;
      const uid = (email: string) => db.select().from(users).where(eq(users.email, email)).get()!.id;
      const a1 = uid("annotator1@palate.local");
      // annotator1 ranks one task (a real assignment, then its ranking) and holds a second, open one.
      const first = requestAssignment(db, project.id, a1)!;
      const firstTask = db.query.tasks.findFirst({ where: (t, { eq }) => eq(t.id, first.assignment.taskId) }).sync()!;
      const completionIds = db.query.completions
        .findMany({ where: (c, { eq }) => eq(c.taskId, firstTask.id), orderBy: (c, { asc }) => asc(c.position) })
        .sync()
        .map((c) => c.id);
      const rankingId = insertRanking(db, { taskId: firstTask.id, userId: a1, assignmentId: first.assignment.id, groups: completionIds.map((id) => [id]) });
      db.update(assignments).set({ status: "submitted", closedAt: Date.now() }).where(eq(assignments.id, first.assignment.id)).run();
      const open = requestAssignment(db, project.id, a1)!;
      // annotator1's draft demonstration of the task they hold, for GET /api/tasks/[id]/demonstration.
      db.insert(demonstrations).values({ taskId: open.assignment.taskId, userId: a1, assignmentId: open.assignment.id, text: "matrix probe" }).run();
      const job = enqueueJob(db, { kind: "generate", params: { projectId: project.id, modelId: 1, prompts: ["matrix probe"] }, projectId: project.id });
      const rewardModel = registerModel(db, {
        name: "matrix-rm",
        kind: "reward",
        source: "palate",
        path: "/nonexistent/matrix-rm",
        projectId: project.id,
        metadata: {
          lineage: {
            baseModel: { id: 1, name: "base" },
            project: { id: project.id, name: project.name },
            rankings: 1,
            comparisons: 6,
            examples: 1,
            trainingSetHash: "abc",
          },
          metrics: { eval_accuracy: 0.75, eval_loss: 0.5, train_pairs: 6, eval_pairs: 0 },
          calibration: { split: "train", bins: [{ lo: 0.5, hi: 0.6, count: 6, meanPredicted: 0.55, observed: 0.5 }] },
          config: { epochs: 1 },
        },
      });
      // A dataset snapshot "v1" (of annotator1's ranking) in the app's data folder, for the file download route.
      createSnapshot(db, project, { name: "v1" }, dirname(db.$client.name));
      // A finished best-of-n run and its kept answers in the job's directory, for the download route.
      const bestOfN = enqueueClaimedJob(db, { kind: "best-of-n", params: { projectId: project.id }, projectId: project.id });
      finishJob(db, bestOfN.id, { status: "succeeded", result: { kept: 0 } });
      mkdirSync(join(dirname(db.$client.name), "jobs", String(bestOfN.id)), { recursive: true });
      writeFileSync(join(dirname(db.$client.name), "jobs", String(bestOfN.id), "kept.jsonl"), "");
      ids = {
        project: project.id,
        task: open.assignment.taskId,
        user: uid("annotator2@palate.local"),
        ranking: rankingId,
        rankedTask: firstTask.id,
        job: job.id,
        bestOfNJob: bestOfN.id,
        rewardModel: rewardModel.id,
      };
    });
    clients.anonymous = new Client(app.url);
    for (const who of SIGNED_IN) clients[who] = await new Client(app.url).signIn(EMAIL[who]);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("lists every page and route handler in app/, and nothing that is gone", () => {
    const found = discover();
    expect(found.length).toBeGreaterThan(10);
    const unlisted = found.filter((f) => !(f.template in MATRIX)).map((f) => `${f.kind} ${f.template}`);
    expect(unlisted, "add these to MATRIX in tests/integration/roles.test.ts").toEqual([]);
    const stale = Object.keys(MATRIX).filter((t) => !found.some((f) => f.template === t));
    expect(stale, "MATRIX lists paths app/ no longer has").toEqual([]);
    for (const f of found) {
      const spec = MATRIX[f.template];
      if (spec === "exempt") continue;
      expect(spec.kind, f.template).toBe(f.kind);
      if (spec.kind === "route") {
        expect(f.methods.length, `${f.template} exports no HTTP method`).toBeGreaterThan(0);
        expect(Object.keys(spec.methods).sort(), `methods of ${f.template}`).toEqual([...f.methods].sort());
      }
    }
  });

  it("pages: anonymous → /login, wrong role → 403, allowed → 200", async () => {
    const failures: string[] = [];
    for (const f of discover().filter((x) => x.kind === "page")) {
      const spec = MATRIX[f.template];
      if (!spec || spec === "exempt" || spec.kind !== "page") continue;
      const path = spec.path(ids);
      for (const who of EVERYONE) {
        const res = await clients[who].fetch(path);
        await res.arrayBuffer();
        const location = res.headers.get("location") ?? "";
        let ok: boolean;
        let expected: string;
        if (spec.allowed === "public") {
          expected = who === "anonymous" ? "200" : "307 away from /login";
          ok = who === "anonymous" ? res.status === 200 : res.status === 307 && !location.includes("/login");
        } else if (spec.allowed === "home") {
          expected = who === "anonymous" ? "307 to /login" : "307 to the role's home";
          ok = res.status === 307 && (who === "anonymous" ? location.includes("/login") : !location.includes("/login"));
        } else if (who === "anonymous") {
          expected = "307 to /login";
          ok = res.status === 307 && new URL(location, app.url).pathname === "/login";
        } else if (spec.allowed.includes(who)) {
          expected = "200";
          ok = res.status === 200;
        } else {
          expected = "403";
          ok = res.status === 403;
        }
        if (!ok) failures.push(`${who} GET ${path}: expected ${expected}, got ${res.status} ${location}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("route handlers: anonymous → 401, wrong role → 403, allowed → neither (nor 5xx)", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const f of discover().filter((x) => x.kind === "route")) {
      const spec = MATRIX[f.template];
      if (!spec || spec === "exempt" || spec.kind !== "route") continue;
      // Reads first, so no probe can change what a later read sees.
      const methods = Object.entries(spec.methods).sort(([a], [b]) => Number(b === "GET") - Number(a === "GET"));
      for (const [method, m] of methods) {
        const path = (m.path ?? spec.path)(ids);
        for (const who of EVERYONE) {
          const init: RequestInit = { method };
          if (m.raw !== undefined) init.body = m.raw;
          else if (m.body !== undefined) {
            init.body = JSON.stringify(m.body);
            init.headers = { "content-type": "application/json" };
          }
          const res = await clients[who].fetch(path, init);
          await res.arrayBuffer();
          checked++;
          const allowed = who !== "anonymous" && m.allowed.includes(who);
          const expected = who === "anonymous" ? "401" : allowed ? "not 401/403/5xx" : "403";
          const ok =
            who === "anonymous"
              ? res.status === 401
              : allowed
                ? res.status !== 401 && res.status !== 403 && res.status < 500 && (method !== "GET" || (res.status >= 200 && res.status < 300))
                : res.status === 403;
          if (!ok) failures.push(`${who} ${method} ${path}: expected ${expected}, got ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it("researchers change nothing but research jobs: every other write answers them 403", async () => {
    const failures: string[] = [];
    // Starting a job: only the research kinds (below); a generation job is the admin's.
    const bodies: Record<string, unknown> = {
      "/api/jobs": { kind: "generate", params: { projectId: ids.project, modelId: ids.rewardModel, prompts: ["researcher was here"] } },
    };
    // Research jobs of their own routes (tests/integration/ppo/next-round-route.test.ts).
    // Reviewing (a final ranking, a send-back) is researchers' work too (tests/integration/gold-review-http.test.ts).
    // Dataset snapshots (freezing an export, as they may download one) are researchers' work too (tests/integration/snapshots-http.test.ts).
    // Reviewing demonstrations too (tests/integration/demonstrations/demonstrations-http.test.ts).
    const researchJobs = new Set([
      "/api/projects/[id]/rounds",
      "/api/models/[id]/score",
      "/api/projects/[id]/review/[taskId]",
      "/api/projects/[id]/snapshots",
      "/api/projects/[id]/demonstrations/[demonstrationId]/review",
    ]);
    for (const [template, spec] of Object.entries(MATRIX)) {
      if (spec === "exempt" || spec.kind !== "route" || researchJobs.has(template)) continue;
      for (const [method, m] of Object.entries(spec.methods)) {
        if (method === "GET" || method === "HEAD") continue;
        const path = (m.path ?? spec.path)(ids);
        // A valid-looking body, so only the role check can refuse it.
        const body = bodies[template] ?? { name: "researcher was here", reason: "x", groups: [[1]], projectId: ids.project };
        const res = await clients.researcher.json(path, method, body);
        await res.arrayBuffer();
        if (res.status !== 403) failures.push(`${method} ${template}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("starting and cancelling jobs: researchers the research kinds (train-rm, score), admins every kind, annotators none", async () => {
    const train = { kind: "train-rm", params: { projectId: ids.project, baseModelId: 1, config: { epochs: 1 } } };
    const score = { kind: "score", params: { projectId: ids.project, modelId: ids.rewardModel } };
    const generate = { kind: "generate", params: { projectId: ids.project, modelId: 1, prompts: ["probe"] } };
    const started: number[] = [];
    for (const [who, body, expected] of [
      ["annotator", train, 403],
      ["annotator", score, 403],
      ["researcher", generate, 403],
      ["researcher", score, 201],
      ["admin", score, 201],
    ] as const) {
      const res = await clients[who].json("/api/jobs", "POST", body);
      const answer = (await res.json()) as { job?: { id: number; kind: string; createdByEmail: string } };
      expect(res.status, `${who} starts ${body.kind}`).toBe(expected);
      if (expected === 201) {
        expect(answer.job).toMatchObject({ kind: body.kind, createdByEmail: EMAIL[who] });
        started.push(answer.job!.id);
      }
    }
    // A train-rm job: the researcher gets a 400 naming the field for a model that is not there,
    // not a 403.
    const missing = await clients.researcher.json("/api/jobs", "POST", { ...train, params: { ...train.params, baseModelId: 999999 } });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toContain("params.baseModelId");

    // Cancelling: a researcher cancels a score job (theirs or not), never a generation job.
    const researcherJob = started[0];
    const adminJob = started[1];
    for (const [who, jobId, expected] of [
      ["annotator", researcherJob, 403],
      ["researcher", ids.job, 403],
      ["researcher", researcherJob, 200],
      ["researcher", adminJob, 200],
    ] as const) {
      const res = await clients[who].json(`/api/jobs/${jobId}/cancel`, "POST", {});
      await res.arrayBuffer();
      expect(res.status, `${who} cancels job ${jobId}`).toBe(expected);
    }
    expect(getJob(app.db, researcherJob)?.status).toBe("cancelled");

    // The job page offers Cancel to those who may use it.
    const queued = enqueueJob(app.db, { kind: "train-rm", params: train.params, projectId: ids.project });
    expect(await (await clients.researcher.fetch(`/research/jobs/${queued.id}`)).text()).toContain(">Cancel<");
    expect(await (await clients.researcher.fetch(`/research/jobs/${ids.job}`)).text()).not.toContain(">Cancel<");
    requestCancel(app.db, queued.id);
  });
});

describe("annotators only see their own work", () => {
  let app: TestApp;
  let a1: Client;
  let a2: Client;
  let projectId: number;
  let a1Id: number;
  let a1Task: number;
  let a1Ranking: number;
  let taskCount: number;

  beforeAll(async () => {
    app = await startTestApp();
    const db = app.db;
    projectId = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get()!.id;
    a1Id = db.select().from(users).where(eq(users.email, "annotator1@palate.local")).get()!.id;
    taskCount = db.select().from(tasks).where(eq(tasks.projectId, projectId)).all().length;
    a1 = await new Client(app.url).signIn("annotator1@palate.local");
    a2 = await new Client(app.url).signIn("annotator2@palate.local");

    // annotator1 takes a task and ranks it through the API, exactly as the UI does.
    const next = await a1.json("/api/annotate/next", "POST", { projectId });
    expect(next.status).toBe(200);
    const work = (await next.json()) as { task: { id: number; completions: { id: number }[] } };
    a1Task = work.task.id;
    const submit = await a1.json(`/api/tasks/${a1Task}/ranking`, "POST", {
      groups: work.task.completions.map((c) => [c.id]),
      comment: "annotator1's private comment",
    });
    expect(submit.status).toBe(201);
    a1Ranking = db
      .select()
      .from(rankings)
      .where(and(eq(rankings.userId, a1Id), eq(rankings.taskId, a1Task)))
      .orderBy(asc(rankings.id))
      .get()!.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("another annotator's ranking is never readable, by id or by filter", async () => {
    expect((await a1.fetch(`/api/rankings/${a1Ranking}`)).status).toBe(200);
    for (let id = 1; id <= a1Ranking + 5; id++) {
      const res = await a2.fetch(`/api/rankings/${id}`);
      expect([403, 404], `ranking ${id}`).toContain(res.status);
      expect(await res.text()).not.toContain("private comment");
    }
    expect((await a2.fetch(`/api/rankings?userId=${a1Id}`)).status).toBe(403);
    for (const query of ["", `?taskId=${a1Task}`, `?projectId=${projectId}`]) {
      const res = await a2.fetch(`/api/rankings${query}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { rankings: unknown[] }).rankings, query).toEqual([]);
    }
    const mine = (await (await a1.fetch("/api/rankings")).json()) as { rankings: { id: number; comment: string }[] };
    expect(mine.rankings.map((r) => r.id)).toEqual([a1Ranking]);

    const submissions = await a2.fetch("/annotate/submissions");
    expect(submissions.status).toBe(200);
    expect(await submissions.text()).not.toContain("private comment");
  });

  it("a task not assigned to the annotator is never readable or writable, whatever the id", async () => {
    // annotator2 holds no assignment: every task id, real or not, answers 403 or 404.
    for (let id = 1; id <= taskCount + 3; id++) {
      const res = await a2.fetch(`/api/tasks/${id}`);
      expect([403, 404], `task ${id}`).toContain(res.status);
      await res.arrayBuffer();
    }
    expect((await a2.fetch(`/api/tasks/${a1Task}`)).status).toBe(403);
    expect((await a2.fetch("/api/tasks/999999")).status).toBe(404);

    const rank = await a2.json(`/api/tasks/${a1Task}/ranking`, "POST", { groups: [[1], [2], [3], [4]] });
    expect([403, 404]).toContain(rank.status);
    const skip = await a2.json(`/api/tasks/${a1Task}/skip`, "POST", { reason: "not mine" });
    expect([403, 404]).toContain(skip.status);

    // Staff views of tasks and rankings stay closed to annotators.
    for (const path of [
      `/research/tasks/${a1Task}`,
      `/api/projects/${projectId}/tasks`,
      `/api/projects/${projectId}/stats`,
      `/api/projects/${projectId}/export?format=rankings`,
    ]) {
      expect((await a2.fetch(path)).status, path).toBe(403);
    }
    // annotator1 still reads the task it was given.
    expect((await a1.fetch(`/api/tasks/${a1Task}`)).status).toBe(200);
  });
});
