"use client";

// Uploads a JSONL file to POST /api/projects/[id]/import and shows what was imported, or
// every invalid line with its number and reason (nothing is imported then). A large file is
// imported by a job (202): its progress is followed here (GET /api/jobs/[id]) until it ends.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { JobProgressBar, JobStatusBadge } from "@/app/components/job-status-badge";
import type { JobDetail, JobView } from "@/lib/jobs/views";
import { FileDrop } from "./file-drop";

const POLL_MS = 1000;

interface ImportAnswer {
  /** `prompts` for the prompt formats (gsm8k, qa): prompts with reference answers, no tasks. */
  imported?: { tasks: number; rankings: number; prompts?: number; demonstrations?: number };
  duplicates?: number;
  errors?: { line: number; message: string }[];
  invalidLines?: number;
  error?: string;
  /** A large file: the import job (202). */
  job?: JobView;
}

/** Polls the import job until it ends; calls `onUpdate` with each state. Resolves to the final answer. */
async function followJob(id: number, onUpdate: (job: JobView) => void): Promise<{ ok: boolean; answer: ImportAnswer }> {
  for (;;) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const res = await fetch(`/api/jobs/${id}?afterEvent=999999999&afterMetric=999999999`);
    if (!res.ok) return { ok: false, answer: { error: `job ${id}: ${res.status} ${res.statusText}` } };
    const detail = (await res.json()) as JobDetail;
    onUpdate(detail.job);
    const { status, result, error } = detail.job;
    if (status === "succeeded") {
      const r = result as { tasks?: number; rankings?: number; prompts?: number; demonstrations?: number; duplicates?: number } | null;
      return {
        ok: true,
        answer: {
          imported: { tasks: r?.tasks ?? 0, rankings: r?.rankings ?? 0, prompts: r?.prompts, demonstrations: r?.demonstrations },
          duplicates: r?.duplicates,
        },
      };
    }
    if (status === "failed" || status === "cancelled") {
      const bad = detail.outputs.errors?.value as { errors?: ImportAnswer["errors"]; invalidLines?: number } | undefined;
      return { ok: false, answer: { error: error ?? status, errors: bad?.errors, invalidLines: bad?.invalidLines } };
    }
  }
}

export function ImportForm({ projectId }: { projectId: number }) {
  const router = useRouter();
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [failed, setFailed] = useState(false);
  const [pending, setPending] = useState(false);
  const [job, setJob] = useState<JobView | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setAnswer(null);
    setJob(null);
    let body: ImportAnswer;
    let ok = false;
    try {
      // The raw file as the body (streamed to disk by the server), the format in the query.
      const file = form.get("file");
      const format = encodeURIComponent(String(form.get("format") ?? ""));
      const res = await fetch(`/api/projects/${projectId}/import?format=${format}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: file instanceof Blob ? file : null,
      });
      ok = res.ok;
      body = ((await res.json().catch(() => null)) as ImportAnswer | null) ?? { error: `${res.status} ${res.statusText}` };
      if (res.status === 202 && body.job) {
        setJob(body.job);
        ({ ok, answer: body } = await followJob(body.job.id, setJob));
      }
    } catch (err) {
      body = { error: err instanceof Error ? err.message : String(err) };
    }
    setPending(false);
    setFailed(!ok);
    setAnswer(body);
    if (ok) router.refresh();
  }

  return (
    <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" aria-label="Import a file">
        <FileDrop name="file" label="JSONL file" accept=".jsonl,.json,.txt,application/jsonl,application/x-ndjson" hint="or drop a .jsonl file here" />
        <label className="flex flex-col gap-1 text-sm">
          Format
          <select name="format" defaultValue="palate" className="rounded border border-slate-300 px-2 py-1">
            <option value="palate">palate — prompt or messages + completions</option>
            <option value="trl">trl — prompt, chosen, rejected</option>
            <option value="oasst">oasst — Open-Assistant message trees</option>
            <option value="rankings">rankings — one annotator&rsquo;s ranking per line (palate export)</option>
            <option value="hh">hh — Anthropic HH chosen/rejected transcripts</option>
            <option value="openrlhf">openrlhf — OpenRLHF reward-dataset rows</option>
            <option value="gsm8k">gsm8k — GSM8K question + answer (prompts with reference answers)</option>
            <option value="qa">qa — prompt + answer (prompts with reference answers)</option>
            <option value="sft">sft — TRL conversational messages (demonstrations)</option>
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          {pending ? "Importing…" : "Import"}
        </button>
      </form>
      {job && (
        <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="import-job">
          <span>
            Import job{" "}
            <Link href={`/research/jobs/${job.id}`} className="text-indigo-700 underline">
              #{job.id}
            </Link>
          </span>
          <JobStatusBadge status={job.status} />
          <JobProgressBar progress={job.progress} status={job.status} />
          {job.message && <span className="text-slate-600">{job.message}</span>}
        </div>
      )}
      {answer && !failed && answer.imported && (
        <p role="status" className="text-sm text-emerald-700" data-testid="import-result">
          {answer.imported.demonstrations !== undefined
            ? `Imported ${answer.imported.demonstrations} demonstrations.`
            : answer.imported.prompts !== undefined
              ? `Imported ${answer.imported.prompts} prompts with reference answers${answer.duplicates ? ` (${answer.duplicates} duplicate lines skipped)` : ""}.`
              : `Imported ${answer.imported.tasks} tasks and ${answer.imported.rankings} rankings.`}
        </p>
      )}
      {answer && failed && (
        <div role="alert" className="text-sm text-red-700" data-testid="import-errors">
          <p>
            {answer.errors && answer.errors.length > 0
              ? `Nothing was imported: ${answer.invalidLines ?? answer.errors.length} invalid line${(answer.invalidLines ?? answer.errors.length) === 1 ? "" : "s"}.`
              : `Import failed: ${answer.error ?? "unknown error"}`}
          </p>
          {answer.errors && answer.errors.length > 0 && (
            <ul className="mt-1 list-disc pl-5 font-mono text-xs">
              {answer.errors.map((e) => (
                <li key={e.line}>
                  line {e.line}: {e.message}
                </li>
              ))}
              {(answer.invalidLines ?? 0) > answer.errors.length && <li>… and {(answer.invalidLines ?? 0) - answer.errors.length} more</li>}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
