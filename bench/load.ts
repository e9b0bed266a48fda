// Load and integrity under a crowd (issue 11, measured point 1): the built app on a fresh
// database, N simulated annotators working at once over real HTTP (sign in through next-auth,
// POST /api/annotate/next, rank, POST /api/tasks/:id/ranking) and the job worker beside it, redundancy 3, then an audit
// of the database against what the server acknowledged.
//
//   npm run load -- --annotators 500 --tasks-each 20 [--think-ms 20000] [--ramp-s 30] [--import-lines 150000] [--train]
//
// --think-ms    each annotator pauses a uniformly drawn 0…2×think-ms between receiving a task and
//               submitting it, as a person reads four answers before ranking them (default 20000:
//               20 s on average, quick for a person); 0 is a stress test, every annotator firing
//               its next request as soon as the last one is answered, which saturates the server
//               (latency is then queueing: ~500 requests in line ahead of each).
// --ramp-s      annotators arrive spread evenly over this many seconds (default 30); 0 signs all
//               of them in at once (500 password hashes queue ahead of everything else).
// --import-lines an admin imports a palate-format file of this many lines through the API while
//               the annotators work (a job since issue 11); its answer and end are reported.
// --side-delay-s the side loads start this many seconds after the first annotator (default: the
//               ramp, so they run while the whole crowd works); side_window_p99_ms is the p99 of
//               the requests started while they ran.
// --train       a reward model trains (`palate train-rm`, a child process on the same database)
//               on a side project of imported preference pairs while the annotators work.
//
// Prints one JSON line: {rankings_per_s, next_p50_ms, next_p95_ms, next_p99_ms, submit_p50_ms,
// submit_p95_ms, submit_p99_ms, errors, lost, duplicated, over_assigned, …}. errors counts answers
// by HTTP status (and "network" for a request that got no answer); lost: acknowledged rankings
// missing from the database; duplicated: (task, annotator) pairs with more than one ranking or
// assignment; over_assigned: tasks with more rankings, or live assignments, than the redundancy.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "../db/client";
import { users } from "../db/schema";
import { hashPassword } from "../lib/auth/password";
import { importFile } from "../lib/datasets/import";
import { seedDemo, DEMO_PASSWORD } from "../lib/demo/seed";
import { createProject } from "../lib/projects";
import { AppClient } from "../lib/simulate/client";
import { insertTask } from "../lib/tasks";
import { freePort, startApp, startWorker } from "../scripts/server";

