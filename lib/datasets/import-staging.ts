// Staging an import: parsed records go into tables of their own in short batch transactions
// (so the write lock is taken for milliseconds at a time, never for the whole file), then they
// are switched in — set-based INSERT … SELECT into the real tables — and the staging tables are
// dropped. Nothing of the import is written before the switch-in begins, which happens only once
// every line is valid. The switch-in is one transaction (switchIn: all or nothing), or a
// sequence of short ones (beginSwitchIn, then switchInRecords until none is left) whose state is
// kept in a table of the staging's own, so that a process that dies midway is followed by one
// that finishes it: what is finally kept is all or nothing, and the rows appear step by step.
//
// Staged rows carry local ids (1, 2, … in file order). The switch-in reserves the ids the rows
// will take (it moves the tables' AUTOINCREMENT counters past them, so rows other writers add in
// between come after) and writes every row at local id + the reserved range's offset, so the rows are those BulkTaskWriter (and
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

/** Where a switch-in stands: the reserved ids (each the one before the first) and the next staged record to write. */
export interface SwitchInState {
  projectId: number;
  rankingUserId: number | null;
  records: number;
  rankings: number;
  prompts: number;
  tasks: number;
  rankingsOffset: number;
  nextRecord: number;
}

export class ImportStaging {
  private readonly records: string;
  private readonly completions: string;
  private readonly rankings: string;
  private readonly comparisons: string;
  /** The switch-in's reserved ids and cursor (beginSwitchIn). */
  private readonly switch: string;
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
    this.switch = `"${prefix}_switch"`;
  }

  /** The staging names whose tables are in this database (what imports left, or are using now). */
  static namesIn(sqlite: Database.Database): string[] {
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'import\\_staging\\_%\\_records' ESCAPE '\\'")
      .pluck()
      .all() as string[];
    return tables.map((t) => t.slice("import_staging_".length, -"_records".length));
  }

  get tables(): string[] {
    return [this.records, this.completions, this.rankings, this.comparisons, this.switch].map((t) => t.slice(1, -1));
  }

  /** Drops what an earlier run under this name left, and creates the empty staging tables. */
  create(): void {
    this.drop();
    this.sqlite.exec(`
      CREATE TABLE IF NOT EXISTS ${this.records} (local_id INTEGER PRIMARY KEY, messages TEXT NOT NULL, external_id TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.completions} (id INTEGER PRIMARY KEY, record INTEGER NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, model TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.rankings} (local_id INTEGER PRIMARY KEY, record INTEGER NOT NULL, groups TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.comparisons} (ranking INTEGER NOT NULL, chosen INTEGER NOT NULL, rejected INTEGER NOT NULL, chosen_group INTEGER NOT NULL, rejected_group INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ${this.index("completions_record")} ON ${this.completions} (record);
      CREATE INDEX IF NOT EXISTS ${this.index("rankings_record")} ON ${this.rankings} (record);
      CREATE INDEX IF NOT EXISTS ${this.index("comparisons_ranking")} ON ${this.comparisons} (ranking);
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
    for (const table of [this.records, this.completions, this.rankings, this.comparisons, this.switch]) this.sqlite.exec(`DROP TABLE IF EXISTS ${table}`);
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
   * `rankingUserId`, in one go. Call inside one IMMEDIATE transaction: all or nothing.
   */
  switchIn(projectId: number, rankingUserId: number | undefined): { tasks: number; rankings: number } {
    const state = this.beginSwitchIn(projectId, rankingUserId);
    this.switchInRecords(state, state.records);
    return { tasks: state.records, rankings: state.rankings };
  }

  /**
   * Starts a switch-in made of several transactions (switchInRecords): reserves the ids of every
   * prompt, task and ranking the import will write (so rows other writers add meanwhile get ids
   * after them) and records them, with the switch-in's cursor, in a table of the staging's own:
   * a process that dies midway finds them there (switchInState) and goes on where it stopped.
   * Call inside a write transaction.
   */
  beginSwitchIn(projectId: number, rankingUserId: number | undefined): SwitchInState {
    const { tasks: records, rankings } = this.counts;
    if (rankings > 0 && rankingUserId === undefined) throw new Error("ranked records need the user the rankings belong to");
    const state: SwitchInState = {
      projectId,
      rankingUserId: rankingUserId ?? null,
      records,
      rankings,
      prompts: this.reserve("prompts", records),
      tasks: this.reserve("tasks", records),
      rankingsOffset: this.reserve("rankings", rankings),
      nextRecord: 1,
    };
    this.sqlite.exec(
      `CREATE TABLE IF NOT EXISTS ${this.switch} (project_id INTEGER NOT NULL, ranking_user_id INTEGER, records INTEGER NOT NULL, rankings INTEGER NOT NULL, prompts INTEGER NOT NULL, tasks INTEGER NOT NULL, rankings_offset INTEGER NOT NULL, next_record INTEGER NOT NULL)`,
    );
    this.sqlite.prepare(`DELETE FROM ${this.switch}`).run();
    this.sqlite
      .prepare(`INSERT INTO ${this.switch} VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(state.projectId, state.rankingUserId, state.records, state.rankings, state.prompts, state.tasks, state.rankingsOffset, state.nextRecord);
    return state;
  }

  /** The switch-in begun under this staging name and not finished yet (after a crash), if any. */
  switchInState(): SwitchInState | undefined {
    const exists = this.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(this.switch.slice(1, -1));
    if (!exists) return undefined;
    const row = this.sqlite.prepare(`SELECT * FROM ${this.switch}`).get() as Record<string, number | null> | undefined;
    if (!row) return undefined;
    return {
      projectId: row.project_id as number,
      rankingUserId: row.ranking_user_id,
      records: row.records as number,
      rankings: row.rankings as number,
      prompts: row.prompts as number,
      tasks: row.tasks as number,
      rankingsOffset: row.rankings_offset as number,
      nextRecord: row.next_record as number,
    };
  }

  /**
   * Writes the next `count` staged records (their prompts, tasks, completions, rankings and
   * comparisons) at their reserved ids and moves the cursor past them; returns how many records
   * are left. Call inside a write transaction; `state` is updated.
   */
  switchInRecords(state: SwitchInState, count: number): number {
    const from = state.nextRecord;
    const to = Math.min(state.records + 1, from + Math.max(1, Math.floor(count)));
    if (from >= to) return 0;
    const range = { from, to };
    const run = (sql: string, params: Record<string, number | null>) => this.sqlite.prepare(sql).run({ ...range, ...params });
    const inRange = "local_id >= :from AND local_id < :to";
    run(
      `INSERT INTO prompts (id, project_id, messages, external_id, metadata)
       SELECT local_id + :prompts, :project, messages, external_id, metadata FROM ${this.records} WHERE ${inRange} ORDER BY local_id`,
      { prompts: state.prompts, project: state.projectId },
    );
    run(
      `INSERT INTO tasks (id, project_id, prompt_id)
       SELECT local_id + :tasks, :project, local_id + :prompts FROM ${this.records} WHERE ${inRange} ORDER BY local_id`,
      { tasks: state.tasks, prompts: state.prompts, project: state.projectId },
    );
    run(
      `INSERT INTO completions (id, task_id, position, text, model, metadata)
       SELECT id, record + :tasks, position, text, model, metadata FROM ${this.completions} WHERE record >= :from AND record < :to ORDER BY id`,
      { tasks: state.tasks },
    );
    if (state.rankings > 0) {
      run(
        `INSERT INTO rankings (id, task_id, user_id, assignment_id, groups, none_acceptable, comment, seconds_spent, source)
         SELECT local_id + :rankings, record + :tasks, :user, NULL, groups, 0, NULL, NULL, 'imported' FROM ${this.rankings} WHERE record >= :from AND record < :to ORDER BY local_id`,
        { rankings: state.rankingsOffset, tasks: state.tasks, user: state.rankingUserId },
      );
      run(
        `INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group)
         SELECT c.ranking + :rankings, c.chosen, c.rejected, c.chosen_group, c.rejected_group
         FROM ${this.comparisons} c JOIN ${this.rankings} r ON r.local_id = c.ranking
         WHERE r.record >= :from AND r.record < :to ORDER BY c.rowid`,
        { rankings: state.rankingsOffset },
      );
    }
    state.nextRecord = to;
    this.sqlite.prepare(`UPDATE ${this.switch} SET next_record = ?`).run(to);
    return state.records + 1 - to;
  }

  /**
   * Undoes a begun switch-in: deletes the prompts it wrote and, by cascade, their tasks,
   * completions, rankings and comparisons (with whatever annotators did on them meanwhile), from
   * the last written down, `step` records per transaction with `pause` between them; then drops
   * the staging. Safe to repeat after a crash midway: the cursor moves down with each step.
   */
  rollBackSwitchIn(state: SwitchInState, step = 2000, pause: (heldMs: number) => void = () => {}): void {
    while (state.nextRecord > 1) {
      const t0 = performance.now();
      this.sqlite
        .transaction(() => {
          const from = Math.max(1, state.nextRecord - step);
          this.sqlite.prepare("DELETE FROM prompts WHERE id >= ? AND id < ?").run(from + state.prompts, state.nextRecord + state.prompts);
          state.nextRecord = from;
          this.sqlite.prepare(`UPDATE ${this.switch} SET next_record = ?`).run(from);
        })
        .immediate();
      if (state.nextRecord > 1) pause(performance.now() - t0);
    }
    this.drop();
  }

  private index(name: string): string {
    return `"${this.records.slice(1, -"_records".length - 1)}_${name}"`;
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
