// Migration 0013 on a database made before it (the committed migrations up to 0012, as in
// project-versions-migration.test.ts): existing projects keep their mode and show completions; the
// demonstrations table's triggers keep tasks.load and the project's version: a draft raises
// neither, a submit fills the task's slot and raises the version, a delete gives the slot back.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Connection } from "@/db/client";
import { changeStamp } from "@/lib/stats/change-stamp";

let dir: string;
let db: Connection;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "palate-migration-0013-"));
  const folder = join(dir, "migrations");
  cpSync(join(process.cwd(), "db", "migrations"), folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === "0012_task_load") + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  const path = join(dir, "palate.db");
  const sqlite = new Database(path);
  try {
    sqlite.pragma("foreign_keys = ON");
    migrate(drizzle(sqlite), { migrationsFolder: folder });
    expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'demonstrations'").pluck().get()).toBe(0);
    sqlite.exec(`
      INSERT INTO users (id, email, name, role) VALUES (1, 'u1@t.local', 'U1', 'annotator');
      INSERT INTO projects (id, name, mode) VALUES (1, 'old ranking', 'ranking'), (2, 'other', 'pairwise');
      INSERT INTO prompts (id, project_id, messages) VALUES (1, 1, '[]');
      INSERT INTO tasks (id, project_id, prompt_id) VALUES (1, 1, 1);
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

describe("migration 0013 (demonstrations)", () => {
  it("keeps the projects as they were, showing completions", () => {
    expect(db.$client.prepare("SELECT id, mode, show_completions FROM projects ORDER BY id").all()).toEqual([
      { id: 1, mode: "ranking", show_completions: 1 },
      { id: 2, mode: "pairwise", show_completions: 1 },
    ]);
  });

  it("counts a submitted demonstration in the task's load and the project's version; a draft in neither", () => {
    const load = () => db.$client.prepare("SELECT load FROM tasks WHERE id = 1").pluck().get();
    const v0 = changeStamp(db, 1);
    db.$client.exec("INSERT INTO demonstrations (id, task_id, user_id, text) VALUES (1, 1, 1, 'draft')");
    db.$client.exec("UPDATE demonstrations SET text = 'longer draft' WHERE id = 1");
    expect([load(), changeStamp(db, 1)]).toEqual([0, v0]);
    db.$client.exec("UPDATE demonstrations SET status = 'submitted' WHERE id = 1");
    const v1 = changeStamp(db, 1);
    expect(load()).toBe(1);
    expect(v1).not.toBe(v0);
    expect(changeStamp(db, 2)).toBeDefined();
    db.$client.exec("UPDATE demonstrations SET review = 'accepted' WHERE id = 1");
    expect(changeStamp(db, 1)).not.toBe(v1);
    db.$client.exec("DELETE FROM demonstrations WHERE id = 1");
    expect(load()).toBe(0);
    db.$client.exec("INSERT INTO demonstrations (task_id, user_id, text, status) VALUES (1, 1, 'imported', 'submitted')");
    expect(load()).toBe(1);
  });
});
