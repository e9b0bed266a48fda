// `npm run bench:datasets`: datasets at the size teams have (issue 12, acceptance 6). Imports
// --rows `trl` rows (~1 KB each: prompt, chosen and rejected texts, all different) into a fresh
// temp database and exports them with `--pairs all`, each phase through the real CLI in a child
// process of its own (`palate import …`, `palate export …`), so each phase's peak RSS is its own:
//
//   import_rows_per_s    rows / wall seconds of `palate import --format trl FILE`
//   export_pairs_per_s   pairs written / wall seconds of `palate export --format trl --pairs all --out FILE`
//   *_peak_rss_mb        the child's peak resident memory (/usr/bin/time -v's maximum resident set
//                        size when present, else the highest VmHWM seen in /proc/PID/status)
//   *_s                  the wall seconds behind each rate (node + tsx start-up included: it is
//                        what the command costs whoever runs it)
//   *_cpu_s              the child's user + system CPU seconds, and load_avg_1m the machine's load
//                        when the bench ends: on a shared machine the wall times stretch with the
//                        load, the CPU seconds much less
//
//   pages_*              then the imported project's pages and statistics routes served by the built
//                        app and its worker (bench/pages.ts timePages: first view, cached median,
//                        one view after a new ranking; the worst of each over every path, and each
//                        path's figures under `pages`), with the refresh job's seconds (refresh_s)
//
// Prints ONE JSON line on stdout (progress on stderr). A phase is one function.
//
//   npm run bench:datasets -- [--rows 200000] [--keep DIR] [--skip-pages] [--skip-build]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { openDb } from "../db/client";
import { projects, users } from "../db/schema";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../lib/demo/seed";
import { ensureProject } from "../lib/projects";
import { createUser } from "../lib/users";
import { timePages } from "./pages";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "scripts", "palate.mjs");
const PROJECT = "bench";

// --- the data ---------------------------------------------------------------------------------

const WORDS = (
  "the a model answer question reward policy gradient sample token learning rate batch loss value " +
  "human preference ranking label annotator dataset prompt completion training evaluation baseline " +
  "because therefore however although quickly carefully simply clearly first then finally also " +
  "river mountain city garden library kitchen window market bridge forest ocean desert island " +
  "explain describe compare summarize list translate write compute estimate prove suggest outline " +
  "red green blue small large ancient modern quiet bright heavy gentle rapid curious honest"
).split(" ");

/** A small seeded PRNG (mulberry32), so every run writes the same file. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(random: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]);
  const s = out.join(" ");
  return s[0].toUpperCase() + s.slice(1) + ".";
}

function paragraph(random: () => number, chars: number): string {
  let text = "";
  while (text.length < chars) text += (text ? " " : "") + sentence(random, 6 + Math.floor(random() * 10));
  return text;
}

/** One trl row of about 1 KB: a ~200-character prompt and two ~400-character answers. */
export function trlRow(i: number, random: () => number): { prompt: string; chosen: string; rejected: string } {
  const prompt = `Question ${i}: ${paragraph(random, 150 + Math.floor(random() * 100))}`;
  const chosen = paragraph(random, 300 + Math.floor(random() * 200));
  const rejected = `${paragraph(random, 300 + Math.floor(random() * 200))} (${i})`;
  return { prompt, chosen, rejected };
}

