"use client";

// Builds the download link of GET /api/projects/[id]/export from the chosen format and pair mode.
import { useState } from "react";

const FORMATS = [
  ["trl", "trl — {prompt, chosen, rejected} strings"],
  ["trl-conversational", "trl-conversational — message lists"],
  ["rankings", "rankings — one line per ranking"],
] as const;
const PAIRS = [
  ["all", "all pairs the order implies"],
  ["best-vs-rest", "best vs rest"],
  ["adjacent", "adjacent groups"],
] as const;

export function ExportPanel({ projectId }: { projectId: number }) {
  const [format, setFormat] = useState<string>("trl");
  const [pairs, setPairs] = useState<string>("all");
  const [includeNone, setIncludeNone] = useState(false);
  const query = new URLSearchParams({ format });
  if (format !== "rankings") query.set("pairs", pairs);
  if (includeNone) query.set("includeNoneAcceptable", "true");
  const href = `/api/projects/${projectId}/export?${query}`;
  return (
    <div className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="export-panel">
      <label className="flex flex-col gap-1 text-sm">
        Format
        <select value={format} onChange={(e) => setFormat(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
          {FORMATS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Pairs
        <select value={pairs} disabled={format === "rankings"} onChange={(e) => setPairs(e.target.value)} className="rounded border border-slate-300 px-2 py-1 disabled:opacity-50">
          {PAIRS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={includeNone} onChange={(e) => setIncludeNone(e.target.checked)} />
        Include &ldquo;none acceptable&rdquo; rankings
      </label>
      <a href={href} download className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700" data-testid="export-link">
        Download JSONL
      </a>
    </div>
  );
}
