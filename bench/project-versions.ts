// What the project-version triggers (migration 0011, lib/stats/change-stamp.ts) cost the writes
// they watch, on real SQLite files (WAL, synchronous NORMAL, as openDb opens them): two databases
// made by the committed migrations, one with its triggers dropped, the same work on each in
// alternating rounds (so both see the same load on a shared machine), summed:
//
//   submit_*     `--submits` annotator submits' worth of writes, each two transactions as the app
//                makes them: the assignment handed out (POST /api/annotate/next), then the
//                assignment closed, the ranking (K = 4), its 6 comparisons and 4 answers (submit).
//                Raw prepared statements: the writes alone, without the app's reads around them,
//                so the triggers' share is the largest it can be.
//   import_*     `--records` import-like records switched in by INSERT … SELECT in steps of 2,000
//                (a prompt, a task, 4 completions, a ranking and 6 comparisons each: 13 rows).
//   delete_*     deleting the imported project (every row above by cascade).
//
// Prints ONE JSON line: each phase's CPU milliseconds (user + system, steadier than wall time on a
// loaded machine) without and with the triggers and their ratio, and its wall milliseconds.
//
//   npx tsx bench/project-versions.ts [--submits 2000] [--records 20000] [--rounds 10]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type Database from "better-sqlite3";
import { openDb } from "../db/client";

const { values } = parseArgs({
  options: { submits: { type: "string", default: "2000" }, records: { type: "string", default: "20000" }, rounds: { type: "string", default: "10" } },
});
const submits = Number(values.submits);
const records = Number(values.records);
const rounds = Math.max(1, Number(values.rounds));

interface Bench {
  sqlite: Database.Database;
  tasks: { taskId: number; ids: number[] }[];
  next: (taskId: number) => number;
  submit: (taskId: number, assignmentId: number, ids: number[]) => void;
  /** CPU milliseconds (user + system) of each phase: steadier than wall time on a loaded machine. */
  ms: { submit: number; import: number; delete: number };
  wallMs: { submit: number; import: number; delete: number };
}