async function writeTrlFile(path: string, rows: number): Promise<void> {
  const random = prng(12);
  const out = createWriteStream(path);
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += JSON.stringify(trlRow(i, random)) + "\n";
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

// --- running a phase --------------------------------------------------------------------------

interface Run {
  seconds: number;
  /** User + system CPU seconds of the child (undefined without /usr/bin/time). */
  cpuSeconds?: number;
  peakRssMb: number;
  stdout: string;
}

const TIME = "/usr/bin/time";

/** Runs `palate ARGS` in a child process; its wall time and peak RSS. Throws with its stderr when it fails. */
async function palate(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const useTime = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), "palate-bench-time-"));
  const timeFile = join(dir, "time.txt");
  const [command, argv] = useTime ? [TIME, ["-v", "-o", timeFile, process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  const t0 = performance.now();
  const child = spawn(command, argv, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  // Without /usr/bin/time: the high-water mark, sampled while the child runs.
  let hwmKb = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
    } catch {
      // The child has exited.
    }
  };
  const timer = useTime ? undefined : setInterval(sample, 20);
  const [code] = (await once(child, "close")) as [number | null];
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  try {
    if (code !== 0) throw new Error(`palate ${args.join(" ")} exited ${code}:\n${stderr.slice(-4000)}`);
    let cpuSeconds: number | undefined;
    if (useTime) {
      const report = readFileSync(timeFile, "utf8");
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
      if (!m) throw new Error(`no maximum resident set size in ${TIME}'s report`);
      hwmKb = Number(m[1]);
      const user = /User time \(seconds\): ([\d.]+)/.exec(report);
      const system = /System time \(seconds\): ([\d.]+)/.exec(report);
      if (user && system) cpuSeconds = Number(user[1]) + Number(system[1]);
    }
    return { seconds, cpuSeconds, peakRssMb: Math.round(hwmKb / 1024), stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

// --- the phases -------------------------------------------------------------------------------

async function importPhase(file: string, rows: number, env: NodeJS.ProcessEnv) {
  const run = await palate(["import", "--project", PROJECT, "--format", "trl", file], env);
  if (!run.stdout.includes(`Imported ${rows} tasks and ${rows} rankings`)) throw new Error(`unexpected import output: ${run.stdout}`);
  return {
    import_rows_per_s: Math.round(rows / run.seconds),
    import_peak_rss_mb: run.peakRssMb,
    import_s: round(run.seconds),
    import_cpu_s: roundOrNull(run.cpuSeconds),
  };
}

async function exportPhase(out: string, rows: number, env: NodeJS.ProcessEnv) {
  const run = await palate(["export", "--project", PROJECT, "--format", "trl", "--pairs", "all", "--out", out], env);
  const pairs = await countLines(out);
  if (pairs !== rows) throw new Error(`exported ${pairs} pairs, expected ${rows} (one per trl row)`);
  return {
    export_pairs_per_s: Math.round(pairs / run.seconds),
    export_peak_rss_mb: run.peakRssMb,
    export_s: round(run.seconds),
    export_cpu_s: roundOrNull(run.cpuSeconds),
    export_mb: round(statSync(out).size / 2 ** 20),
  };
}

/**
 * The imported project's pages and statistics routes (acceptance 7), served by the built app and
 * its worker on the same database: the demo admin and researcher are added to sign in with, and
 * an empty project whose pages are viewed first (the server loading each route's code).
 */
async function pagesPhase(dbPath: string, build: boolean) {
  const db = openDb(dbPath);
  try {
    for (const account of DEMO_ACCOUNTS.filter((a) => a.role !== "annotator")) await createUser(db, { ...account, password: DEMO_PASSWORD });
    const project = db.select().from(projects).where(eq(projects.name, PROJECT)).get();
    if (!project) throw new Error(`no project ${PROJECT} after the import`);
    const researcher = db.select().from(users).where(eq(users.role, "researcher")).get()!;
    const warmUp = ensureProject(db, "warm-up");
    const timings = await timePages({ db, dbPath, projectId: project.id, rankerId: researcher.id, warmUpProjectId: warmUp.id, build });
    const worst = (key: "first_ms" | "cached_ms" | "stale_ms") => Math.max(...Object.values(timings.pages).map((p) => p[key]));
    return {
      pages_worst_first_ms: worst("first_ms"),
      pages_worst_cached_ms: worst("cached_ms"),
      pages_worst_stale_ms: worst("stale_ms"),
      refresh_s: timings.refresh_s,
      pages: timings.pages,
    };
  } finally {
    db.$client.close();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const roundOrNull = (x: number | undefined) => (x === undefined ? null : round(x));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "200000" }, keep: { type: "string" }, "skip-pages": { type: "boolean" }, "skip-build": { type: "boolean" } },
    strict: true,
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows: expected a positive whole number, got "${values.rows}"`);
  const dir = values.keep ? resolve(values.keep) : mkdtempSync(join(tmpdir(), "palate-bench-datasets-"));
  mkdirSync(dir, { recursive: true });
  try {
    const file = join(dir, "trl.jsonl");
    const db = join(dir, "bench.db");
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const env = { ...process.env, PALATE_DB: db };
    console.error(`writing ${rows} trl rows to ${file} …`);
    await writeTrlFile(file, rows);
    const fileMb = round(statSync(file).size / 2 ** 20);
    console.error(`importing (${fileMb} MB) …`);
    const imported = await importPhase(file, rows, env);
    console.error(`exporting …`);
    const exported = await exportPhase(join(dir, "export.jsonl"), rows, env);
    // The machine may be shared: the load beside the figures (2 cores here; over 2, the wall times stretch).
    const load = round(loadavg()[0]);
    let pages = {};
    if (!values["skip-pages"]) {
      console.error(`timing the pages …`);
      pages = await pagesPhase(db, !values["skip-build"]);
    }
    console.log(JSON.stringify({ ...imported, ...exported, rows, file_mb: fileMb, load_avg_1m: load, ...pages }));
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
