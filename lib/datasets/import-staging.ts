// Staging an import: parsed records go into tables of their own in short batch transactions
// (so the write lock is taken for milliseconds at a time, never for the whole file), then one
// transaction switches them in — set-based INSERT … SELECT into the real tables — and the
// staging tables are dropped. All or nothing still: until the switch-in commits, nothing of the
// import is visible, and the switch-in is one transaction.
//
// Staged rows carry local ids (1, 2, … in file order). The switch-in reads the real tables'
// highest ids (AUTOINCREMENT: sqlite_sequence or max(id)) inside its IMMEDIATE transaction and
// writes every row at local id + that offset, so the rows are those BulkTaskWriter (and
// insertTask/insertRanking) write, in the same order: one prompt and one task per record, its
// completions by position, its ranking with completion ids in `groups`, the ranking's pairs.
// Completion ids are the exception: a ranking's `groups` JSON names them, and rewriting JSON in
// SQL is slow, so each batch reserves its completions' ids when it is staged (it moves the
// table's AUTOINCREMENT counter past them; other writers never get them) and stages them final.
//
// The tables are created here with CREATE TABLE (no migration: they live only during one
// import) under a name unique to the import, and dropped at the end whatever happens; a crash
// leaves them to the next import with the same name, which drops them before it starts.
import type Database from "better-sqlite3";
import { rankingPairs } from "../labeling/pairs";
import type { ImportRecord } from "./record";

const REAL_TABLES = ["prompts", "tasks", "rankings", "comparisons"] as const;

export class ImportStaging {
  private readonly records: string;
  private readonly completions: string;
  private readonly rankings: string;
  private readonly comparisons: string;
  private nextRecord = 1;
  private nextRanking = 1;
  private statements?: {
    record: Database.Statement;
    completion: Database.Statement;
    ranking: Database.Statement;
    comparison: Database.Statement;
  };

  /** `name`: letters, digits and underscores, unique to this import (e.g. the job id). */
  constructor(
    private readonly sqlite: Database.Database,
    name: string,
  ) {
    if (!/^\w{1,40}$/.test(name)) throw new Error(`bad staging name "${name}"`);
    const prefix = `import_staging_${name}`;
    this.records = `"${prefix}_records"`;
    this.completions = `"${prefix}_completions"`;
    this.rankings = `"${prefix}_rankings"`;
    this.comparisons = `"${prefix}_comparisons"`;
  }

  get tables(): string[] {
    return [this.records, this.completions, this.rankings, this.comparisons].map((t) => t.slice(1, -1));
  }

  /** Drops what an earlier run under this name left, and creates the empty staging tables. */
  create(): void {
    this.drop();
    this.sqlite.exec(`
      CREATE TABLE IF NOT EXISTS ${this.records} (local_id INTEGER PRIMARY KEY, messages TEXT NOT NULL, external_id TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.completions} (id INTEGER PRIMARY KEY, record INTEGER NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, model TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.rankings} (local_id INTEGER PRIMARY KEY, record INTEGER NOT NULL, groups TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.comparisons} (ranking INTEGER NOT NULL, chosen INTEGER NOT NULL, rejected INTEGER NOT NULL, chosen_group INTEGER NOT NULL, rejected_group INTEGER NOT NULL);
    `);
    this.statements = {
      record: this.sqlite.prepare(`INSERT INTO ${this.records} (local_id, messages, external_id, metadata) VALUES (?, ?, ?, ?)`),
      completion: this.sqlite.prepare(`INSERT INTO ${this.completions} (id, record, position, text, model, metadata) VALUES (?, ?, ?, ?, ?, ?)`),
      ranking: this.sqlite.prepare(`INSERT INTO ${this.rankings} (local_id, record, groups) VALUES (?, ?, ?)`),
      comparison: this.sqlite.prepare(`INSERT INTO ${this.comparisons} (ranking, chosen, rejected, chosen_group, rejected_group) VALUES (?, ?, ?, ?, ?)`),
    };
    this.nextRecord = this.nextRanking = 1;
  }

  drop(): void {
    this.statements = undefined;
    for (const table of [this.records, this.completions, this.rankings, this.comparisons]) this.sqlite.exec(`DROP TABLE IF EXISTS ${table}`);
  }

