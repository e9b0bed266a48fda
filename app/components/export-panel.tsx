"use client";

// Builds the download link of GET /api/projects/[id]/export from the chosen format, pair mode and
// which rankings count (every annotator's, the reviewed ones, or one aggregated per task; paused
// annotators' left out unless asked for: lib/quality/counted-rankings.ts), or, with format sft, the
// project's demonstrations (only those accepted by review, when asked).
// A click asks the route first: when there is nothing to export (409 "no rankings to export …")
// the panel shows that message instead of downloading an empty file.
import { useState, type MouseEvent } from "react";

const FORMATS = [
  ["trl", "trl — {prompt, chosen, rejected} strings"],
  ["trl-conversational", "trl-conversational — message lists"],
  ["rankings", "rankings — one line per ranking"],
  ["hh", "hh — Anthropic HH transcripts"],
  ["openrlhf", "openrlhf — OpenRLHF chosen/rejected conversations"],
  ["sft", "sft — demonstrations as TRL conversational SFT messages"],
] as const;
/** The pair modes as the export and snapshot forms offer them (lib/labeling/pairs.ts). */
export const PAIRS = [
  ["all", "all pairs the order implies"],
  ["best-vs-rest", "best vs rest"],
  ["adjacent", "adjacent groups"],
] as const;
const COUNTED = [
  ["every", "every annotator's ranking"],
  ["reviewed", "the reviewed ranking where there is one"],
  ["aggregated-borda", "one per task, aggregated (Borda)"],
  ["aggregated-kemeny", "one per task, aggregated (Kemeny)"],
] as const;

export function ExportPanel({ projectId }: { projectId: number }) {
  const [format, setFormat] = useState<string>("trl");
  const [pairs, setPairs] = useState<string>("all");
  const [includeNone, setIncludeNone] = useState(false);
  const [counted, setCounted] = useState<string>("every");
  const [includePaused, setIncludePaused] = useState(false);
  const [onlyAccepted, setOnlyAccepted] = useState(false);
  const sft = format === "sft";
  const query = new URLSearchParams({ format });
  if (sft) {
    if (onlyAccepted) query.set("onlyAccepted", "true");
  } else {
    if (format !== "rankings") query.set("pairs", pairs);
    if (includeNone) query.set("includeNoneAcceptable", "true");
  }
  if (!sft && counted !== "every") {
    const [rankings, aggregate] = counted.split("-");
    query.set("rankings", rankings);
    if (aggregate) query.set("aggregate", aggregate);
  }
  if (!sft && includePaused) query.set("includePaused", "true");
  const href = `/api/projects/${projectId}/export?${query}`;
  const [checking, setChecking] = useState(false);
  // The error of the last click, shown only while the options are the ones it was about.
  const [failed, setFailed] = useState<{ href: string; message: string } | null>(null);
  const error = failed?.href === href ? failed.message : null;

  async function download(e: MouseEvent<HTMLAnchorElement>) {
    e.preventDefault();
    setChecking(true);
    setFailed(null);
    try {
      const res = await fetch(href);
      if (!res.ok) {
        const data = (await res.json().catch(() => null)) as { error?: string } | null;
        setFailed({ href, message: data?.error ?? `${res.status} ${res.statusText}` });
        return;
      }
      // Something to export: let the browser stream the download itself (no copy in memory).
      await res.body?.cancel();
      const a = document.createElement("a");
      a.href = href;
      a.download = "";
      a.click();
    } catch (err) {
      setFailed({ href, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setChecking(false);
    }
  }

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
        <select
          value={pairs}
          disabled={format === "rankings" || sft}
          onChange={(e) => setPairs(e.target.value)}
          className="rounded border border-slate-300 px-2 py-1 disabled:opacity-50"
        >
          {PAIRS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Rankings
        <select
          value={counted}
          onChange={(e) => setCounted(e.target.value)}
          className="rounded border border-slate-300 px-2 py-1"
          data-testid="export-rankings"
        >
          {COUNTED.map(([value, label]) => (
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
      {sft && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={onlyAccepted} onChange={(e) => setOnlyAccepted(e.target.checked)} data-testid="export-only-accepted" />
          Only demonstrations accepted by review
        </label>
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={includePaused} onChange={(e) => setIncludePaused(e.target.checked)} data-testid="export-include-paused" />
        Include paused annotators
      </label>
      <a
        href={href}
        download
        onClick={(e) => void download(e)}
        aria-disabled={checking}
        className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 aria-disabled:opacity-50"
        data-testid="export-link"
      >
        {checking ? "Preparing…" : "Download JSONL"}
      </a>
      {error && (
        <p role="alert" className="basis-full rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="export-error">
          {error}
        </p>
      )}
    </div>
  );
}
