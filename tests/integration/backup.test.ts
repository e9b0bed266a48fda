// `palate backup` and `palate restore` on real database files: a backup taken while another
// process keeps writing is one consistent snapshot with the same rows; a restore round-trips it,
// keeps the database it replaced, and refuses a file that is not a Palate database or a
// database another process has open.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import { enqueueJob } from "@/lib/jobs/queue";
import { projectRoot } from "@/scripts/server";
import { tempDb } from "../helpers/app";
import { palateInProcess } from "../helpers/cli";

const BATCH = 50;

/** Every row of job_events and the batch counter kept in the job's message, from the file at `path`. */
function snapshot(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      batches: Number(db.prepare("select message from jobs where id = 1").pluck().get()),
      events: db.prepare("select id, job_id, level, text from job_events order by id").all() as { id: number; text: string }[],
      quickCheck: db.pragma("quick_check", { simple: true }),
    };
  } finally {
    db.close();
  }
}

/**
 * Another process that writes until killed: each transaction adds BATCH events "batch N" and sets
 * the job's message to N, so a consistent snapshot has exactly BATCH × message events.
 */
function startWriter(path: string): Promise<ChildProcess> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("busy_timeout = 5000");
    const insert = db.prepare("insert into job_events (job_id, text, level) values (1, ?, 'info')");
    const mark = db.prepare("update jobs set message = ? where id = 1");
    let n = Number(db.prepare("select message from jobs where id = 1").pluck().get());
    const batch = db.transaction(() => { n++; for (let i = 0; i < ${BATCH}; i++) insert.run("batch " + n + " " + "x".repeat(100)); mark.run(String(n)); });
    let told = false;
    (function loop() { batch(); if (!told && n > 5) { told = true; process.stdout.write("writing\\n"); } setTimeout(loop, 5); })();
  `;
  const child = spawn(process.execPath, ["-e", script, path], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((done, fail) => {
    child.stdout!.on("data", () => done(child));
    child.once("exit", (code) => fail(new Error(`writer exited with ${code}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once("exit", () => done())));

describe("palate backup and restore", () => {
  let temp: ReturnType<typeof tempDb>;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    temp = tempDb();
    enqueueJob(temp.db, { kind: "count", params: {} });
    temp.db.$client.prepare("update jobs set message = '0' where id = 1").run();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.kill("SIGKILL");
      await exited(c);
    }
    temp.cleanup();
  });

  it("backs up while another process writes, and the backup restores", async () => {
    const writer = await startWriter(temp.path);
    children.push(writer);
    const out = join(temp.dir, "backup.db");
    const run = await palateInProcess(temp.path, ["backup", "--out", out]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`to ${out}`);
    // The writer went on after the backup: the source has moved past it.
    const writtenDuring = snapshot(temp.path).batches;
    await new Promise((r) => setTimeout(r, 200));
    writer.kill("SIGKILL");
    await exited(writer);

    const backup = snapshot(out);
    const source = snapshot(temp.path);
    expect(backup.quickCheck).toBe("ok");
    expect(backup.batches).toBeGreaterThan(5);
    expect(source.batches).toBeGreaterThan(backup.batches);
    expect(writtenDuring).toBeGreaterThan(0);
    // Consistent: whole transactions only, and exactly the source's rows up to that point.
    expect(backup.events.length).toBe(BATCH * backup.batches);
    expect(backup.events).toEqual(source.events.slice(0, backup.events.length));
    // Openable by the app (migrations table intact).
    openDb(out).$client.close();

    // Another process has the database open: restore refuses and changes nothing.
    const busy = await palateInProcess(temp.path, ["restore", out]);
    expect(busy.status).toBe(1);
    expect(busy.stderr).toMatch(/in use by another process/);
    expect(snapshot(temp.path).batches).toBe(source.batches);

    temp.db.$client.close();
    const restored = await palateInProcess(temp.path, ["restore", out]);
    expect(restored.stderr).toBe("");
    expect(restored.status).toBe(0);
    // No WAL of the replaced database is left to be read against the restored one.
    expect(existsSync(`${temp.path}-wal`)).toBe(false);
    const after = snapshot(temp.path);
    expect(after.batches).toBe(backup.batches);
    expect(after.events).toEqual(backup.events);
    // The replaced database is kept beside it, whole.
    const kept = readdirSync(temp.dir).filter((f) => f.startsWith("palate.db.before-restore-"));
    expect(kept).toHaveLength(1);
    expect(restored.stdout).toContain(kept[0]);
    expect(snapshot(join(temp.dir, kept[0])).batches).toBe(source.batches);
    // The app opens the restored file and carries on.
    const reopened = openDb(temp.path);
    expect(reopened.$client.prepare("select count(*) from job_events").pluck().get()).toBe(BATCH * backup.batches);
    reopened.$client.close();
  }, 120_000);

  it("refuses a file that is not a Palate database, leaving the database as it was", async () => {
    const before = snapshot(temp.path);
    temp.db.$client.close();
    const text = join(temp.dir, "notes.txt");
    writeFileSync(text, "not a database\n".repeat(100));
    const other = join(temp.dir, "other.db");
    const db = new Database(other);
    db.exec("create table t (x); insert into t values (1)");
    db.close();
    const missing = join(temp.dir, "missing.db");

    for (const [file, reason] of [
      [text, /not a SQLite database|cannot be opened/],
      [other, /not a Palate database \(no __drizzle_migrations table\)/],
      [missing, /no such file/],
    ] as const) {
      const run = await palateInProcess(temp.path, ["restore", file]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(reason);
    }
    expect(snapshot(temp.path)).toEqual(before);
    expect(readdirSync(temp.dir).filter((f) => f.includes("before-restore") || f.startsWith("."))).toEqual([]);

    const noOut = await palateInProcess(temp.path, ["backup"]);
    expect(noOut.status).toBe(1);
    expect(noOut.stderr).toMatch(/--out is required/);
  });
});
