// The "import" job kind: a large upload imported in the worker's child process, so the web server
// stays responsive (POST /api/projects/[id]/import enqueues it for files above the synchronous
// size). The route spools the upload to <data>/imports/<upload>; the job moves it into its own
// directory, reads and stages it in batches, and switches it in by short steps
// (lib/datasets/import.ts, chunkedSwitchIn): a bad line anywhere fails the job with the line
// number and the field, writes nothing, and publishes every bad line as the output `errors`.
// Resumable: a rerun during reading starts the file again (the staging tables are named after
// the job and replaced); a rerun during the switch-in finishes it from the staging tables; the
// last step records the output `imported` in its transaction, so a rerun after it never imports
// twice. A cancel between switch-in steps deletes what was written; a process killed midway
// (past the cancel's grace period) leaves that to the worker's sweep (lib/datasets/import-sweep.ts).
// The prompt formats (gsm8k, qa) and sft (demonstrations) have no staging: their job checks the
// whole file first, then writes it in one transaction (prompt-import-job.ts, sft-import-job.ts).
import { z } from "zod";
import { ALL_IMPORT_FORMATS, isPromptFormat } from "../../datasets/prompt-formats";
import { SFT_FORMAT } from "../../datasets/sft-format";
import type { JobKind } from "../kind";

export const IMPORT_JOB_KIND = "import";

export const importJobParamsSchema = z
  .object({
    projectId: z.number().int().positive(),
    /** A task format (record.ts), a prompt format (gsm8k, qa: prompt-import-job.ts) or sft (sft-import-job.ts). */
    format: z.enum([...ALL_IMPORT_FORMATS, SFT_FORMAT]),
    /** The spooled upload's file name under <data>/imports (a name, never a path). */
    upload: z.string().regex(/^[\w-]{1,80}\.jsonl$/, "expected an upload file name"),
    /** The upload's size, for progress. */
    bytes: z.number().int().min(0),
  })
  .strict();
export type ImportJobParams = z.infer<typeof importJobParamsSchema>;

export const importJobKind: JobKind<ImportJobParams> = {
  kind: IMPORT_JOB_KIND,
  title: "Import",
  params: importJobParamsSchema,
  resumable: true,
  async run(ctx) {
    const { format } = ctx.params;
    if (format === SFT_FORMAT) {
      const { runSftImportJob } = await import("../../datasets/sft-import-job");
      return runSftImportJob(ctx);
    }
    if (isPromptFormat(format)) {
      const { runPromptImportJob } = await import("../../datasets/prompt-import-job");
      return runPromptImportJob({ ...ctx, params: { ...ctx.params, format } });
    }
    const { runImportJob } = await import("../../datasets/import-job");
    return runImportJob({ ...ctx, params: { ...ctx.params, format } });
  },
};
