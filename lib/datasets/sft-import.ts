// Importing TRL's conversational SFT JSONL (sft-format.ts) as demonstrations, all or nothing:
// 1. Every line is read and checked without writing; the first MAX_REPORTED_ERRORS errors are
//    kept, each naming its line and field. Any invalid line → nothing is written. A job
//    (sft-import-job.ts) may stop here between batches when it is cancelled.
// 2. One transaction: the project (created by name when missing, in demonstration mode), then per
//    line a prompt, a task without completions and a submitted demonstration (review pending) by
//    the imported annotator (imported-annotator.ts). The demonstration fills the task's slot, so
//    with R = 1 the imported prompts are not handed out again. A job records there that it
//    imported (`inTransaction`), so a rerun after it never imports twice.
// The request imports small files this way; larger ones go to the import job (same code).
import type { Connection, Db } from "../../db/client";
import { createProject, getProject, getProjectByName } from "../projects";
import { ImportError, MAX_REPORTED_ERRORS, PROGRESS_EVERY, STAGE_BATCH_LINES, type ImportProgress, type LineError, type ProjectRef } from "./import";
import { ensureImportedAnnotator } from "./imported-annotator";
import { fileLines, type Line } from "./lines";
import { parseSftLine, type SftRecord } from "./sft-format";
import { refreshAfterBulkWrite } from "../stats/refresh-after-write";

export interface SftImportCounts {
  prompts: number;
  tasks: number;
  rankings: number;
  demonstrations: number;
}

export interface SftImportReport {
  /** What was written: zeros when the file had any invalid line. */
  imported: SftImportCounts;
  errors: LineError[];
  invalidLines: number;
  projectId?: number;
}

export interface SftImportOptions {
  onProgress?: ImportProgress;
  /** Called every STAGE_BATCH_LINES lines of the first pass and once before writing: a job throws here when it was cancelled. */
  betweenBatches?: () => void;
  /** Runs inside the transaction, after the demonstrations are written (a job records there that it imported). */
  inTransaction?: (tx: Db, imported: SftImportCounts & { projectId: number }) => void;
}

const NOTHING: SftImportCounts = { prompts: 0, tasks: 0, rankings: 0, demonstrations: 0 };

function parseLine(line: Line): { record: SftRecord } | { error: string } | null {
  if (line.error !== undefined) return { error: line.error };
  if (line.text.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (err) {
    return { error: `bad JSON: ${(err as Error).message}` };
  }
  return parseSftLine(value);
}

/**
 * Imports an sft JSONL file into a project when every line is valid (see the header); the report
 * lists the invalid lines otherwise. Throws (having written nothing) when a write fails or the
 * project id does not exist.
 */
export function importSftFile(db: Connection, path: string, project: ProjectRef, options: SftImportOptions = {}): SftImportReport {
  const errors: LineError[] = [];
  let invalidLines = 0;
  let read = 0;
  let bytes = 0;
  for (const line of fileLines(path)) {
    const parsed = parseLine(line);
    if (parsed && "error" in parsed) {
      invalidLines++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: line.line, message: parsed.error });
    }
    read = line.line;
    bytes += (line.text?.length ?? 0) + 1;
    if (read % STAGE_BATCH_LINES === 0) options.betweenBatches?.();
    if (options.onProgress && read % PROGRESS_EVERY === 0) options.onProgress("validate", read, bytes);
  }
  options.onProgress?.("validate", read, bytes);
  if (invalidLines > 0) return { imported: NOTHING, errors, invalidLines };
  options.betweenBatches?.();

  const result = db.transaction(
    (tx) => {
      let projectId: number;
      if ("projectName" in project) projectId = getProjectByNameOrCreate(tx, project.projectName).id;
      else if (!getProject(tx, project.projectId)) throw new ImportError(`project ${project.projectId} does not exist`);
      else projectId = project.projectId;
      const annotator = ensureImportedAnnotator(tx);
      const insertPrompt = db.$client.prepare("INSERT INTO prompts (project_id, messages, external_id, metadata) VALUES (?, ?, ?, ?) RETURNING id");
      const insertTask = db.$client.prepare("INSERT INTO tasks (project_id, prompt_id) VALUES (?, ?) RETURNING id");
      const insertDemonstration = db.$client.prepare(
        "INSERT INTO demonstrations (task_id, user_id, text, status, source, submitted_at) VALUES (?, ?, ?, 'submitted', 'imported', ?)",
      );
      const now = Date.now();
      let n = 0;
      for (const line of fileLines(path)) {
        const parsed = parseLine(line);
        if (parsed === null) continue;
        if ("error" in parsed) throw new ImportError(`line ${line.line} changed while it was imported: ${parsed.error}`);
        const { record } = parsed;
        const promptId = (
          insertPrompt.get(projectId, JSON.stringify(record.messages), record.externalId, record.metadata ? JSON.stringify(record.metadata) : null) as {
            id: number;
          }
        ).id;
        const taskId = (insertTask.get(projectId, promptId) as { id: number }).id;
        insertDemonstration.run(taskId, annotator, record.demonstration, now);
        n++;
      }
      const imported = { prompts: n, tasks: n, rankings: 0, demonstrations: n };
      options.inTransaction?.(tx, { ...imported, projectId });
      return { imported, projectId };
    },
    { behavior: "immediate" },
  );
  options.onProgress?.("insert", read, bytes);
  // As importFile does: a large project's statistics (its demonstration counts among them) are queued for the worker now.
  if (result.imported.demonstrations > 0) refreshAfterBulkWrite(db, result.projectId);
  return { ...result, errors: [], invalidLines: 0 };
}

/** A project named in the CLI: the existing one, or a new demonstration project. */
function getProjectByNameOrCreate(db: Db, name: string) {
  return getProjectByName(db, name) ?? createProject(db, { name, mode: "demonstration" });
}
