// The file a finished job offers for download, by kind (GET /api/jobs/[id]/download): a best-of-n
// run's kept answers, as `palate sft --file/--mix` reads them. Only that fixed name inside the
// job's own directory is ever served — nothing the job's parameters or result name — and only once
// the job has ended, so a download is never a file still being written (a cancelled or failed run
// offers what it kept before it stopped).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { BEST_OF_N_JOB_KIND, BEST_OF_N_KEPT_FILE } from "../best-of-n/job-params";
import type { Job } from "./queue";

export interface JobDownload {
  path: string;
  /** The name the browser saves it under. */
  filename: string;
  contentType: string;
}

const DOWNLOADS: Record<string, { file: string; contentType: string }> = {
  [BEST_OF_N_JOB_KIND]: { file: BEST_OF_N_KEPT_FILE, contentType: "application/x-ndjson; charset=utf-8" },
};

/** The job's file to download, or why there is none (a 404's message). */
export function jobDownload(data: string, job: Pick<Job, "id" | "kind" | "status">): JobDownload | { missing: string } {
  const spec = DOWNLOADS[job.kind];
  if (!spec) return { missing: `a ${job.kind} job has no file to download` };
  if (job.status === "queued" || job.status === "running") return { missing: `job ${job.id} is ${job.status}; its file is ready when it ends` };
  const path = join(/*turbopackIgnore: true*/ data, "jobs", String(job.id), spec.file);
  if (!existsSync(path)) return { missing: `job ${job.id} wrote no ${spec.file}` };
  return { path, filename: `${job.kind}-${job.id}-${spec.file}`, contentType: spec.contentType };
}
