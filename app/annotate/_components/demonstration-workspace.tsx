"use client";
// The demonstration page of a project of mode demonstration: asks the queue for a task
// (POST /api/annotate/demonstrations/next), shows the conversation and, when the project shows
// them, the model's completions as starting points; the annotator writes the ideal answer in a
// markdown editor with a live preview. The draft is saved on the server (PUT
// /api/tasks/[id]/demonstration) a moment after typing stops, on "Save draft", and when the page
// is left, so a reload finds it. Submit (button or Ctrl/⌘+Enter) sends it; Skip gives the task back.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { callApi } from "@/app/components/api-client";
import { Markdown } from "@/app/components/markdown";
import type { DemonstrationPayload } from "@/lib/demonstrations/demonstration-store";
import { Conversation } from "./conversation";
import { SkipPanel } from "./skip-panel";

export interface DemonstrationProject {
  id: number;
  name: string;
  guidelines: string;
}

/** How long after the last keystroke the draft is saved. */
const AUTOSAVE_MS = 1200;

type Phase = { kind: "loading" } | { kind: "ready"; payload: DemonstrationPayload } | { kind: "done" } | { kind: "error"; message: string };
type SaveState = "saved" | "unsaved" | "saving" | "failed";

export function DemonstrationWorkspace({ project }: { project: DemonstrationProject }) {
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const [flash, setFlash] = useState<string | null>(null);

  const loadNext = useCallback(async () => {
    setPhase({ kind: "loading" });
    const res = await callApi<DemonstrationPayload>("/api/annotate/demonstrations/next", "POST", { projectId: project.id });
    if (!res.ok) return setPhase({ kind: "error", message: res.error });
    setPhase(res.status === 204 || !res.data ? { kind: "done" } : { kind: "ready", payload: res.data });
  }, [project.id]);

  useEffect(() => {
    // The first task is fetched once the page is up (the queue is the server's, not this page's).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void loadNext();
  }, [loadNext]);

  const progress = phase.kind === "ready" ? phase.payload.progress : null;
  return (
    <div className="grid grid-cols-1 gap-x-6 gap-y-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="flex min-w-0 flex-col gap-4">
        <header>
          <Link href="/annotate" className="text-xs font-medium text-indigo-700 hover:underline" data-testid="back-link">
            ← My queue
          </Link>
          <h1 className="text-xl font-semibold">{project.name}</h1>
          <p className="text-sm text-slate-600" data-testid="progress" aria-live="polite">
            {progress ? (
              <>
                <span className="font-semibold tabular-nums">{progress.written}</span> written ·{" "}
                <span className="font-semibold tabular-nums">{progress.leftCapped ? `${(progress.left - 1).toLocaleString("en")}+` : progress.left}</span> left
                in this project
                {progress.skipped > 0 && <> · {progress.skipped} skipped</>}
              </>
            ) : (
              " "
            )}
          </p>
        </header>
        {flash && (
          <p role="status" data-testid="flash" className="rounded-lg bg-emerald-50 px-4 py-2 text-sm text-emerald-800">
            {flash}
          </p>
        )}
        {phase.kind === "loading" && <p className="py-16 text-center text-slate-500">Loading the next task…</p>}
        {phase.kind === "error" && (
          <div className="rounded-lg border border-rose-200 bg-rose-50 p-4 text-sm text-rose-800" data-testid="load-error">
            Could not load a task: {phase.message}{" "}
            <button type="button" className="font-medium underline" onClick={() => void loadNext()}>
              Try again
            </button>
          </div>
        )}
        {phase.kind === "done" && (
          <div className="rounded-xl border border-emerald-200 bg-emerald-50 p-8 text-center" data-testid="queue-done">
            <p className="text-lg font-semibold text-emerald-900">Nothing left for you in this project.</p>
          </div>
        )}
        {phase.kind === "ready" && (
          <DemonstrationTask
            key={phase.payload.assignment.id}
            payload={phase.payload}
            onDone={(message) => {
              setFlash(message);
              void loadNext();
            }}
          />
        )}
      </div>
      <aside
        className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm lg:sticky lg:top-4 lg:max-h-[calc(100vh-6rem)] lg:self-start lg:overflow-y-auto"
        data-testid="guidelines"
      >
        <h2 className="mb-2 font-semibold">Guidelines</h2>
        {project.guidelines.trim() ? (
          <Markdown>{project.guidelines}</Markdown>
        ) : (
          <p className="text-sm text-slate-500">This project has no guidelines. Write the answer you would want the model to give.</p>
        )}
        <p className="mt-4 border-t border-slate-100 pt-3 text-xs text-slate-500">
          <kbd className="rounded border border-slate-300 px-1">Ctrl</kbd>/<kbd className="rounded border border-slate-300 px-1">⌘</kbd> +{" "}
          <kbd className="rounded border border-slate-300 px-1">Enter</kbd> submits. Drafts are saved as you type.
        </p>
      </aside>
    </div>
  );
}