const { values } = parseArgs({
  options: {
    annotators: { type: "string", default: "500" },
    "tasks-each": { type: "string", default: "20" },
    redundancy: { type: "string", default: "3" },
    "think-ms": { type: "string", default: "20000" },
    "ramp-s": { type: "string", default: "30" },
    "import-lines": { type: "string", default: "0" },
    train: { type: "boolean", default: false },
    "side-delay-s": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

const ANNOTATORS = positiveInt("annotators");
const TASKS_EACH = positiveInt("tasks-each");
const REDUNDANCY = positiveInt("redundancy");
const THINK_MS = Number(values["think-ms"]);
const RAMP_S = Number(values["ramp-s"]);
/** The side loads start once every annotator is in (after the ramp), unless --side-delay-s says otherwise. */
const SIDE_DELAY_S = values["side-delay-s"] === undefined ? RAMP_S : Number(values["side-delay-s"]);
const IMPORT_LINES = Number(values["import-lines"]);
const PASSWORD = "load-test-password";
const root = resolve(import.meta.dirname, "..");

function positiveInt(flag: "annotators" | "tasks-each" | "redundancy"): number {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: expected a whole number ≥ 1, got ${values[flag]}`);
  return n;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 10) / 10;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const log = (line: string) => process.stderr.write(`[load] ${line}\n`);

const dir = mkdtempSync(join(tmpdir(), "palate-load-"));
const dbPath = join(dir, "palate.db");
const db = openDb(dbPath);
await seedDemo(db);

// The crowd's project: enough tasks that every annotator can do --tasks-each of them.
const taskCount = Math.ceil((ANNOTATORS * TASKS_EACH) / REDUNDANCY);
const project = createProject(db, { name: "load", redundancy: REDUNDANCY, completionsPerTask: 4 });
db.transaction((tx) => {
  for (let i = 0; i < taskCount; i++) {
    insertTask(tx, project.id, {
      messages: [{ role: "user", content: `Load question ${i}: what is ${i} + ${i}?` }],
      completions: [`${2 * i}.`, `${i} + ${i} = ${2 * i}.`, `${2 * i + 1}.`, `It is ${2 * i - 1}.`].map((text) => ({ text })),
    });
  }
});
const hash = await hashPassword(PASSWORD);
db.transaction((tx) => {
  for (let i = 1; i <= ANNOTATORS; i++) {
    tx.insert(users)
      .values({ email: `load${i}@palate.local`, name: `Load annotator ${i}`, role: "annotator", passwordHash: hash })
      .run();
  }
});

// The side training run's data: preference pairs imported into their own project.
let sideProject: string | null = null;
if (values.train) {
  const pairs = join(dir, "side-pairs.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    lines.push(
      JSON.stringify({
        prompt: `What is the capital of country ${i}?`,
        chosen: `City ${i}.`,
        rejected: `The capital of country ${i} is city ${i}, a fine place.`,
      }),
    );
  }
  writeFileSync(pairs, lines.join("\n") + "\n");
  importFile(db, pairs, "trl", { projectName: "load-side" });
  sideProject = "load-side";
}
log(`database ${dbPath}: ${taskCount} tasks × 4 completions, ${ANNOTATORS} annotators, redundancy ${REDUNDANCY}`);

const app = await startApp({ dbPath, port: await freePort(), host: "127.0.0.1", quiet: true });
const worker = startWorker({ dbPath, quiet: true });
log(`app at ${app.url}, worker pid ${worker.pid}`);

const nextMs: number[] = [];
const submitMs: number[] = [];
const errors: Record<string, number> = {};
/** Assignment id → ranking id, for every ranking the server acknowledged (200/201). */
const acknowledged = new Map<number, number>();
let rankingsDone = 0;
/** Latencies of the requests started while a side load ran (both kinds together). */
const sideWindow = { running: false, samples: [] as number[] };
/** Requests over 5 s, with when they started (seconds from the crowd's start), for the log. */
const slow: { at_s: number; ms: number }[] = [];
let started = performance.now();

async function timed(samples: number[], request: () => Promise<Response>): Promise<Response | null> {
  const t0 = performance.now();
  let res: Response;
  try {
    res = await request();
  } catch {
    errors.network = (errors.network ?? 0) + 1;
    return null;
  }
  const ms = performance.now() - t0;
  samples.push(ms);
  if (sideWindow.running) sideWindow.samples.push(ms);
  if (ms > 5000) slow.push({ at_s: Math.round((t0 - started) / 100) / 10, ms: Math.round(ms) });
  if (res.status >= 400) errors[res.status] = (errors[res.status] ?? 0) + 1;
  return res;
}

interface NextPayload {
  assignment: { id: number; taskId: number };
  task: { id: number; completions: { id: number }[] };
}

async function annotator(i: number): Promise<void> {
  if (RAMP_S > 0) await sleep(((i - 1) / ANNOTATORS) * RAMP_S * 1000);
  const client = new AppClient(app.url);
  try {
    await client.signIn(`load${i}@palate.local`, PASSWORD);
  } catch (err) {
    errors.sign_in = (errors.sign_in ?? 0) + 1;
    log(`load${i}: ${(err as Error).message}`);
    return;
  }
  // Until the queue has nothing left for this annotator (204); the bound only guards a server
  // that never says so.
  for (let n = 0; n < TASKS_EACH * 10; n++) {
    const next = await timed(nextMs, () => client.json("/api/annotate/next", "POST", { projectId: project.id }));
    if (!next) continue;
    if (next.status === 204) return;
    if (next.status !== 200) {
      await next.body?.cancel();
      await sleep(200);
      continue;
    }
    const { assignment, task } = (await next.json()) as NextPayload;
    if (THINK_MS > 0) await sleep(Math.random() * 2 * THINK_MS);
    const ids = task.completions.map((c) => c.id).sort(() => Math.random() - 0.5);
    const groups = Math.random() < 0.2 ? [[ids[0], ids[1]], ...ids.slice(2).map((id) => [id])] : ids.map((id) => [id]);
    const res = await timed(submitMs, () => client.json(`/api/tasks/${task.id}/ranking`, "POST", { assignmentId: assignment.id, groups }));
    if (!res) continue;
    if (res.status === 200 || res.status === 201) {
      const body = (await res.json()) as { ranking: { id: number } };
      acknowledged.set(assignment.id, body.ranking.id);
      rankingsDone++;
    } else {
      await res.body?.cancel();
    }
  }
}

// Side loads, started with the crowd.
const sideWork: Promise<Record<string, unknown>>[] = [];
if (IMPORT_LINES > 0 || sideProject) {
  const all = (async () => {
    await sleep(SIDE_DELAY_S * 1000);
    sideWindow.running = true;
    const t = performance.now();
    const parts = await Promise.all([...(IMPORT_LINES > 0 ? [sideImport(IMPORT_LINES)] : []), ...(sideProject ? [sideTrain(sideProject)] : [])]);
    sideWindow.running = false;
    const sorted = [...sideWindow.samples].sort((a, b) => a - b);
    return Object.assign(
      { side_window_s: Math.round((performance.now() - t) / 100) / 10, side_window_requests: sorted.length, side_window_p99_ms: percentile(sorted, 99) },
      ...parts,
    ) as Record<string, unknown>;
  })();
  sideWork.push(all);
}

async function sideImport(lines: number): Promise<Record<string, unknown>> {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(JSON.stringify({ prompt: `Imported prompt ${i}`, completions: [`answer a ${i}`, `answer b ${i}`] }));
  const admin = await new AppClient(app.url).signIn("admin@palate.local", DEMO_PASSWORD);
  const { body: created } = await admin.call<{ project: { id: number } }>("POST", "/api/projects", { name: "load-import" }, [201]);
  const form = new FormData();
  form.set("format", "palate");
  form.set("file", new Blob([out.join("\n") + "\n"]), "import.jsonl");
  const t0 = performance.now();
  const res = await admin.fetch(`/api/projects/${created!.project.id}/import`, { method: "POST", body: form, headers: { origin: app.url } });
  const answered = performance.now() - t0;
  const text = await res.text();
  let jobId: number | undefined;
  try {
    jobId = (JSON.parse(text) as { job?: { id: number } }).job?.id;
  } catch {
    // not JSON
  }
  let state = res.status < 300 ? "done" : `failed ${res.status}: ${text.slice(0, 200)}`;
  if (res.status === 202 && jobId !== undefined) {
    for (;;) {
      await sleep(1000);
      const job = await admin.call<{ job: { status: string; error?: string | null } }>("GET", `/api/jobs/${jobId}`, undefined, [200]);
      const status = job.body!.job.status;
      if (["succeeded", "failed", "cancelled"].includes(status)) {
        state = status === "succeeded" ? "done" : `${status}: ${job.body!.job.error ?? ""}`;
        break;
      }
    }
  }
  return {
    import_lines: lines,
    import_status: res.status,
    import_answer_ms: Math.round(answered),
    import_s: Math.round(performance.now() - t0) / 1000,
    import_state: state,
  };
}

function sideTrain(projectName: string): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [join(root, "scripts", "palate.mjs"), "train-rm", "--project", projectName, "--base", "default-sft", "--out", join(dir, "side-rm"), "--epochs", "4"],
      { env: { ...process.env, PALATE_DB: dbPath }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on("exit", (code) =>
      done({
        train_exit: code,
        train_s: Math.round(performance.now() - t0) / 1000,
        ...(code === 0 ? {} : { train_error: stderr.split("\n").slice(-5).join(" ") }),
      }),
    );
  });
}

const t0 = performance.now();
started = t0;
const progress = setInterval(
  () => log(`${rankingsDone} rankings, ${nextMs.length} next, ${Object.keys(errors).length ? JSON.stringify(errors) : "no errors"}`),
  10_000,
);
await Promise.all(Array.from({ length: ANNOTATORS }, (_, i) => annotator(i + 1)));
const crowdSeconds = (performance.now() - t0) / 1000;
clearInterval(progress);
if (slow.length) log(`${slow.length} requests over 5 s; first ${JSON.stringify(slow.slice(0, 5))}, last ${JSON.stringify(slow.slice(-3))}`);
const side = Object.assign({}, ...(await Promise.all(sideWork))) as Record<string, unknown>;
await app.stop();
worker.kill("SIGTERM");

// The audit, on the database file itself.
const sqlite = db.$client;
const stored = new Set((sqlite.prepare("SELECT assignment_id AS a FROM rankings WHERE assignment_id IS NOT NULL").all() as { a: number }[]).map((r) => r.a));
const lost = [...acknowledged.keys()].filter((a) => !stored.has(a)).length;
const duplicated =
  (sqlite.prepare("SELECT COUNT(*) AS n FROM (SELECT task_id, user_id FROM rankings GROUP BY task_id, user_id HAVING COUNT(*) > 1)").get() as { n: number }).n +
  (sqlite.prepare("SELECT COUNT(*) AS n FROM (SELECT task_id, user_id FROM assignments GROUP BY task_id, user_id HAVING COUNT(*) > 1)").get() as { n: number })
    .n;
const overAssigned = (
  sqlite
    .prepare(
      `SELECT COUNT(*) AS n FROM tasks t WHERE t.project_id = ? AND (
         (SELECT COUNT(*) FROM rankings r WHERE r.task_id = t.id) > ? OR
         (SELECT COUNT(*) FROM assignments a WHERE a.task_id = t.id AND a.status IN ('active', 'submitted')) > ?)`,
    )
    .get(project.id, REDUNDANCY, REDUNDANCY) as { n: number }
).n;
const rankingsStored = (
  sqlite.prepare("SELECT COUNT(*) AS n FROM rankings r JOIN tasks t ON t.id = r.task_id WHERE t.project_id = ?").get(project.id) as { n: number }
).n;
nextMs.sort((a, b) => a - b);
submitMs.sort((a, b) => a - b);
const fiveHundreds = Object.entries(errors)
  .filter(([status]) => status.startsWith("5"))
  .reduce((s, [, n]) => s + n, 0);

console.log(
  JSON.stringify({
    rankings_per_s: Math.round((rankingsDone / crowdSeconds) * 10) / 10,
    next_p50_ms: percentile(nextMs, 50),
    next_p95_ms: percentile(nextMs, 95),
    next_p99_ms: percentile(nextMs, 99),
    submit_p50_ms: percentile(submitMs, 50),
    submit_p95_ms: percentile(submitMs, 95),
    submit_p99_ms: percentile(submitMs, 99),
    errors,
    lost,
    duplicated,
    over_assigned: overAssigned,
    five_xx: fiveHundreds,
    annotators: ANNOTATORS,
    tasks_each: TASKS_EACH,
    think_ms: THINK_MS,
    ramp_s: RAMP_S,
    rankings_acknowledged: acknowledged.size,
    rankings_stored: rankingsStored,
    rankings_expected: ANNOTATORS * TASKS_EACH,
    seconds: Math.round(crowdSeconds * 10) / 10,
    ...side,
  }),
);
sqlite.close();
if (!values.keep) rmSync(dir, { recursive: true, force: true });
else log(`kept ${dir}`);