function setUp(dir: string, name: string, triggers: boolean): Bench {
  const db = openDb(join(dir, `${name}.db`));
  const sqlite = db.$client;
  if (!triggers)
    for (const t of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%project_version'").pluck().all() as string[])
      sqlite.exec(`DROP TRIGGER "${t}"`);
  sqlite.exec(`INSERT INTO users (email, name, role) VALUES ('a@bench', 'a', 'annotator')`);
  sqlite.exec(`INSERT INTO projects (name) VALUES ('submits'), ('import')`);
  sqlite.exec(`INSERT OR IGNORE INTO project_versions (project_id, version) SELECT id, 1 FROM projects`);
  const addTask = sqlite.transaction((i: number) => {
    const promptId = sqlite.prepare(`INSERT INTO prompts (project_id, messages) VALUES (1, '[]')`).run().lastInsertRowid;
    const taskId = Number(sqlite.prepare(`INSERT INTO tasks (project_id, prompt_id) VALUES (1, ?)`).run(promptId).lastInsertRowid);
    const ids = [0, 1, 2, 3].map((k) =>
      Number(sqlite.prepare(`INSERT INTO completions (task_id, position, text) VALUES (?, ?, ?)`).run(taskId, k, `t${i} c${k}`).lastInsertRowid),
    );
    return { taskId, ids };
  });
  const tasks = Array.from({ length: submits }, (_, i) => addTask(i));
  const insertAssignment = sqlite.prepare(`INSERT INTO assignments (task_id, user_id, expires_at) VALUES (?, 1, 0)`);
  const closeAssignment = sqlite.prepare(`UPDATE assignments SET status = 'submitted', closed_at = 1 WHERE id = ?`);
  const insertRanking = sqlite.prepare(`INSERT INTO rankings (task_id, user_id, assignment_id, groups) VALUES (?, 1, ?, ?)`);
  const insertComparison = sqlite.prepare(`INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group) VALUES (?, ?, ?, ?, ?)`);
  const insertAnswer = sqlite.prepare(`INSERT INTO ranking_answers (ranking_id, completion_id, question_key, value) VALUES (?, ?, 'helpful', '3')`);
  const next = sqlite.transaction((taskId: number) => Number(insertAssignment.run(taskId).lastInsertRowid));
  const submit = sqlite.transaction((taskId: number, assignmentId: number, ids: number[]) => {
    closeAssignment.run(assignmentId);
    const rankingId = Number(insertRanking.run(taskId, assignmentId, JSON.stringify(ids.map((id) => [id]))).lastInsertRowid);
    for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) insertComparison.run(rankingId, ids[x], ids[y], x, y);
    for (const id of ids) insertAnswer.run(rankingId, id);
  });
  sqlite.exec(`CREATE TEMP TABLE staged (local_id INTEGER PRIMARY KEY)`);
  sqlite.prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) INSERT INTO staged SELECT i FROM n`).run(records);
  return { sqlite, tasks, next, submit, ms: { submit: 0, import: 0, delete: 0 }, wallMs: { submit: 0, import: 0, delete: 0 } };
}

/** Runs `work`, adding its CPU and wall milliseconds to the bench's `phase`. */
function timed(bench: Bench, phase: keyof Bench["ms"], work: () => void): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  work();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  bench.ms[phase] += (cpu.user + cpu.system) / 1000;
  bench.wallMs[phase] += wall;
}

function submitRound(bench: Bench, from: number, to: number): void {
  timed(bench, "submit", () => {
    for (const { taskId, ids } of bench.tasks.slice(from, to)) bench.submit(taskId, bench.next(taskId), ids);
  });
}

function importRound(bench: Bench, from: number, to: number): void {
  const base = 10_000_000;
  timed(bench, "import", () => {
    for (let step = from; step < to; step += 2000) {
      const w = `local_id > ${step} AND local_id <= ${Math.min(to, step + 2000)}`;
      bench.sqlite.transaction(() => {
        bench.sqlite.exec(`INSERT INTO prompts (id, project_id, messages) SELECT local_id + ${base}, 2, '[]' FROM staged WHERE ${w}`);
        bench.sqlite.exec(`INSERT INTO tasks (id, project_id, prompt_id) SELECT local_id + ${base}, 2, local_id + ${base} FROM staged WHERE ${w}`);
        bench.sqlite.exec(
          `INSERT INTO completions (id, task_id, position, text) SELECT (local_id + ${base}) * 4 + k, local_id + ${base}, k, 'text'
         FROM staged, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) WHERE ${w}`,
        );
        bench.sqlite.exec(
          `INSERT INTO rankings (id, task_id, user_id, groups, source) SELECT local_id + ${base}, local_id + ${base}, 1, '[]', 'imported' FROM staged WHERE ${w}`,
        );
        bench.sqlite.exec(
          `INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group)
         SELECT local_id + ${base}, (local_id + ${base}) * 4 + a, (local_id + ${base}) * 4 + b, a, b
         FROM staged, (SELECT 0 AS a, 1 AS b UNION ALL SELECT 0, 2 UNION ALL SELECT 0, 3 UNION ALL SELECT 1, 2 UNION ALL SELECT 1, 3 UNION ALL SELECT 2, 3) WHERE ${w}`,
        );
      })();
    }
  });
}

const dir = mkdtempSync(join(tmpdir(), "palate-bench-versions-"));
try {
  const without = setUp(dir, "without", false);
  const withTriggers = setUp(dir, "with", true);
  const pair = [without, withTriggers];
  // Every submit before the import's rows (their ids stay below the imported ones).
  for (const [total, round] of [
    [submits, submitRound],
    [records, importRound],
  ] as const) {
    for (let r = 0; r < rounds; r++) {
      const [from, to] = [Math.floor((r * total) / rounds), Math.floor(((r + 1) * total) / rounds)];
      for (const bench of r % 2 === 0 ? pair : [...pair].reverse()) round(bench, from, to);
    }
  }
  for (const bench of pair) timed(bench, "delete", () => bench.sqlite.exec(`DELETE FROM projects WHERE id = 2`));
  const version = withTriggers.sqlite.prepare("SELECT version FROM project_versions WHERE project_id = 1").pluck().get() as number;
  // Each submit raises the version 7 times (the assignment inserted and closed, the ranking, 4 answers; comparisons ride on the ranking).
  if (version < 1 + 7 * submits) throw new Error(`the triggers did not run: version ${version}`);
  const phase = (key: keyof Bench["ms"]) => ({
    [`${key}_cpu_ms_without`]: Math.round(without.ms[key]),
    [`${key}_cpu_ms_with`]: Math.round(withTriggers.ms[key]),
    [`${key}_cpu_ratio`]: Number((withTriggers.ms[key] / without.ms[key]).toFixed(3)),
    [`${key}_wall_ms_without`]: Math.round(without.wallMs[key]),
    [`${key}_wall_ms_with`]: Math.round(withTriggers.wallMs[key]),
  });
  const perSubmitUs = (b: Bench) => Math.round((b.ms.submit / submits) * 1000);
  const perRecordUs = (b: Bench) => Number(((b.ms.import / records) * 1000).toFixed(1));
  console.log(
    JSON.stringify({
      submits,
      records,
      ...phase("submit"),
      submit_cpu_us_without: perSubmitUs(without),
      submit_cpu_us_with: perSubmitUs(withTriggers),
      ...phase("import"),
      import_cpu_us_per_record_without: perRecordUs(without),
      import_cpu_us_per_record_with: perRecordUs(withTriggers),
      ...phase("delete"),
      load_avg_1m: Number(loadavg()[0].toFixed(2)),
    }),
  );
  for (const bench of pair) bench.sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
