// What the "import" job does (lib/jobs/kinds/import.ts): imports its spooled upload into the
// project, reporting progress, stopping between batches when cancelled.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Connection, Db } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import type { ImportJobParams } from "../jobs/kinds/import";
import { jobOutputsOf, setJobOutput } from "../jobs/queue";
import { importFile, ImportError, type ImportProgress } from "./import";
import { ImportStaging } from "./import-staging";
import type { ImportFormat } from "./record";

/** Where uploads wait for their import job: <data>/imports. */
export function importUploadsDir(dataDir: string): string {
  return join(dataDir, "imports");
}

/**
 * The job's upload, moved from <data>/imports into the job's own directory on its first run (a
 * rerun finds it there). Every format's import job starts here.
 */
export function takeUpload(ctx: JobContext<ImportJobParams>): string {
  // runJob puts the job's directory at <data>/jobs/<id>.
  const dataDir = dirname(dirname(ctx.artifactDir));
  const file = join(ctx.artifactDir, "upload.jsonl");
  const spooled = join(importUploadsDir(dataDir), ctx.params.upload);
  if (!existsSync(file)) {
    if (!existsSync(spooled)) throw new ImportError(`the uploaded file ${ctx.params.upload} is gone`);
    mkdirSync(ctx.artifactDir, { recursive: true });
    renameSync(spooled, file);
  }
  return file;
}

/**
 * The hooks a two-pass line import (prompt and sft files) takes in a job: cancellation between
 * batches, progress (reading up to 95% by bytes, then the write), and the "imported" output
 * recorded in the write's own transaction, so a rerun never imports twice.
 */
export function twoPassImportHooks(ctx: JobContext<ImportJobParams>) {
  const total = Math.max(1, ctx.params.bytes);
  const onProgress: ImportProgress = (pass, lines, bytes) =>
    pass === "validate"
      ? ctx.progress(Math.min(0.95, (0.95 * bytes) / total), `read ${lines.toLocaleString("en")} lines`)
      : ctx.progress(1, `imported ${lines.toLocaleString("en")} lines`);
  return {
    betweenBatches: () => ctx.throwIfCancelled(),
    onProgress,
    inTransaction: (tx: Db, imported: unknown) => setJobOutput(tx, ctx.jobId, "imported", imported),
  };
}

/** Fails the job when the file had invalid lines (nothing was imported): every error in the "errors" output, the first in the message. */
export function failOnInvalidLines(ctx: JobContext<ImportJobParams>, report: { invalidLines: number; errors: { line: number; message: string }[] }): void {
  if (report.invalidLines === 0) return;
  ctx.output("errors", { errors: report.errors, invalidLines: report.invalidLines });
  const first = report.errors[0];
  throw new ImportError(`${report.invalidLines} invalid line(s), nothing imported (first: line ${first.line}: ${first.message})`);
}

export async function runImportJob(ctx: JobContext<ImportJobParams & { format: ImportFormat }>): Promise<Record<string, unknown>> {
  const { params } = ctx;
  if (!("$client" in ctx.db)) throw new Error("the import job needs its own database connection");
  const db = ctx.db as Connection;
  const stagingName = `job_${ctx.jobId}`;
  const done = jobOutputsOf(ctx.db, ctx.jobId).imported;
  if (done) {
    // Switched in before a crash: only the staging tables may be left to clear.
    new ImportStaging(db.$client, stagingName).drop();
    return done.value as Record<string, unknown>;
  }

  const file = takeUpload(ctx);
  const total = Math.max(1, params.bytes);
  ctx.progress(0, "reading the file");
  let finished = false;
  try {
    const report = importFile(
      db,
      file,
      params.format,
      { projectId: params.projectId },
      {
        stagingName,
        chunkedSwitchIn: true,
        betweenBatches: () => ctx.throwIfCancelled(),
        onSwitchInStep: (written, total) =>
          ctx.progress(0.95 + (0.05 * written) / Math.max(total, 1), `switched in ${written.toLocaleString("en")} of ${total.toLocaleString("en")} records`),
        onProgress: (pass, lines, bytes) =>
          pass === "validate"
            ? ctx.progress(Math.min(0.95, (0.95 * bytes) / total), `read ${lines.toLocaleString("en")} lines`)
            : ctx.progress(1, `switched in ${lines.toLocaleString("en")} lines`),
        inSwitchIn: (tx, imported) => setJobOutput(tx, ctx.jobId, "imported", imported),
      },
    );
    if (report.invalidLines > 0) {
      finished = true;
      ctx.output("errors", { errors: report.errors, invalidLines: report.invalidLines });
      const first = report.errors[0];
      throw new ImportError(`${report.invalidLines} invalid line(s), nothing imported (first: line ${first.line}: ${first.message})`);
    }
    finished = true;
    const result = { projectId: report.projectId, ...report.imported };
    ctx.log(`Imported ${report.imported.tasks} tasks and ${report.imported.rankings} rankings.`);
    return result;
  } finally {
    // The upload goes once the import has an outcome; an interrupted run keeps it to start again.
    if (finished) rmSync(file, { force: true });
  }
}
