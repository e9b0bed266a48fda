"use client";

// Dataset snapshots of the project: a form that freezes the export (POST /api/projects/[id]/snapshots)
// and the list of snapshots with their hash and links to their card, manifest and files. A large
// project's snapshot is a job (202): the panel follows it — its progress, a link to its page — and
// lists the snapshot when the job ends; jobs already running when the page opens are followed too.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { callApi } from "@/app/components/api-client";
import { PAIRS } from "@/app/components/export-panel";

interface SnapshotFile {
  path: string;
  format: string;
  split: string;
  rows: number;
  bytes: number;
}
interface Snapshot {
  name: string;
  created_at: string;
  hash: string;
  license: string;
  filters: Record<string, unknown>;
  split: { test_share: number; train_prompts: number; test_prompts: number };
  files: SnapshotFile[];
  stats: { rankings: number; pairs: number; annotators: number };
}

/** A snapshot job as the panel follows it (lib/jobs/views.ts JobView, the fields it reads). */
interface SnapshotJob {
  id: number;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: number;
  message: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
  params: Record<string, unknown>;
}

const FINISHED = ["succeeded", "failed", "cancelled"];
const POLL_MS = 1000;

/** `initial`: the snapshots when the page was rendered (lib/datasets/snapshot-store.ts listSnapshots). */
export function SnapshotPanel({ projectId, initial }: { projectId: number; initial: Snapshot[] }) {
  const base = `/api/projects/${projectId}/snapshots`;
  const [snapshots, setSnapshots] = useState<Snapshot[]>(initial);
  const [name, setName] = useState("");
  const [testShare, setTestShare] = useState("0.1");
  const [license, setLicense] = useState("other");
  const [pairs, setPairs] = useState("all");
  const [includeNone, setIncludeNone] = useState(false);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  /** Snapshot jobs queued or running, followed until they end. */
  const [jobs, setJobs] = useState<SnapshotJob[]>([]);

  const follow = useCallback((job: SnapshotJob) => setJobs((js) => (js.some((j) => j.id === job.id) ? js : [...js, job])), []);

  const load = useCallback(async () => {
    const res = await callApi<{ snapshots: Snapshot[]; jobs?: SnapshotJob[] }>(base, "GET");
    if (!res.ok) return setMessage({ kind: "error", text: res.error });
    setSnapshots(res.data.snapshots);
    for (const job of res.data.jobs ?? []) follow(job);
  }, [base, follow]);

  // The jobs that were running when the page opened.
  useEffect(() => {
    let live = true;
    void callApi<{ jobs?: SnapshotJob[] }>(base, "GET").then((res) => {
      if (live && res.ok) for (const job of res.data.jobs ?? []) follow(job);
    });
    return () => {
      live = false;
    };
  }, [base, follow]);

  // Each followed job polled until it ends; then its outcome is said and the list reloaded.
  const running = jobs.map((j) => j.id).join(",");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void (async () => {
        for (const id of running.split(",").map(Number)) {
          const res = await callApi<{ job: SnapshotJob }>(`/api/jobs/${id}?params=false`, "GET");
          if (!res.ok) continue;
          const job = res.data.job;
          if (!FINISHED.includes(job.status)) {
            setJobs((js) => js.map((j) => (j.id === id ? { ...job, params: j.params } : j)));
            continue;
          }
          setJobs((js) => js.filter((j) => j.id !== id));
          const result = job.result ?? {};
          setMessage(
            job.status === "succeeded"
              ? {
                  kind: "info",
                  text:
                    result.status === "exists"
                      ? `Snapshot ${String(result.snapshot ?? "")} already exists with the same data.`
                      : `Snapshot ${String(result.snapshot ?? "")} created (hash ${String(result.hash ?? "").slice(0, 12)}…).`,
                }
              : job.status === "cancelled"
                ? { kind: "info", text: `Snapshot job ${id} was cancelled; nothing was written.` }
                : { kind: "error", text: `Snapshot job ${id} failed: ${job.error ?? "unknown error"}` },
          );
          await load();
        }
      })();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [running, load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setMessage(null);
    const res = await callApi<{ status: "created" | "exists"; snapshot: Snapshot } | { status: "queued"; job: SnapshotJob }>(base, "POST", {
      name: name.trim(),
      testShare: Number(testShare),
      license: license.trim(),
      pairs,
      includeNoneAcceptable: includeNone,
    });
    setPending(false);
    if (!res.ok) {
      const issues = res.issues.map((i) => `${i.field}: ${i.message}`).join("; ");
      setMessage({ kind: "error", text: issues || res.error });
      return;
    }
    if (res.data.status === "queued") {
      follow(res.data.job);
      setMessage({ kind: "info", text: `Snapshot ${res.data.job.params.name as string} is being written by job ${res.data.job.id}.` });
      setName("");
      return;
    }
    setMessage({
      kind: "info",
      text:
        res.data.status === "created"
          ? `Snapshot ${res.data.snapshot.name} created (hash ${res.data.snapshot.hash.slice(0, 12)}…).`
          : `Snapshot ${res.data.snapshot.name} already exists with the same data.`,
    });
    setName("");
    await load();
  }

  const fileHref = (snapshot: string, path: string) => `${base}/${encodeURIComponent(snapshot)}/files/${path.split("/").map(encodeURIComponent).join("/")}`;

  return (
    <div className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="snapshot-panel">
      <p className="max-w-3xl text-sm text-slate-600">
        A snapshot freezes every export format, split train/test by prompt, into an immutable folder with SHA-256 hashes and a Hugging Face dataset card. Reward
        models can train on it and record its hash.
      </p>
      <form onSubmit={(e) => void create(e)} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="v1"
            required
            className="w-28 rounded border border-slate-300 px-2 py-1"
            data-testid="snapshot-name"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Pairs
          <select value={pairs} onChange={(e) => setPairs(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            {PAIRS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Test share
          <input
            type="number"
            min={0}
            max={0.9}
            step={0.05}
            value={testShare}
            onChange={(e) => setTestShare(e.target.value)}
            className="w-20 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          License
          <input value={license} onChange={(e) => setLicense(e.target.value)} className="w-28 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={includeNone} onChange={(e) => setIncludeNone(e.target.checked)} />
          Include &ldquo;none acceptable&rdquo; rankings
        </label>
        <button
          type="submit"
          disabled={pending}
          className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
          data-testid="create-snapshot"
        >
          {pending ? "Creating…" : "Create snapshot"}
        </button>
      </form>
      {message && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={message.kind === "error" ? "rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" : "text-sm text-slate-700"}
          data-testid="snapshot-message"
        >
          {message.text}
        </p>
      )}
      {jobs.length > 0 && (
        <ul className="flex flex-col gap-2" aria-label="Snapshots being written">
          {jobs.map((j) => (
            <li key={j.id} className="flex flex-wrap items-center gap-3 text-sm" data-testid={`snapshot-job-${j.id}`}>
              <span className="font-medium">{String(j.params.name ?? "")}</span>
              <span className="text-slate-500">{j.status === "queued" ? "queued" : "writing"}</span>
              <progress value={j.progress} max={1} className="w-40" aria-label={`Snapshot ${String(j.params.name ?? "")} progress`} />
              <span className="text-slate-600">{Math.round(j.progress * 100)}%</span>
              {j.message && <span className="text-slate-600">{j.message}</span>}
              <a href={`/research/jobs/${j.id}`} className="text-indigo-700 underline">
                Job {j.id}
              </a>
            </li>
          ))}
        </ul>
      )}
      {snapshots.length === 0 && jobs.length === 0 && <p className="text-sm text-slate-500">No snapshot yet.</p>}
      {snapshots.length > 0 && (
        <table className="text-left text-sm" data-testid="snapshots">
          <thead>
            <tr className="text-slate-500">
              <th className="pr-3 font-medium">Snapshot</th>
              <th className="pr-3 font-medium">Created</th>
              <th className="pr-3 font-medium">Rankings / pairs</th>
              <th className="pr-3 font-medium">Hash</th>
              <th className="pr-3 font-medium">Files</th>
            </tr>
          </thead>
          <tbody>
            {snapshots.map((s) => (
              <tr key={s.name} className="border-t border-slate-100 align-top [&>td]:py-1.5" data-testid={`snapshot-${s.name}`}>
                <td className="pr-3 font-medium">{s.name}</td>
                <td className="pr-3">{s.created_at.slice(0, 16).replace("T", " ")}</td>
                <td className="pr-3">
                  {s.stats.rankings} / {s.stats.pairs}
                </td>
                <td className="pr-3 font-mono text-xs" title={s.hash}>
                  {s.hash.slice(0, 16)}…
                </td>
                <td className="pr-3">
                  <span className="flex flex-wrap gap-x-3">
                    <a href={fileHref(s.name, "README.md")} download className="text-indigo-700 underline" data-testid={`snapshot-card-${s.name}`}>
                      Dataset card
                    </a>
                    <a href={fileHref(s.name, "snapshot.json")} download className="text-indigo-700 underline">
                      snapshot.json
                    </a>
                    {s.files.map((f) => (
                      <a key={f.path} href={fileHref(s.name, f.path)} download className="text-indigo-700 underline">
                        {f.path} ({f.rows})
                      </a>
                    ))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
