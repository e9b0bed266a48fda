// Migration 0011 on a database made before it: a database brought to migration 0010 by the
// committed migrations (a copy of db/migrations whose journal stops there), filled with two
// projects' tasks, completions and rankings, then opened by openDb, which applies 0011. Every
// existing project gets its version row, the triggers bump only the project written to, and the
// statistics cache serves the migrated project (an entry of the old stamp format is refreshed).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Connection } from "@/db/client";
import { insertRanking } from "@/lib/labeling/save-ranking";
import { changeStamp } from "@/lib/stats/change-stamp";
import { projectStatsStatistic } from "@/lib/stats/project-statistics";
import { refreshStatistics } from "@/lib/stats/refresh-statistics";
import { serveStatistic } from "@/lib/stats/served-statistic";
import { readStatistic, writeStatistic } from "@/lib/stats/statistics-cache";

let dir: string;
let path: string;
let db: Connection;

/** Applies the committed migrations up to and including `lastTag` to a new database file. */
function databaseAt(file: string, lastTag: string): void {
  const folder = join(dir, "migrations");
  cpSync(join(process.cwd(), "db", "migrations"), folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThanOrEqual(0);
  expect(journal.entries.length).toBeGreaterThan(last + 1);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    migrate(drizzle(sqlite), { migrationsFolder: folder });
  } finally {
    sqlite.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "palate-migration-0011-"));
  path = join(dir, "palate.db");
  databaseAt(path, "0010_pairwise_mode");
  const sqlite = new Database(path);
  try {
    expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'project_versions'").pluck().get()).toBe(0);
    sqlite.exec(`
      INSERT INTO users (id, email, name, role) VALUES (1, 'u1@t.local', 'U1', 'annotator'), (2, 'u2@t.local', 'U2', 'annotator');
      INSERT INTO projects (id, name) VALUES (1, 'old one'), (2, 'old two'), (5, 'old five');
      INSERT INTO prompts (id, project_id, messages) VALUES (1, 1, '[]'), (2, 2, '[]');
      INSERT INTO tasks (id, project_id, prompt_id) VALUES (1, 1, 1), (2, 2, 2);
      INSERT INTO completions (id, task_id, position, text, model) VALUES (1, 1, 0, 'a', 'm1'), (2, 1, 1, 'b', 'm2'), (3, 2, 0, 'c', 'm1'), (4, 2, 1, 'd', 'm2');
      INSERT INTO rankings (id, task_id, user_id, groups) VALUES (1, 1, 1, '[[1],[2]]');
      INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group) VALUES (1, 1, 2, 0, 1);
    `);
  } finally {
    sqlite.close();
  }
  db = openDb(path);
});

afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("migration 0011 (project_versions)", () => {
  it("gives every existing project a version row and leaves the data as it was", () => {
    const rows = db.$client.prepare("SELECT project_id, version FROM project_versions ORDER BY project_id").all() as { project_id: number; version: number }[];
    expect(rows.map((r) => r.project_id)).toEqual([1, 2, 5]);
    for (const r of rows) expect(r.version).toBeGreaterThan(0);
    for (const id of [1, 2, 5]) expect(changeStamp(db, id)).toMatch(new RegExp(`^${id}@[0-9]+$`));
    expect(db.$client.prepare("SELECT count(*) FROM rankings").pluck().get()).toBe(1);
    expect(db.$client.prepare("SELECT count(*) FROM comparisons").pluck().get()).toBe(1);
  });

  it("installs the triggers: a ranking raises its own project's version only", () => {
    const before = [1, 2, 5].map((id) => changeStamp(db, id));
    insertRanking(db, { taskId: 2, userId: 1, groups: [[3], [4]] });
    const after = [1, 2, 5].map((id) => changeStamp(db, id));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });

  it("an entry cached before the migration (old stamp format) is refreshed, then served as current", () => {
    const cache = join(dir, "stats");
    writeStatistic(cache, {
      projectId: 1,
      name: "stats",
      value: { old: true },
      computedAt: 1,
      checkedAt: 1,
      stamp: '[1,"old one",4,3]|1|2|0|1|0|2',
    });
    const stale = serveStatistic(db, 1, projectStatsStatistic, { dir: cache, inlineMaxTasks: 0, minRefreshMs: 0 })!;
    expect(stale.freshness).toBe("refreshing");
    expect(refreshStatistics(db, 1, [projectStatsStatistic], { dir: cache })).toMatchObject({ computed: ["stats"], found: true });
    expect(readStatistic(cache, 1, "stats")?.stamp).toBe(changeStamp(db, 1));
    const served = serveStatistic(db, 1, projectStatsStatistic, { dir: cache, inlineMaxTasks: 0, minRefreshMs: 0 })!;
    expect(served.freshness).toBe("current");
    expect(served.value).toEqual(projectStatsStatistic.compute(db, 1));
  });
});
