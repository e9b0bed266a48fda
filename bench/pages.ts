// `npm run bench:pages`: pages at the size teams have (issue 12, acceptance 7). Writes a project of
// --tasks tasks (default 200k) and about as many rankings by three annotators into a fresh temp
// database (bench/pages-project.ts), starts the built app and its worker on it (the build goes
// to NEXT_DIST_DIR when set), signs in as the demo researcher (the admin for /admin pages) and
// times each page and stats route over real HTTP, the body read to its end:
//
//   first_ms      the first view (nothing cached yet: a page shows "computing…", a statistics
//                 route answers 202 {status: "computing"}, and the first of them queues the
//                 refresh job)
//   cached_ms     the median of --views later views, once the refresh job is done (status: theirs)
//   stale_ms      one view right after a new ranking (served from the cache, a refresh queued)
//   refresh_s     how long the worker's refresh job took to compute every statistic
//
// Prints ONE JSON line on stdout with the machine's load (1-minute load average and CPU count
// before and after), progress on stderr. `benchPages` does the same for another bench to call, and
// `timePages` times the pages of a project already in a database (bench/datasets.ts).
//
//   npm run bench:pages -- [--tasks 200000] [--views 5] [--keep DIR] [--skip-build]
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { openDb, type Connection } from "../db/client";
import { eq } from "drizzle-orm";
import { projects, users } from "../db/schema";
import { DEMO_PASSWORD, DEMO_PROJECT, seedDemo } from "../lib/demo/seed";
import { AppClient } from "../lib/simulate/client";
import { buildIfNeeded, freePort, startApp, startWorker } from "../scripts/server";
import { writePagesProject } from "./pages-project";

export interface PageTiming {
  status: number;
  first_ms: number;
  /** The first view's status (202 from a statistics route while the figures are first computed). */
  first_status: number;
  cached_ms: number;
  stale_ms: number;
}

export interface PagesBench extends PagesTimings {
  tasks: number;
  rankings: number;
  comparisons: number;
  write_project_s: number;
}