function DemonstrationTask({ payload, onDone }: { payload: DemonstrationPayload; onDone(message: string): void }) {
  const taskId = payload.task.id;
  const url = `/api/tasks/${taskId}/demonstration`;
  const [text, setText] = useState(payload.draft?.text ?? "");
  const [save, setSave] = useState<SaveState>("saved");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [skipOpen, setSkipOpen] = useState(false);
  const latest = useRef(text);
  const savedText = useRef(text);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const saveNow = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const sending = latest.current;
    if (sending === savedText.current) return setSave("saved");
    setSave("saving");
    const res = await callApi(url, "PUT", { text: sending });
    if (!res.ok) {
      setSave("failed");
      return setError(res.error);
    }
    savedText.current = sending;
    setError(null);
    setSave(latest.current === sending ? "saved" : "unsaved");
  }, [url]);

  const edit = (value: string) => {
    setText(value);
    latest.current = value;
    setSave("unsaved");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveNow(), AUTOSAVE_MS);
  };

  // Leaving the page (reload, another tab's link) sends the unsaved draft; the request outlives the page.
  useEffect(() => {
    const flush = () => {
      if (latest.current === savedText.current) return;
      void fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: latest.current }), keepalive: true });
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [url]);

  const submit = async () => {
    if (busy) return;
    if (!latest.current.trim()) return setError("Write an answer before submitting.");
    setBusy(true);
    if (timer.current) clearTimeout(timer.current);
    const res = await callApi(url, "POST", { text: latest.current });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    savedText.current = latest.current;
    onDone("Demonstration submitted. Here is the next task.");
  };

  const skip = async (reason: string) => {
    setBusy(true);
    const res = await callApi(`/api/tasks/${taskId}/skip`, "POST", { reason });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    onDone("Task skipped.");
  };

  const saveLabel: Record<SaveState, string> = { saved: "Draft saved", unsaved: "Unsaved changes", saving: "Saving…", failed: "Not saved" };
  return (
    <section className="flex flex-col gap-4" data-testid="demonstration-task" data-task-id={taskId}>
      <Conversation messages={payload.task.messages} />
      {payload.task.completions.length > 0 && (
        <details className="rounded-lg border border-slate-200 bg-white" open data-testid="starting-points">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium">
            The model&apos;s answers, to start from ({payload.task.completions.length})
          </summary>
          <ol className="flex flex-col gap-3 px-4 pb-4">
            {payload.task.completions.map((c, i) => (
              <li key={c.id} className="rounded border border-slate-200 p-3" data-testid="starting-point">
                <Markdown>{c.text}</Markdown>
                <button
                  type="button"
                  className="mt-2 rounded border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50"
                  onClick={() => edit(c.text)}
                  aria-label={`Start from completion ${i + 1}`}
                >
                  Start from this completion
                </button>
              </li>
            ))}
          </ol>
        </details>
      )}
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Your answer (markdown)
          <textarea
            value={text}
            onChange={(e) => edit(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
            rows={16}
            className="rounded border border-slate-300 p-2 font-mono text-sm font-normal"
            placeholder="Write the ideal answer to the last message"
            data-testid="demonstration-editor"
          />
        </label>
        <div className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Preview</span>
          <div className="min-h-40 flex-1 rounded border border-slate-200 bg-white p-3" data-testid="demonstration-preview">
            {text.trim() ? <Markdown>{text}</Markdown> : <p className="text-slate-400">The preview appears as you write.</p>}
          </div>
        </div>
      </div>
      {error && (
        <p role="alert" className="rounded bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="demonstration-error">
          {error}
        </p>
      )}
      {skipOpen ? (
        <SkipPanel busy={busy} onSkip={(reason) => void skip(reason)} onCancel={() => setSkipOpen(false)} />
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            onClick={() => void submit()}
            disabled={busy}
            className="rounded bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
          >
            Submit
          </button>
          <button type="button" onClick={() => void saveNow()} disabled={busy} className="rounded border border-slate-300 px-3 py-2 text-sm hover:bg-slate-50">
            Save draft
          </button>
          <button type="button" onClick={() => setSkipOpen(true)} disabled={busy} className="rounded px-3 py-2 text-sm text-slate-600 hover:bg-slate-100">
            Skip
          </button>
          <span className="text-xs text-slate-500" data-testid="save-state" data-state={save} aria-live="polite">
            {saveLabel[save]}
          </span>
        </div>
      )}
    </section>
  );
}
