// Importing a JSONL dataset into a project: all or nothing, in constant memory, without holding
// the write lock for long.
//
// One pass reads every line, parses and validates it, keeps counts and the first
// MAX_REPORTED_ERRORS errors, and stages the records in batches of short transactions
// (import-staging.ts). Any invalid line → the staging tables are dropped and nothing is written.
// Otherwise the staged rows are switched in (set-based INSERT … SELECT) and the staging is dropped:
// by default in one transaction (a 150,000-line file holds the write lock for about 0.5 s on an
// idle machine, several times that on a busy one), or, for the import job, in steps of about
// 60 ms of lock each with pauses between them (chunkedSwitchIn), so requests never wait long.
// An upload is first spooled to a file (upload.ts); large ones are imported by an `import` job in
// the worker's child process (lib/jobs/kinds/import.ts), small ones by the request itself.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Connection, Db } from "../../db/client";
import { ensureProject, getProject } from "../projects";
import { refreshAfterBulkWrite } from "../stats/refresh-after-write";
import { parseImportLine } from "./import-formats";
import { ImportStaging, type StagedRecord, type SwitchInState } from "./import-staging";
import { ensureImportedAnnotator, ensureImportedIdentities } from "./imported-annotator";
import { fileLines, type Line } from "./lines";
import type { ImportFormat, ImportRecord } from "./record";
import { spoolToFile } from "./upload";

/** At most this many line errors are reported; `invalidLines` counts them all. */
export const MAX_REPORTED_ERRORS = 100;

export interface LineError {
  line: number;
  message: string;
}

export interface ImportCounts {
  tasks: number;
  rankings: number;
}

export interface ImportReport {
  /** What was written: zeros when the file had any invalid line. */
  imported: ImportCounts;
  /** The first MAX_REPORTED_ERRORS invalid lines, in file order. */
  errors: LineError[];
  /** How many lines were invalid in all. */
  invalidLines: number;
  /** The project written to (undefined when nothing was written and the project did not exist). */
  projectId?: number;
}

/** The project to import into: an existing one by id, or one by name, created with default settings when missing. */
export type ProjectRef = { projectId: number } | { projectName: string };

export class ImportError extends Error {}

/**
 * Called every PROGRESS_EVERY lines while the file is read and staged ("validate", with about how
 * many bytes were read), then once when the staged rows are switched in ("insert").
 */
export type ImportProgress = (pass: "validate" | "insert", linesRead: number, bytesRead: number) => void;
export const PROGRESS_EVERY = 1000;
/**
 * Staged records are committed every this many lines. A batch's records live until it is staged:
 * at 2,000 lines of ~1 KB they outlived V8's young generation and were copied and promoted by
 * every scavenge (twice the bytes surviving, half again the GC pauses of a 200k-line import);
 * at 500 they mostly die young, for four times as many (millisecond) batch transactions.
 */
export const STAGE_BATCH_LINES = 500;
/** A chunked switch-in aims to hold the write lock about this long per step… */
export const SWITCH_IN_HOLD_MS = 60;
/** …and lets go of it at least this long between steps (SQLite's busy handler sleeps up to 100 ms between tries). */
export const SWITCH_IN_PAUSE_MS = 120;
const SWITCH_IN_FIRST_STEP = 5000;
const SWITCH_IN_MIN_STEP = 200;
const SWITCH_IN_MAX_STEP = 50_000;

/**
 * Pass 1, line by line: collects errors and counts what the file would create (records and
 * rankings; the lines of the `rankings` format that share a task count once each here, and once
 * per task in what the import reports).
 */
export class ImportValidator {
  readonly errors: LineError[] = [];
  invalidLines = 0;
  tasks = 0;
  rankings = 0;

  constructor(readonly format: ImportFormat) {}

  check(line: Line): void {
    this.accept(line);
  }

  /** Checks one line: its records when it is valid, none when it is blank or invalid (then counted and reported). */
  accept(line: Line): ImportRecord[] {
    const parsed = parseImportLine(this.format, line);
    if (parsed === null) return [];
    if ("error" in parsed) {
      this.invalidLines++;
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line: line.line, message: parsed.error });
      return [];
    }
    this.tasks += parsed.records.length;
    this.rankings += parsed.records.filter((r) => r.ranking).length;
    return parsed.records;
  }

  /** A line found invalid later than its parse (while staging: a second ranking of a task by one annotator). */
  reject(line: number, message: string): void {
    this.invalidLines++;
    this.errors.push({ line, message });
    // Staging errors surface a batch late: keep the report in file order, the first ones kept.
    this.errors.sort((a, b) => a.line - b.line);
    if (this.errors.length > MAX_REPORTED_ERRORS) this.errors.length = MAX_REPORTED_ERRORS;
  }

  get valid(): boolean {
    return this.invalidLines === 0;
  }
}

