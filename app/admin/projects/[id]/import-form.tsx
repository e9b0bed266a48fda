"use client";

// Uploads a JSONL file to POST /api/projects/[id]/import and shows what was imported, or
// every invalid line with its number and reason (nothing is imported then).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FileDrop } from "./file-drop";

interface ImportAnswer {
  imported?: { tasks: number; rankings: number };
  errors?: { line: number; message: string }[];
  invalidLines?: number;
  error?: string;
}

export function ImportForm({ projectId }: { projectId: number }) {
  const router = useRouter();
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [failed, setFailed] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setAnswer(null);
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
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          {pending ? "Importing…" : "Import"}
        </button>
      </form>
      {answer && !failed && answer.imported && (
        <p role="status" className="text-sm text-emerald-700" data-testid="import-result">
          Imported {answer.imported.tasks} tasks and {answer.imported.rankings} rankings.
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