  /** Stages a batch of records in one short transaction. */
  stage(batch: readonly ImportRecord[]): void {
    const s = this.statements;
    if (!s) throw new Error("staging tables not created");
    if (batch.length === 0) return;
    this.sqlite
      .transaction(() => {
        let nextCompletion =
          this.reserve(
            "completions",
            batch.reduce((n, r) => n + r.completions.length, 0),
          ) + 1;
        for (const record of batch) {
          const local = this.nextRecord++;
          // JSON columns as drizzle writes them: JSON text, SQL NULL when absent (see BulkTaskWriter).
          s.record.run(local, JSON.stringify(record.messages), record.externalId ?? null, record.promptMetadata ? JSON.stringify(record.promptMetadata) : null);
          const completionIds = record.completions.map((c, position) => {
            const id = nextCompletion++;
            s.completion.run(id, local, position, c.text, c.model ?? null, c.metadata ? JSON.stringify(c.metadata) : null);
            return id;
          });
          if (!record.ranking) continue;
          const groups = record.ranking.map((group) => group.map((i) => completionIds[i]));
          const ranking = this.nextRanking++;
          s.ranking.run(ranking, local, JSON.stringify(groups));
          for (const pair of rankingPairs(groups, "all")) s.comparison.run(ranking, pair.chosen, pair.rejected, pair.chosenGroup, pair.rejectedGroup);
        }
      })
      .immediate();
  }

  /** How many records (tasks) and rankings are staged. */
  get counts(): { tasks: number; rankings: number } {
    return { tasks: this.nextRecord - 1, rankings: this.nextRanking - 1 };
  }

  /**
   * Writes every staged row into the real tables for `projectId`, rankings owned by
   * `rankingUserId`. Call inside the switch-in's IMMEDIATE transaction (the offsets must not
   * move before the rows are written).
   */
  switchIn(projectId: number, rankingUserId: number | undefined): { tasks: number; rankings: number } {
    const counts = this.counts;
    if (counts.rankings > 0 && rankingUserId === undefined) throw new Error("ranked records need the user the rankings belong to");
    const off = Object.fromEntries(REAL_TABLES.map((t) => [t, this.highestId(t)])) as Record<(typeof REAL_TABLES)[number], number>;
    const run = (sql: string, params: Record<string, number | null>) => this.sqlite.prepare(sql).run(params);
    run(
      `INSERT INTO prompts (id, project_id, messages, external_id, metadata)
       SELECT local_id + :prompts, :project, messages, external_id, metadata FROM ${this.records} ORDER BY local_id`,
      { prompts: off.prompts, project: projectId },
    );
    run(
      `INSERT INTO tasks (id, project_id, prompt_id)
       SELECT local_id + :tasks, :project, local_id + :prompts FROM ${this.records} ORDER BY local_id`,
      { tasks: off.tasks, prompts: off.prompts, project: projectId },
    );
    run(
      `INSERT INTO completions (id, task_id, position, text, model, metadata)
       SELECT id, record + :tasks, position, text, model, metadata FROM ${this.completions} ORDER BY id`,
      { tasks: off.tasks },
    );
    if (counts.rankings > 0) {
      run(
        `INSERT INTO rankings (id, task_id, user_id, assignment_id, groups, none_acceptable, comment, seconds_spent, source)
         SELECT local_id + :rankings, record + :tasks, :user, NULL, groups, 0, NULL, NULL, 'imported' FROM ${this.rankings} ORDER BY local_id`,
        { rankings: off.rankings, tasks: off.tasks, user: rankingUserId ?? null },
      );
      run(
        `INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group)
         SELECT ranking + :rankings, chosen, rejected, chosen_group, rejected_group FROM ${this.comparisons} ORDER BY rowid`,
        { rankings: off.rankings },
      );
    }
    return counts;
  }

  /** Hands out `n` ids of an AUTOINCREMENT table to this import: returns the one before the first. Call inside a write transaction. */
  private reserve(table: string, n: number): number {
    const highest = this.highestId(table);
    if (n === 0) return highest;
    const updated = this.sqlite.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = ?").run(highest + n, table);
    if (updated.changes === 0) this.sqlite.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)").run(table, highest + n);
    return highest;
  }

  /** The highest id an AUTOINCREMENT table has handed out (a deleted row's id is never reused). */
  private highestId(table: string): number {
    const seq = this.sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?").pluck().get(table) as number | undefined;
    const max = this.sqlite.prepare(`SELECT max(id) FROM "${table}"`).pluck().get() as number | null;
    return Math.max(seq ?? 0, max ?? 0);
  }
}
