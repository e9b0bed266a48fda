// Importing prompts with reference answers (the `gsm8k` and `qa` formats, prompt-formats.ts):
// prompts without tasks, all or nothing.
//
// The task-creating import (import.ts) stages records that each carry two or more completions;
// these lines carry none, so they take a path of their own, in two passes over the file:
// 1. Read and check every line without writing: the first MAX_REPORTED_ERRORS errors are kept,
//    each naming its line and field, and every invalid line is counted. Any invalid line → nothing
//    is written. This pass also finds duplicates within the file.
// 2. One transaction: the project (created by name when missing), then every prompt inserted as
//    the file is read again. Prompts already in the project are checked here, under the write
//    lock, so no other writer slips one in between: a conflict rolls everything back.
// The write lock is held for the second pass only, about a second per 100,000 short lines.
//
// Duplicates (the same conversation, compared exactly):
// - a line whose prompt an earlier line or a prompt of the project already has WITH THE SAME
//   reference is skipped and counted (`duplicates`): importing a file twice adds nothing;
// - with ANOTHER reference it is an error naming both (the earlier line, or the prompt's id);
// - a project prompt without a reference (imported with completions, typed in) is no
//   duplicate: the imported prompt with its reference is added beside it.
import { createHash } from "node:crypto";
import type { Connection, Db } from "../../db/client";
import type { Message } from "../../db/schema";
import { ensureProject, getProject } from "../projects";
import { referenceOf } from "../rewards/reference";
import { ImportError, MAX_REPORTED_ERRORS, PROGRESS_EVERY, STAGE_BATCH_LINES, type ImportProgress, type LineError, type ProjectRef } from "./import";
import { fileLines } from "./lines";
import { parsePromptLine, type PromptFormat, type PromptRecord } from "./prompt-formats";
import { preview } from "./record";

export interface PromptImportCounts {
  prompts: number;
  /** Always 0: these formats create no tasks (kept so one answer shape serves every format). */
  tasks: number;
  rankings: number;
}

export interface PromptImportReport {
  /** What was written: zeros when the file had any invalid line. */
  imported: PromptImportCounts;
  /** Lines skipped as duplicates of an earlier line or of a prompt of the project (same prompt, same reference). */
  duplicates: number;
  /** The first MAX_REPORTED_ERRORS invalid lines, in file order. */
  errors: LineError[];
  invalidLines: number;
  /** The project written to (undefined when nothing was written). */
  projectId?: number;
}

export interface PromptImportOptions {
  onProgress?: ImportProgress;
  /** Called every STAGE_BATCH_LINES lines of the first pass: a job throws here when it was cancelled. */
  betweenBatches?: () => void;
  /** Runs inside the transaction, after the prompts are written (a job records there that it imported, so a rerun never imports twice). */
  inTransaction?: (tx: Db, imported: PromptImportCounts & { duplicates: number; projectId: number }) => void;
}

/** A conversation's identity for duplicates: a hash of its roles and contents. */
export function promptKey(messages: readonly Message[]): string {
  const canonical = JSON.stringify(messages.map((m) => [m.role, m.content]));
  return createHash("sha256").update(canonical).digest("base64");
}

class Errors {
  readonly list: LineError[] = [];
  count = 0;
  add(line: number, message: string): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_ERRORS) this.list.push({ line, message });
  }
}

/** Thrown inside the transaction to roll it back when a line conflicts with a prompt of the project. */
class Conflicts extends Error {}

const NOTHING: PromptImportCounts = { prompts: 0, tasks: 0, rankings: 0 };

function anotherReference(field: string, where: string, theirs: string, ours: string): string {
  return `${field}: the same prompt as ${where}, with another reference (${preview(theirs)} there, ${preview(ours)} here)`;
}

