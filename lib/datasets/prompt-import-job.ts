// The "import" job for the prompt formats (gsm8k, qa): a large upload of prompts with reference
// answers imported in the worker's child process (lib/jobs/kinds/import.ts sends these formats
// here, the others to import-job.ts). The upload is moved into the job's directory, checked line
// by line (a cancel is honoured between batches), then written in one transaction that also
// records the output `imported`, so a rerun after it never imports twice; a rerun before it
// starts the file again. A bad line fails the job with the first line and field, writes nothing,
// and publishes every bad line as the output `errors`.
import { rmSync } from "node:fs";
import type { Connection } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import type { ImportJobParams } from "../jobs/kinds/import";
import { jobOutputsOf } from "../jobs/queue";
import { failOnInvalidLines, takeUpload, twoPassImportHooks } from "./import-job";
import type { PromptFormat } from "./prompt-formats";
import { importPromptFile } from "./prompt-import";

export async function runPromptImportJob(ctx: JobContext<ImportJobParams & { format: PromptFormat }>): Promise<Record<string, unknown>> {
  const { params } = ctx;
  if (!("$client" in ctx.db)) throw new Error("the import job needs its own database connection");
  const db = ctx.db as Connection;
  const done = jobOutputsOf(ctx.db, ctx.jobId).imported;
  if (done) return done.value as Record<string, unknown>;

  const file = takeUpload(ctx);
  ctx.progress(0, "reading the file");
  let finished = false;
  try {
    const report = importPromptFile(db, file, params.format, { projectId: params.projectId }, twoPassImportHooks(ctx));
    finished = true;
    failOnInvalidLines(ctx, report);
    ctx.log(`Imported ${report.imported.prompts} prompts with reference answers (${report.duplicates} duplicates skipped).`);
    return { projectId: report.projectId, ...report.imported, duplicates: report.duplicates };
  } finally {
    // The upload goes once the import has an outcome; an interrupted run keeps it to start again.
    if (finished) rmSync(file, { force: true });
  }
}
