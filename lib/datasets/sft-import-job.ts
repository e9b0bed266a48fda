// The "import" job for the sft format (TRL's conversational SFT rows → demonstrations): a large
// upload imported in the worker's child process (lib/jobs/kinds/import.ts sends sft here). As for
// the prompt formats (prompt-import-job.ts): the upload is moved into the job's directory, checked
// line by line (a cancel is honoured between batches), then written in one transaction
// (sft-import.ts) that also records the output `imported`, so a rerun after it never imports
// twice and a rerun before it starts the file again. A bad line fails the job with the first line
// and field, writes nothing, and publishes every bad line as the output `errors`.
import { rmSync } from "node:fs";
import type { Connection } from "../../db/client";
import type { JobContext } from "../jobs/kind";
import type { ImportJobParams } from "../jobs/kinds/import";
import { jobOutputsOf } from "../jobs/queue";
import { failOnInvalidLines, takeUpload, twoPassImportHooks } from "./import-job";
import { importSftFile } from "./sft-import";

export async function runSftImportJob(ctx: JobContext<ImportJobParams>): Promise<Record<string, unknown>> {
  const { params } = ctx;
  if (!("$client" in ctx.db)) throw new Error("the import job needs its own database connection");
  const db = ctx.db as Connection;
  const done = jobOutputsOf(ctx.db, ctx.jobId).imported;
  if (done) return done.value as Record<string, unknown>;

  const file = takeUpload(ctx);
  ctx.progress(0, "reading the file");
  let finished = false;
  try {
    const report = importSftFile(db, file, { projectId: params.projectId }, twoPassImportHooks(ctx));
    finished = true;
    failOnInvalidLines(ctx, report);
    ctx.log(`Imported ${report.imported.demonstrations} demonstrations (each a prompt with a task).`);
    return { projectId: report.projectId, ...report.imported };
  } finally {
    // The upload goes once the import has an outcome; an interrupted run keeps it to start again.
    if (finished) rmSync(file, { force: true });
  }
}