const log = (line: string) => process.stderr.write(`[bench:pages] ${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(client: AppClient, path: string): Promise<{ ms: number; status: number }> {
  const t = performance.now();
  const res = await client.fetch(path, { signal: AbortSignal.timeout(180_000) });
  await res.arrayBuffer();
  return { ms: Math.round(performance.now() - t), status: res.status };
}

/** What timePages measures: each path's timings, the refresh job's seconds and the machine's load. */
export interface PagesTimings {
  refresh_s: number | null;
  load_before: number;
  load_after: number;
  cpus: number;
  pages: Record<string, PageTiming>;
}

/**
 * Serves the database's project with the built app and its worker and times every page and
 * statistics route over real HTTP: first views, cached views (median of `views`, once the
 * refresh job the first views queued is done) and one view each right after a new ranking by
 * `rankerId` (on a task they have not ranked). Needs the demo researcher and admin accounts.
 * Figures are in ms with the body read to its end; `status` is the cached views' status.
 */
export async function timePages(options: {
  db: Connection;
  dbPath: string;
  projectId: number;
  rankerId: number;
  /** A small project whose pages are viewed first, so that loading each route's code is not in the large project's first views. */
  warmUpProjectId?: number;
  views?: number;
  build?: boolean;
}): Promise<PagesTimings> {
  const { db, dbPath, projectId: id, rankerId } = options;
  const views = options.views ?? 5;
  if (options.build !== false) buildIfNeeded((line) => log(line));
  const server = await startApp({ dbPath, port: await freePort(), quiet: true });
  const worker = startWorker({ dbPath, quiet: true });
  const pages: Record<string, PageTiming> = {};
  let refreshS: number | null = null;
  const loadBefore = loadavg()[0];
  try {
    const researcher = await new AppClient(server.url).signIn("researcher@palate.local", DEMO_PASSWORD);
    const admin = await new AppClient(server.url).signIn("admin@palate.local", DEMO_PASSWORD);
    const paths: [string, AppClient][] = [
      ["/research", researcher],
      [`/research/projects/${id}`, researcher],
      [`/admin/projects/${id}`, admin],
      ["/admin/projects", admin],
      [`/api/projects/${id}/stats`, researcher],
      [`/api/projects/${id}`, researcher],
      ["/api/projects", researcher],
      [`/research/projects/${id}/quality`, researcher],
      [`/api/projects/${id}/agreement`, researcher],
      [`/research/projects/${id}/leaderboard`, researcher],
      [`/api/projects/${id}/leaderboard`, researcher],
      ["/review", researcher],
      [`/review/${id}`, researcher],
      [`/api/projects/${id}/review`, researcher],
    ];
    // The server's own first views load each route's code (a few hundred ms, whatever the data):
    // paid on a small project first, so that the figures below are the large project's.
    if (options.warmUpProjectId !== undefined)
      for (const [path, client] of paths) await timed(client, path.replaceAll(`/${id}`, `/${options.warmUpProjectId}`));
    // First views: whatever is cached (nothing, unless an import queued the refresh already).
    for (const [path, client] of paths) {
      const first = await timed(client, path);
      pages[path] = { status: first.status, first_status: first.status, first_ms: first.ms, cached_ms: NaN, stale_ms: NaN };
      log(`${path}: first view ${first.ms} ms (${first.status})`);
    }
    // The refresh job(s) queued so far.
    const t = performance.now();
    const pending = () =>
      (db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'project-stats' AND status IN ('queued', 'running')").get() as { n: number }).n;
    const queuedAny = (db.$client.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'project-stats'").get() as { n: number }).n > 0;
    while (pending() > 0) await sleep(250);
    refreshS = queuedAny ? Math.round((performance.now() - t) / 100) / 10 : null;
    log(`refresh job: ${refreshS === null ? "none queued" : `${refreshS} s`}`);
    for (const [path, client] of paths) {
      const times: number[] = [];
      let status = 0;
      for (let i = 0; i < views; i++) {
        const view = await timed(client, path);
        times.push(view.ms);
        status = view.status;
      }
      pages[path].cached_ms = median(times);
      pages[path].status = status;
      log(`${path}: cached ${pages[path].cached_ms} ms (median of ${views}, ${status})`);
    }
    // One view each after a new ranking: served from the cache while a refresh is queued.
    for (const [path, client] of paths) {
      db.$client
        .prepare(
          `INSERT INTO rankings (task_id, user_id, groups, source)
           SELECT t.id, ?, (SELECT json_group_array(json_array(c.id)) FROM (SELECT id FROM completions WHERE task_id = t.id ORDER BY position) c), 'imported'
           FROM tasks t WHERE t.project_id = ? AND NOT EXISTS (SELECT 1 FROM rankings r WHERE r.task_id = t.id AND r.user_id = ?) ORDER BY t.id DESC LIMIT 1`,
        )
        .run(rankerId, id, rankerId);
      pages[path].stale_ms = (await timed(client, path)).ms;
    }
    while (pending() > 0) await sleep(250);
  } finally {
    worker.kill("SIGTERM");
    await server.stop();
  }
  return {
    refresh_s: refreshS,
    load_before: Math.round(loadBefore * 100) / 100,
    load_after: Math.round(loadavg()[0] * 100) / 100,
    cpus: cpus().length,
    pages,
  };
}

/** Builds the project, serves it, times every page; the database is removed unless `keep` names a folder. */
export async function benchPages(options: { tasks?: number; views?: number; keep?: string; build?: boolean } = {}): Promise<PagesBench> {
  const dir = options.keep ?? mkdtempSync(join(tmpdir(), "palate-bench-pages-"));
  const dbPath = join(dir, "palate.db");
  const db = openDb(dbPath);
  await seedDemo(db);
  const annotators = db
    .select()
    .from(users)
    .all()
    .filter((u) => u.role === "annotator")
    .map((u) => u.id);
  const t = performance.now();
  log(`writing ${options.tasks ?? 200_000} tasks into ${dbPath}`);
  const project = writePagesProject(db, { tasks: options.tasks, annotators });
  const writeS = (performance.now() - t) / 1000;
  log(`${project.tasks} tasks, ${project.rankings} rankings, ${project.comparisons} comparisons in ${writeS.toFixed(1)} s`);
  try {
    const warmUp = db.select().from(projects).where(eq(projects.name, DEMO_PROJECT)).get();
    const timings = await timePages({
      db,
      dbPath,
      projectId: project.projectId,
      rankerId: annotators[0],
      warmUpProjectId: warmUp?.id,
      views: options.views,
      build: options.build,
    });
    return { tasks: project.tasks, rankings: project.rankings, comparisons: project.comparisons, write_project_s: Math.round(writeS * 10) / 10, ...timings };
  } finally {
    db.$client.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: { tasks: { type: "string" }, views: { type: "string" }, keep: { type: "string" }, "skip-build": { type: "boolean" } },
  });
  const result = await benchPages({
    tasks: values.tasks ? Number(values.tasks) : undefined,
    views: values.views ? Number(values.views) : undefined,
    keep: values.keep,
    build: !values["skip-build"],
  });
  console.log(JSON.stringify(result));
}
