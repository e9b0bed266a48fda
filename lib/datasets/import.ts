// Importing a JSONL dataset into a project: all or nothing, in constant memory.
//
// Pass 1 reads every line, parses and validates it, and keeps only counts and the first
// MAX_REPORTED_ERRORS errors. Any invalid line → nothing is written. Pass 2 reads the file again
// and inserts every record inside ONE synchronous transaction (better-sqlite3 is synchronous, so
// the file is read with readSync: no await inside the transaction, no other request can slip a
// statement into it, and any failure rolls everything back). An upload is spooled to a temp file
// while pass 1 runs over it, so the body is read once and never held in memory.
import { mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "../../db/client";
import { ensureProject, getProject } from "../projects";
import { parseImportLine } from "./import-formats";
import { BulkTaskWriter } from "./bulk-insert";
import { ensureImportedAnnotator } from "./imported-annotator";
import { byteChunks, fileLines, LineSplitter, type Line } from "./lines";
import type { ImportFormat } from "./record";

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

/** Called every PROGRESS_EVERY lines of each pass (and at its end), e.g. for a progress bar. */
export type ImportProgress = (pass: "validate" | "insert", linesRead: number) => void;
export const PROGRESS_EVERY = 1000;

/** Pass 1, line by line: collects errors and counts what the file would create. */
export class ImportValidator {
  readonly errors: LineError[] = [];
  invalidLines = 0;
  tasks = 0;
  rankings = 0;

  constructor(readonly format: ImportFormat) {}

  check(line: Line): void {
    const parsed = parseImportLine(this.format, line);
    if (parsed === null) return;
    if ("error" in parsed) {
      this.invalidLines++;
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line: line.line, message: parsed.error });
      return;
    }
    this.tasks += parsed.records.length;
    this.rankings += parsed.records.filter((r) => r.ranking).length;
  }

  get valid(): boolean {
    return this.invalidLines === 0;
  }
}

/** Pass 1 over a file on disk. */
export function validateFile(path: string, format: ImportFormat, onProgress?: ImportProgress): ImportValidator {
  const validator = new ImportValidator(format);
  let read = 0;
  for (const line of fileLines(path)) {
    validator.check(line);
    read = line.line;
    if (onProgress && read % PROGRESS_EVERY === 0) onProgress("validate", read);
  }
  onProgress?.("validate", read);
  return validator;
}

function resolveProject(db: Db, project: ProjectRef): number {
  if ("projectName" in project) return ensureProject(db, project.projectName).id;
  if (!getProject(db, project.projectId)) throw new ImportError(`project ${project.projectId} does not exist`);
  return project.projectId;
}

/**
 * Pass 2: inserts every record of a file that passed validation, in one transaction.
 * Throws (and writes nothing) when a line fails to parse after all.
 */
export function insertFile(db: Db, path: string, format: ImportFormat, project: ProjectRef, onProgress?: ImportProgress): ImportCounts & { projectId: number } {
  return db.transaction(
    (tx) => {
      const projectId = resolveProject(tx, project);
      const writer = new BulkTaskWriter(tx, projectId);
      let importedAnnotator: number | undefined;
      let tasks = 0;
      let rankings = 0;
      let read = 0;
      for (const line of fileLines(path)) {
        read = line.line;
        if (onProgress && read % PROGRESS_EVERY === 0) onProgress("insert", read);
        const parsed = parseImportLine(format, line);
        if (parsed === null) continue;
        if ("error" in parsed) throw new ImportError(`line ${line.line}: ${parsed.error} (the file changed during the import?)`);
        for (const record of parsed.records) {
          if (record.ranking) importedAnnotator ??= ensureImportedAnnotator(tx);
          writer.write(record, importedAnnotator);
          tasks++;
          if (record.ranking) rankings++;
        }
      }
      onProgress?.("insert", read);
      return { tasks, rankings, projectId };
    },
    { behavior: "immediate" },
  );
}

function report(validator: ImportValidator, imported: ImportCounts, projectId?: number): ImportReport {
  return { imported, errors: validator.errors, invalidLines: validator.invalidLines, projectId };
}

/** Validates, then (when every line is valid) imports a JSONL file. */
export function importFile(db: Db, path: string, format: ImportFormat, project: ProjectRef, onProgress?: ImportProgress): ImportReport {
  const validator = validateFile(path, format, onProgress);
  if (!validator.valid) return report(validator, { tasks: 0, rankings: 0 });
  const { projectId, ...imported } = insertFile(db, path, format, project, onProgress);
  return report(validator, imported, projectId);
}

/**
 * Imports an uploaded body: streams it to a temp file while validating it, then imports the
 * file. Memory stays flat whatever the size of the upload.
 */
export async function importStream(
  db: Db,
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  format: ImportFormat,
  project: ProjectRef,
  options: { tempDir?: string } = {},
): Promise<ImportReport> {
  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), "palate-import-"));
  try {
    const path = join(dir, "upload.jsonl");
    const validator = new ImportValidator(format);
    const splitter = new LineSplitter();
    const file = await open(path, "w");
    try {
      for await (const chunk of byteChunks(body)) {
        await file.write(chunk);
        for (const line of splitter.push(chunk)) validator.check(line);
      }
      for (const line of splitter.end()) validator.check(line);
    } finally {
      await file.close();
    }
    if (!validator.valid) return report(validator, { tasks: 0, rankings: 0 });
    const { projectId, ...imported } = insertFile(db, path, format, project);
    return report(validator, imported, projectId);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