/** The prompts of a project that have a reference, by promptKey. */
function projectReferences(db: Connection, projectId: number): Map<string, { id: number; reference: string }> {
  const rows = db.$client
    .prepare(
      `SELECT id, messages, metadata FROM prompts
       WHERE project_id = ? AND json_valid(metadata) AND json_type(metadata, '$.reference') IN ('text', 'integer', 'real')`,
    )
    .iterate(projectId) as IterableIterator<{ id: number; messages: string; metadata: string }>;
  const out = new Map<string, { id: number; reference: string }>();
  for (const row of rows) {
    const reference = referenceOf(JSON.parse(row.metadata));
    if (reference === null) continue;
    const key = promptKey(JSON.parse(row.messages) as Message[]);
    if (!out.has(key)) out.set(key, { id: row.id, reference });
  }
  return out;
}

/**
 * Imports a gsm8k or qa JSONL file as prompts with reference answers, when every line is valid
 * (all or nothing, see the header). The report lists the invalid lines otherwise. Throws (having
 * written nothing) when a write fails or the project does not exist.
 */
export function importPromptFile(
  db: Connection,
  path: string,
  format: PromptFormat,
  project: ProjectRef,
  options: PromptImportOptions = {},
): PromptImportReport {
  const { onProgress } = options;
  const errors = new Errors();
  const failed = (): PromptImportReport => ({ imported: NOTHING, duplicates: 0, errors: errors.list, invalidLines: errors.count });

  // Pass 1: every line checked; duplicates within the file found; nothing written.
  const firstOf = new Map<string, { line: number; reference: string }>();
  const skip = new Set<number>();
  let read = 0;
  let bytes = 0;
  for (const line of fileLines(path)) {
    const parsed = parsePromptLine(format, line);
    if (parsed !== null) {
      if ("error" in parsed) errors.add(line.line, parsed.error);
      else {
        const { record } = parsed;
        const key = promptKey(record.messages);
        const first = firstOf.get(key);
        if (!first) firstOf.set(key, { line: line.line, reference: record.reference });
        else if (first.reference === record.reference) skip.add(line.line);
        else errors.add(line.line, anotherReference(record.promptField, `line ${first.line}`, first.reference, record.reference));
      }
    }
    read = line.line;
    bytes += (line.text?.length ?? 0) + 1;
    if (read % STAGE_BATCH_LINES === 0) options.betweenBatches?.();
    if (onProgress && read % PROGRESS_EVERY === 0) onProgress("validate", read, bytes);
  }
  onProgress?.("validate", read, bytes);
  if (errors.count > 0) return failed();
  firstOf.clear();
  options.betweenBatches?.();

  // Pass 2: one transaction.
  try {
    const result = db.transaction(
      (tx) => {
        let projectId: number;
        if ("projectName" in project) projectId = ensureProject(tx, project.projectName).id;
        else if (!getProject(tx, project.projectId)) throw new ImportError(`project ${project.projectId} does not exist`);
        else projectId = project.projectId;
        const existing = projectReferences(db, projectId);
        const insert = db.$client.prepare("INSERT INTO prompts (project_id, messages, external_id, metadata) VALUES (?, ?, ?, ?)");
        let prompts = 0;
        let duplicates = skip.size;
        for (const line of fileLines(path)) {
          if (skip.has(line.line)) continue;
          const parsed = parsePromptLine(format, line);
          if (parsed === null) continue;
          if ("error" in parsed) throw new ImportError(`line ${line.line} changed while it was imported: ${parsed.error}`);
          const record: PromptRecord = parsed.record;
          const found = existing.get(promptKey(record.messages));
          if (found && found.reference === record.reference) {
            duplicates++;
            continue;
          }
          if (found) {
            errors.add(line.line, anotherReference(record.promptField, `prompt ${found.id} of the project`, found.reference, record.reference));
            continue;
          }
          if (errors.count === 0) {
            insert.run(projectId, JSON.stringify(record.messages), record.externalId, JSON.stringify(record.metadata));
            prompts++;
          }
        }
        if (errors.count > 0) throw new Conflicts();
        const counts = { ...NOTHING, prompts };
        options.inTransaction?.(tx, { ...counts, duplicates, projectId });
        return { imported: counts, duplicates, projectId };
      },
      { behavior: "immediate" },
    );
    onProgress?.("insert", read, bytes);
    return { ...result, errors: [], invalidLines: 0 };
  } catch (err) {
    if (err instanceof Conflicts) return failed();
    throw err;
  }
}
