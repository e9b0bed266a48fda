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
// between come after) and writes every row at local id + the reserved range's offset, so the rows are those
// insertTask/insertRanking write, in the same order: one prompt and one task per record, its
// completions by position, its ranking with completion ids in `groups`, the ranking's pairs.
// Completion ids are the exception: a ranking's `groups` JSON names them, and rewriting JSON in
// SQL is slow, so each batch reserves its completions' ids when it is staged (it moves the
// table's AUTOINCREMENT counter past them; other writers never get them) and stages them final.
//
// Records of a shared task (ImportRecord.sharedTask: the `rankings` format, one annotator's
// ranking per line) are grouped as they are staged: a table of their own keys each task by a
// SHA-256 of its conversation and its sorted completion texts, so a line whose task was staged
// before adds only its ranking, its completion ids mapped by text to the task's (a task's
// completions are written once), in constant memory whatever the file's size. A second ranking of
// one task by the same annotator is refused there, naming both lines. Each staged ranking keeps
// its annotator's name; the switch-in maps names to the imported identities' user ids
// (beginSwitchIn's `annotatorUsers`, kept in the staging so a resumed switch-in has them).
//
// The bulk tables live in a scratch database of their own, attached by name (a file beside the
// database, `<database>.import-<name>`, no journal on disk): staging never takes the database's
// write lock for them, each staged row is written once (not to the WAL and then the database),
// the database file does not grow by the staging's size, and dropping it is deleting a file. Only
// the completion-id reservations, the annotators' ids and the switch-in's cursor are in the
// database itself. Created here with CREATE TABLE (no migration: they live only during one
// import) under a name unique to the import, and dropped at the end whatever happens; a crash
// leaves them to the next import with the same name, which drops them before it starts (or,
// when a chunked switch-in had begun, finishes it), or to the worker's sweep (import-sweep.ts).
import { createHash } from "node:crypto";
import { chmodSync, existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";
import type Database from "better-sqlite3";
import { rankingPairs } from "../labeling/pairs";
import { BatchedInsert } from "./batched-insert";
import type { ImportRecord } from "./record";

/** A record to stage, with the file line it came from (named by errors). */
export type StagedRecord = ImportRecord & { line?: number };

/** A line refused while staging (a second ranking of one task by the same annotator). */
export interface StagingError {
  line: number;
  message: string;
}

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
  /** Shared tasks by key (taskKey), and the flags and annotators of the staged rankings. */
  private readonly taskKeys: string;
  private readonly flags: string;
  private readonly annotators: string;
  /** The switch-in's reserved ids and cursor (beginSwitchIn). */
  private readonly switch: string;
  /** The completions counter before this staging's first reservation (null: no row) and after its last one. */
  private reservation?: { before: number | null; after: number };
  private nextRecord = 1;
  private nextRanking = 1;
  /** Staged rankings that name no annotator (they go to the "imported" annotator). */
  private unnamedRankings = 0;
  private statements?: {
    /** The bulk rows, written several per statement (batched-insert.ts). */
    record: BatchedInsert;
    completion: BatchedInsert;
    ranking: BatchedInsert;
    comparison: BatchedInsert;
    flag: BatchedInsert;
    taskKey: BatchedInsert;
    taskByKey: Database.Statement;
    taskCompletions: Database.Statement;
    rankingLine: Database.Statement;
  };

  /** The attached scratch database holding the bulk tables, and its file. */
  private readonly schema: string;
  private readonly scratchFile: string;

  /** `name`: letters, digits and underscores, unique to this import (e.g. the job id). */
  constructor(
    private readonly sqlite: Database.Database,
    private readonly name: string,
  ) {
    if (!/^\w{1,40}$/.test(name)) throw new Error(`bad staging name "${name}"`);
    const prefix = `import_staging_${name}`;
    this.schema = `"${prefix}"`;
    this.scratchFile = ImportStaging.scratchFileOf(sqlite, name);
    const bulk = (table: string) => `${this.schema}."${prefix}_${table}"`;
    this.records = bulk("records");
    this.completions = bulk("completions");
    this.rankings = bulk("rankings");
    this.comparisons = bulk("comparisons");
    this.taskKeys = bulk("task_keys");
    this.flags = bulk("flags");
    // Small, and written in the same transactions as the real tables: in the main database, so a
    // switch-in's cursor commits or rolls back with the rows it counts.
    this.annotators = `"${prefix}_annotators"`;
    this.switch = `"${prefix}_switch"`;
  }

  /**
   * The scratch file of a staging name: beside the database (same file system, same folder
   * permissions), `<database>.import-<name>`; "" (a temporary database) for an in-memory one.
   */
  private static scratchFileOf(sqlite: Database.Database, name: string): string {
    return sqlite.memory || !sqlite.name ? "" : `${sqlite.name}.import-${name}`;
  }

  /** The staging names in use or left behind: scratch files beside the database, and switch-ins begun in it. */
  static namesIn(sqlite: Database.Database): string[] {
    const names = new Set(
      (
        sqlite
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'import\\_staging\\_%\\_switch' ESCAPE '\\'")
          .pluck()
          .all() as string[]
      ).map((t) => t.slice("import_staging_".length, -"_switch".length)),
    );
    if (!sqlite.memory && sqlite.name) {
      const prefix = `${basename(sqlite.name)}.import-`;
      for (const file of readdirSync(dirname(sqlite.name))) {
        const name = file.startsWith(prefix) ? file.slice(prefix.length) : "";
        if (/^\w{1,40}$/.test(name)) names.add(name);
      }
    }
    return [...names].sort();
  }

  /** Drops what an earlier run under this name left, and creates the empty staging tables. */
  create(): void {
    this.drop();
    this.attach();
    // The scratch file is only ever read by this import: no journal on disk, no fsync.
    this.sqlite.pragma(`${this.schema}.journal_mode = MEMORY`);
    this.sqlite.pragma(`${this.schema}.synchronous = OFF`);
    const index = (name: string) => `${this.schema}."import_staging_${this.name}_${name}"`;
    const bare = (table: string) => table.slice(this.schema.length + 1);
    this.sqlite.exec(`
      CREATE TABLE IF NOT EXISTS ${this.records} (local_id INTEGER PRIMARY KEY, messages TEXT NOT NULL, external_id TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.completions} (id INTEGER PRIMARY KEY, record INTEGER NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, model TEXT, metadata TEXT);
      CREATE TABLE IF NOT EXISTS ${this.rankings} (local_id INTEGER PRIMARY KEY, record INTEGER NOT NULL, groups TEXT NOT NULL, annotator TEXT, line INTEGER,
        none_acceptable INTEGER NOT NULL DEFAULT 0, comment TEXT, seconds_spent REAL, created_at INTEGER, strength INTEGER);
      CREATE TABLE IF NOT EXISTS ${this.comparisons} (ranking INTEGER NOT NULL, chosen INTEGER NOT NULL, rejected INTEGER NOT NULL, chosen_group INTEGER NOT NULL, rejected_group INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.taskKeys} (key TEXT PRIMARY KEY, record INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${this.flags} (ranking INTEGER NOT NULL, completion INTEGER NOT NULL, flag TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.annotators} (name TEXT PRIMARY KEY, user_id INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ${index("completions_record")} ON ${bare(this.completions)} (record);
      CREATE INDEX IF NOT EXISTS ${index("rankings_record")} ON ${bare(this.rankings)} (record);
      CREATE INDEX IF NOT EXISTS ${index("comparisons_ranking")} ON ${bare(this.comparisons)} (ranking);
      CREATE INDEX IF NOT EXISTS ${index("flags_ranking")} ON ${bare(this.flags)} (ranking);
    `);
    if (this.scratchFile) chmodSync(this.scratchFile, 0o600);
    this.statements = {
      record: new BatchedInsert(this.sqlite, `${this.records} (local_id, messages, external_id, metadata)`, 4),
      completion: new BatchedInsert(this.sqlite, `${this.completions} (id, record, position, text, model, metadata)`, 6),
      ranking: new BatchedInsert(
        this.sqlite,
        `${this.rankings} (local_id, record, groups, annotator, line, none_acceptable, comment, seconds_spent, created_at, strength)`,
        10,
      ),
      comparison: new BatchedInsert(this.sqlite, `${this.comparisons} (ranking, chosen, rejected, chosen_group, rejected_group)`, 5),
      flag: new BatchedInsert(this.sqlite, `${this.flags} (ranking, completion, flag)`, 3),
      taskKey: new BatchedInsert(this.sqlite, `${this.taskKeys} (key, record)`, 2),
      taskByKey: this.sqlite.prepare(`SELECT record FROM ${this.taskKeys} WHERE key = ?`).pluck(),
      taskCompletions: this.sqlite.prepare(`SELECT id, text FROM ${this.completions} WHERE record = ? ORDER BY position`).raw(),
      rankingLine: this.sqlite.prepare(`SELECT line FROM ${this.rankings} WHERE record = ? AND annotator IS ?`).pluck(),
    };
    this.nextRecord = this.nextRanking = 1;
    this.unnamedRankings = 0;
  }

  /** Drops the staging: its tables in the main database, and the scratch database (detached, its file deleted). */
  drop(): void {
    this.statements = undefined;
    for (const table of [this.annotators, this.switch]) this.sqlite.exec(`DROP TABLE IF EXISTS ${table}`);
    if (this.attached()) this.sqlite.exec(`DETACH DATABASE ${this.schema}`);
    if (this.scratchFile) for (const file of [this.scratchFile, `${this.scratchFile}-journal`]) rmSync(file, { force: true });
  }

  private attached(): boolean {
    return (this.sqlite.pragma("database_list") as { name: string }[]).some((d) => `"${d.name}"` === this.schema);
  }

  /** Attaches the scratch database (created when missing) unless it is. */
  private attach(): void {
    if (!this.attached()) this.sqlite.prepare(`ATTACH DATABASE ? AS ${this.schema}`).run(this.scratchFile);
  }

  /**
   * Stages a batch of records in one short transaction. Returns the lines refused (a shared
   * task ranked twice by one annotator: the later line is not staged), in the batch's order.
   * A batch with such an error is rolled back whole (the import fails: a small file then changes
   * nothing, not even the id counters), and so is every batch when `checkOnly` (only find the errors).
   */
  stage(batch: readonly StagedRecord[], options: { checkOnly?: boolean } = {}): StagingError[] {
    const s = this.statements;
    if (!s) throw new Error("staging tables not created");
    const errors: StagingError[] = [];
    if (batch.length === 0) return errors;
    const counters = [this.nextRecord, this.nextRanking, this.unnamedRankings] as const;
    const rolledBack = new Error("check only");
    try {
      this.stageBatch(batch, errors, rolledBack, options.checkOnly ?? false);
    } catch (err) {
      if (err !== rolledBack) throw err;
      [this.nextRecord, this.nextRanking, this.unnamedRankings] = counters;
    }
    return errors;
  }

  /** stage()'s transaction; throws `rollBack` at its end when it found an error or `always`, so that nothing it wrote stays. */
  private stageBatch(batch: readonly StagedRecord[], errors: StagingError[], rollBack: Error, always: boolean): void {
    const s = this.statements!;
    // The completion ids, reserved in a transaction of their own (the database's write lock for
    // a moment); a batch only checked gets provisional ones and moves no counter.
    const wanted = batch.reduce((n, r) => n + r.completions.length, 0);
    const reserved =
      always || wanted === 0
        ? this.highestId("completions")
        : this.sqlite
            .transaction(() => {
              const before = this.sequenceOf("completions");
              const first = this.reserve("completions", wanted);
              this.reservation = { before: this.reservation ? this.reservation.before : before, after: first + wanted };
              return first;
            })
            .immediate();
    // The rows, in the scratch database only: a deferred transaction locks just that file.
    const buffers = [s.record, s.completion, s.ranking, s.comparison, s.flag, s.taskKey];
    const flush = () => {
      for (const buffer of buffers) buffer.flush();
    };
    const stageRecords = () => {
      let nextCompletion = reserved + 1;
      for (const record of batch) {
        const key = record.sharedTask ? taskKey(record) : undefined;
        // A shared task's lookups read what this batch staged before it: written out first.
        if (key !== undefined) flush();
        const earlier = key === undefined ? undefined : (s.taskByKey.get(key) as number | undefined);
        let local: number;
        let completionIds: number[];
        if (earlier !== undefined) {
          local = earlier;
          completionIds = this.sameCompletions(earlier, record);
        } else {
          local = this.nextRecord++;
          // JSON columns as drizzle writes them: JSON text, SQL NULL when absent.
          s.record.add(local, JSON.stringify(record.messages), record.externalId ?? null, record.promptMetadata ? JSON.stringify(record.promptMetadata) : null);
          completionIds = record.completions.map((c, position) => {
            const id = nextCompletion++;
            s.completion.add(id, local, position, c.text, c.model ?? null, c.metadata ? JSON.stringify(c.metadata) : null);
            return id;
          });
          if (key !== undefined) s.taskKey.add(key, local);
        }
        if (!record.ranking) continue;
        const by = record.rankedBy;
        const annotator = by?.annotator ?? null;
        if (earlier !== undefined) {
          const line = s.rankingLine.get(earlier, annotator) as number | null | undefined;
          if (line !== undefined) {
            const who = annotator === null ? "the same annotator" : `annotator ${JSON.stringify(annotator)}`;
            errors.push({
              line: record.line ?? 0,
              message: `annotator: ${who} already ranked this task (the same prompt and completion texts) on line ${line ?? "?"}; one ranking per annotator and task`,
            });
            continue;
          }
        }
        const groups = record.ranking.map((group) => group.map((i) => completionIds[i]));
        const ranking = this.nextRanking++;
        if (annotator === null) this.unnamedRankings++;
        s.ranking.add(
          ranking,
          local,
          JSON.stringify(groups),
          annotator,
          record.line ?? null,
          by?.noneAcceptable ? 1 : 0,
          by?.comment ?? null,
          by?.secondsSpent ?? null,
          by?.createdAt ?? null,
          record.strength ?? null,
        );
        for (const f of by?.flags ?? []) s.flag.add(ranking, completionIds[f.completion], f.flag);
        for (const pair of rankingPairs(groups, "all")) s.comparison.add(ranking, pair.chosen, pair.rejected, pair.chosenGroup, pair.rejectedGroup);
      }
      if (always || errors.length > 0) throw rollBack;
      flush();
      return nextCompletion - 1;
    };
    let used: number;
    try {
      used = this.sqlite.transaction(stageRecords).deferred();
    } finally {
      // Rows still buffered when the transaction is rolled back belong to it: they go too.
      for (const buffer of buffers) buffer.discard();
    }
    // Ids reserved for the completions of shared tasks staged before go back, when no one took
    // ids since.
    if (wanted > 0 && used < reserved + wanted) {
      const given = this.sqlite.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'completions' AND seq = ?").run(used, reserved + wanted).changes;
      if (given > 0 && this.reservation) this.reservation.after = used;
    }
  }

  /** The completion ids of staged task `record` for `other`'s completions, in `other`'s order, matched by text (same texts: by position among them). */
  private sameCompletions(record: number, other: ImportRecord): number[] {
    const byText = new Map<string, number[]>();
    for (const [id, text] of this.statements!.taskCompletions.all(record) as [number, string][]) {
      const ids = byText.get(text);
      if (ids) ids.push(id);
      else byText.set(text, [id]);
    }
    return other.completions.map((c) => {
      const id = byText.get(c.text)?.shift();
      if (id === undefined) throw new Error(`staged task ${record} has no completion "${c.text.slice(0, 40)}" though its key matched`);
      return id;
    });
  }

  /** How many records (tasks) and rankings are staged, and how many of the rankings name no annotator. */
  get counts(): { tasks: number; rankings: number; unnamedRankings: number } {
    return { tasks: this.nextRecord - 1, rankings: this.nextRanking - 1, unnamedRankings: this.unnamedRankings };
  }

  /** The annotators the staged rankings name (each once). */
  annotatorNames(): string[] {
    return this.sqlite.prepare(`SELECT DISTINCT annotator FROM ${this.rankings} WHERE annotator IS NOT NULL`).pluck().all() as string[];
  }

  /**
   * Writes every staged row into the real tables for `projectId`, rankings owned by
   * `rankingUserId` (or by the user `annotatorUsers` maps their annotator's name to), in one go.
   * Call inside one IMMEDIATE transaction: all or nothing.
   */
  switchIn(projectId: number, rankingUserId: number | undefined, annotatorUsers?: ReadonlyMap<string, number>): { tasks: number; rankings: number } {
    const state = this.beginSwitchIn(projectId, rankingUserId, annotatorUsers);
    this.switchInRecords(state, state.records);
    return { tasks: state.records, rankings: state.rankings };
  }

  /**
   * Starts a switch-in made of several transactions (switchInRecords): reserves the ids of every
   * prompt, task and ranking the import will write (so rows other writers add meanwhile get ids
   * after them) and records them, with the switch-in's cursor, in a table of the staging's own:
   * a process that dies midway finds them there (switchInState) and goes on where it stopped.
   * `rankingUserId` owns the rankings that name no annotator; `annotatorUsers` maps every
   * annotator a staged ranking names to its user (kept in the staging with the state).
   * Call inside a write transaction.
   */
  beginSwitchIn(projectId: number, rankingUserId: number | undefined, annotatorUsers?: ReadonlyMap<string, number>): SwitchInState {
    const { tasks: records, rankings, unnamedRankings } = this.counts;
    if (unnamedRankings > 0 && rankingUserId === undefined) throw new Error("ranked records need the user the rankings belong to");
    const names = this.annotatorNames();
    const missing = names.find((name) => !annotatorUsers?.has(name));
    if (missing !== undefined) throw new Error(`no user for the annotator ${JSON.stringify(missing)}`);
    const insertAnnotator = this.sqlite.prepare(`INSERT OR REPLACE INTO ${this.annotators} (name, user_id) VALUES (?, ?)`);
    for (const name of names) insertAnnotator.run(name, annotatorUsers!.get(name)!);
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
    if (this.scratchFile && !existsSync(this.scratchFile))
      throw new Error(`import staging ${this.name}: a switch-in was begun but its scratch file ${this.scratchFile} is gone`);
    this.attach();
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
    this.checkReferences(state);
    const range = { from, to };
    const run = (sql: string, params: Record<string, number | null>) => {
      const t = process.cpuUsage();
      const r = this.sqlite.prepare(sql).run({ ...range, ...params });
      const u = process.cpuUsage(t);
      if (process.env.HT) console.error("SW", sql.slice(0, 30).trim(), ((u.user + u.system) / 1000).toFixed(0), (u.system / 1000).toFixed(0));
      return r;
    };
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
       SELECT id, record + :tasks, position, text, model, metadata FROM ${this.completions} WHERE record >= :from AND record < :to ORDER BY record, id`,
      { tasks: state.tasks },
    );
    if (state.rankings > 0) {
      run(
        `INSERT INTO rankings (id, task_id, user_id, assignment_id, groups, none_acceptable, comment, seconds_spent, source, created_at, strength)
         SELECT r.local_id + :rankings, r.record + :tasks, coalesce(a.user_id, :user), NULL, r.groups, r.none_acceptable, r.comment, r.seconds_spent, 'imported',
           coalesce(r.created_at, cast(unixepoch('subsec') * 1000 as integer)), r.strength
         FROM ${this.rankings} r LEFT JOIN ${this.annotators} a ON a.name = r.annotator
         WHERE r.record >= :from AND r.record < :to ORDER BY r.record, r.local_id`,
        { rankings: state.rankingsOffset, tasks: state.tasks, user: state.rankingUserId },
      );
      run(
        `INSERT OR IGNORE INTO ranking_flags (ranking_id, completion_id, flag)
         SELECT f.ranking + :rankings, f.completion, f.flag
         FROM ${this.flags} f JOIN ${this.rankings} r ON r.local_id = f.ranking
         WHERE r.record >= :from AND r.record < :to ORDER BY f.rowid`,
        { rankings: state.rankingsOffset },
      );
      run(
        `INSERT INTO comparisons (ranking_id, chosen_id, rejected_id, chosen_group, rejected_group)
         SELECT c.ranking + :rankings, c.chosen, c.rejected, c.chosen_group, c.rejected_group
         FROM ${this.rankings} r JOIN ${this.comparisons} c ON c.ranking = r.local_id
         WHERE r.record >= :from AND r.record < :to ORDER BY r.record, r.local_id, c.rowid`,
        { rankings: state.rankingsOffset },
      );
    }
    state.nextRecord = to;
    this.sqlite.prepare(`UPDATE ${this.switch} SET next_record = ?`).run(to);
    return state.records + 1 - to;
  }

  /**
   * Runs `write` (a switch-in step: its own transaction, or the one switchIn runs in) with SQLite's
   * foreign-key checks off when no transaction is open, so that they can be turned off (a pragma
   * that is a no-op inside one), and back on after, whatever happens. A step's rows refer only to
   * rows it writes itself, at ids it computed, and to the project and users checkReferences finds
   * in the same transaction: a lookup per row in each parent table (eight for a trl row) checked
   * what holds by construction, and cost the switch-in about a fifth of its time. Deletes (a
   * rolled-back switch-in) keep the checks: their cascades are foreign-key actions.
   */
  withoutForeignKeyChecks<T>(write: () => T): T {
    if (this.sqlite.inTransaction || !this.sqlite.pragma("foreign_keys", { simple: true })) return write();
    this.sqlite.pragma("foreign_keys = OFF");
    try {
      return write();
    } finally {
      this.sqlite.pragma("foreign_keys = ON");
    }
  }

  /**
   * What a switch-in step's rows refer to outside the step: the project and the rankings' users.
   * Another writer may delete the project between the steps of a chunked switch-in; the step then
   * fails, as the foreign keys would make it fail.
   */
  private checkReferences(state: SwitchInState): void {
    if (!this.sqlite.prepare("SELECT 1 FROM projects WHERE id = ?").get(state.projectId))
      throw new Error(`import staging ${this.name}: project ${state.projectId} no longer exists`);
    if (state.rankings === 0) return;
    const missing = this.sqlite
      .prepare(
        `SELECT u.id FROM (SELECT ? AS id UNION SELECT user_id FROM ${this.annotators}) u LEFT JOIN users ON users.id = u.id WHERE u.id IS NOT NULL AND users.id IS NULL`,
      )
      .pluck()
      .get(state.rankingUserId);
    if (missing !== undefined) throw new Error(`import staging ${this.name}: user ${missing} no longer exists`);
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

  /**
   * Gives back the completion ids the staged batches reserved, for an import that ends without
   * switching in (an invalid line after the first batches): the counter goes back to where it
   * was, so rejected input leaves every table as it found it, sqlite_sequence included. Only
   * when nobody took ids after them; otherwise the reserved ids stay a gap (harmless).
   */
  releaseReservation(): void {
    const reservation = this.reservation;
    if (!reservation) return;
    this.sqlite
      .transaction(() => {
        if (this.sequenceOf("completions") !== reservation.after) return;
        if (reservation.before === null) this.sqlite.prepare("DELETE FROM sqlite_sequence WHERE name = 'completions'").run();
        else this.sqlite.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'completions'").run(reservation.before);
      })
      .immediate();
    this.reservation = undefined;
  }

  /** The AUTOINCREMENT counter of a table, null when it has no row in sqlite_sequence. */
  private sequenceOf(table: string): number | null {
    return (this.sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?").pluck().get(table) as number | undefined) ?? null;
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

/** A shared task's identity: its conversation and its completion texts as a multiset (sorted), hashed. */
export function taskKey(record: Pick<ImportRecord, "messages" | "completions">): string {
  const texts = record.completions.map((c) => c.text).sort();
  return createHash("sha256")
    .update(JSON.stringify([record.messages.map((m) => [m.role, m.content]), texts]))
    .digest("base64");
}