/** Checks every line of a file on disk, writing nothing. */
export function validateFile(path: string, format: ImportFormat): ImportValidator {
  const validator = new ImportValidator(format);
  for (const line of fileLines(path)) validator.check(line);
  return validator;
}

function resolveProject(db: Db, project: ProjectRef): number {
  if ("projectName" in project) return ensureProject(db, project.projectName).id;
  if (!getProject(db, project.projectId)) throw new ImportError(`project ${project.projectId} does not exist`);
  return project.projectId;
}

function report(validator: ImportValidator, imported: ImportCounts, projectId?: number): ImportReport {
  return { imported, errors: validator.errors, invalidLines: validator.invalidLines, projectId };
}

export interface ImportOptions {
  onProgress?: ImportProgress;
  /** Called between staged batches: a job throws here when it was cancelled. */
  betweenBatches?: () => void;
  /** Names the staging tables (letters, digits, _): a job passes its id, so a rerun replaces what a crashed run left. Default: unique. */
  stagingName?: string;
  /** Runs inside the switch-in transaction, after the rows are written (a job records there that it imported, so a rerun never imports twice). */
  inSwitchIn?: (tx: Db, imported: ImportCounts & { projectId: number }) => void;
  /**
   * Switch the staged rows in by short steps instead of one transaction, so the write lock is
   * never held for long (the import job does). Needs a `stagingName` that a rerun reuses: the
   * rows appear step by step, and a process that dies midway leaves the switch-in to a rerun,
   * which finishes it without reading the file again (all or nothing in what is finally kept,
   * not in what a reader sees during those seconds).
   */
  chunkedSwitchIn?: boolean;
  /** Called after each step of a chunked switch-in with the records written so far and their total. */
  onSwitchInStep?: (written: number, total: number) => void;
}

/**
 * Imports a JSONL file when every line is valid (all or nothing): reads and stages it in
 * batches, then switches the rows in with one transaction. The report lists the invalid lines
 * otherwise. Throws (having written nothing) when a write fails. A successful import into a
 * project past the statistics' inline size queues its statistics refresh (refresh-after-write.ts).
 */
export function importFile(
  db: Connection,
  path: string,
  format: ImportFormat,
  project: ProjectRef,
  optionsOrProgress: ImportOptions | ImportProgress = {},
): ImportReport {
  const result = importAllOrNothing(db, path, format, project, optionsOrProgress);
  // A large project's statistics are queued for the worker now, not at their first view.
  if (result.projectId !== undefined && result.imported.tasks > 0) refreshAfterBulkWrite(db, result.projectId);
  return result;
}

function importAllOrNothing(
  db: Connection,
  path: string,
  format: ImportFormat,
  project: ProjectRef,
  optionsOrProgress: ImportOptions | ImportProgress,
): ImportReport {
  const options = typeof optionsOrProgress === "function" ? { onProgress: optionsOrProgress } : optionsOrProgress;
  const { onProgress } = options;
  const staging = new ImportStaging(db.$client, options.stagingName ?? `${process.pid}_${randomBytes(6).toString("hex")}`);
  let keepStaging = false;
  try {
    // A chunked switch-in that a dead process began is finished, not started again.
    const begun = options.chunkedSwitchIn ? staging.switchInState() : undefined;
    if (begun) {
      keepStaging = true;
      const imported = switchInChunks(db, staging, begun, options);
      keepStaging = false;
      return { imported: { tasks: imported.tasks, rankings: imported.rankings }, errors: [], invalidLines: 0, projectId: imported.projectId };
    }
    staging.create();
    const validator = new ImportValidator(format);
    let batch: StagedRecord[] = [];
    const stage = (checkOnly = false) => {
      for (const e of staging.stage(batch, { checkOnly })) validator.reject(e.line, e.message);
    };
    let read = 0;
    let bytes = 0;
    for (const line of fileLines(path)) {
      const wasValid = validator.valid;
      const records = validator.accept(line);
      // After the first invalid line nothing more is staged: the rest is only checked, for the
      // report. What came before it is staged still, for the errors only staging finds (a task
      // ranked twice by one annotator).
      if (validator.valid) for (const record of records) batch.push({ ...record, line: line.line });
      else if (wasValid) {
        // Checked only (rolled back): an invalid file changes nothing, not even the id counters.
        if (batch.some((r) => r.sharedTask)) stage(true);
        batch = [];
      }
      read = line.line;
      bytes += (line.text?.length ?? 0) + 1;
      if (read % STAGE_BATCH_LINES === 0) {
        if (validator.valid) stage();
        batch = [];
        options.betweenBatches?.();
      }
      if (onProgress && read % PROGRESS_EVERY === 0) onProgress("validate", read, bytes);
    }
    onProgress?.("validate", read, bytes);
    const rejected = () => {
      staging.releaseReservation();
      return report(validator, { tasks: 0, rankings: 0 });
    };
    if (!validator.valid) return rejected();
    stage();
    if (!validator.valid) return rejected();
    options.betweenBatches?.();
    const begin = (tx: Db) => {
      const projectId = resolveProject(tx, project);
      const rankingUser = staging.counts.unnamedRankings > 0 ? ensureImportedAnnotator(tx) : undefined;
      // The annotators a `rankings` file names: imported identities, created when new.
      const names = staging.annotatorNames();
      const identities = names.length > 0 ? ensureImportedIdentities(tx, names) : undefined;
      return staging.beginSwitchIn(projectId, rankingUser, identities);
    };
    if (options.chunkedSwitchIn) {
      const state = db.transaction(begin, { behavior: "immediate" });
      // From here on the import is committed to finishing: a crash leaves the state to resume from.
      keepStaging = true;
      const { projectId, ...imported } = switchInChunks(db, staging, state, options);
      keepStaging = false;
      onProgress?.("insert", read, bytes);
      return report(validator, imported, projectId);
    }
    const { projectId, ...imported } = staging.withoutForeignKeyChecks(() =>
      db.transaction(
        (tx) => {
          const state = begin(tx);
          staging.switchInRecords(state, state.records);
          const counts = { tasks: state.records, rankings: state.rankings, projectId: state.projectId };
          options.inSwitchIn?.(tx, counts);
          return counts;
        },
        { behavior: "immediate" },
      ),
    );
    onProgress?.("insert", read, bytes);
    return report(validator, imported, projectId);
  } finally {
    if (!keepStaging) staging.drop();
  }
}

/**
 * A switch-in in short transactions: each writes as many records as fit in about
 * SWITCH_IN_HOLD_MS of the write lock (measured, so a loaded machine takes smaller steps), then
 * the import lets go of the lock for at least SWITCH_IN_PAUSE_MS, longer than SQLite's busy
 * handler sleeps between tries, so every request waiting for the lock gets it in between. The
 * last step also runs `inSwitchIn`. The rows appear step by step, at ids reserved up front.
 * `betweenBatches` throwing between steps (a cancel) rolls back what was written, then rethrows.
 */
function switchInChunks(db: Connection, staging: ImportStaging, state: SwitchInState, options: ImportOptions): ImportCounts & { projectId: number } {
  const counts = { tasks: state.records, rankings: state.rankings, projectId: state.projectId };
  let size = SWITCH_IN_FIRST_STEP;
  for (;;) {
    const t0 = performance.now();
    const left = staging.withoutForeignKeyChecks(() =>
      db.transaction(
        (tx) => {
          const left = staging.switchInRecords(state, size);
          if (left === 0) options.inSwitchIn?.(tx, counts);
          return left;
        },
        { behavior: "immediate" },
      ),
    );
    const held = performance.now() - t0;
    options.onSwitchInStep?.(state.nextRecord - 1, state.records);
    if (left === 0) return counts;
    size = Math.max(SWITCH_IN_MIN_STEP, Math.min(SWITCH_IN_MAX_STEP, Math.round((size * SWITCH_IN_HOLD_MS) / Math.max(held, 1))));
    sleepSync(Math.max(SWITCH_IN_PAUSE_MS, held));
    try {
      options.betweenBatches?.();
    } catch (err) {
      // Cancelled midway: what was written goes again, by the same short steps.
      staging.rollBackSwitchIn(state, SWITCH_IN_MIN_STEP * 10, (ms) => sleepSync(Math.max(SWITCH_IN_PAUSE_MS, ms)));
      throw err;
    }
  }
}

/** Blocks this thread for `ms` (the import is synchronous; a job's child process has nothing else to do meanwhile). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Imports an uploaded body: spools it to a temp file, then imports the file. Memory stays flat
 * whatever the size of the upload.
 */
export async function importStream(
  db: Connection,
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  format: ImportFormat,
  project: ProjectRef,
  options: { tempDir?: string } = {},
): Promise<ImportReport> {
  const dir = mkdtempSync(`${options.tempDir ?? tmpdir()}/palate-import-`);
  try {
    const { path } = await spoolToFile(body, `${dir}/upload.jsonl`);
    return importFile(db, path, format, project);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
