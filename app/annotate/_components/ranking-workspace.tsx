"use client";
// The ranking page: asks for a task, lets the annotator order the completions by drag or by
// keyboard (ties, flags, none acceptable, comment), submits, and moves on to the next task.
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from "@dnd-kit/sortable";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Markdown } from "@/app/components/markdown";
import type { Flag } from "@/db/schema";
import type { AssignmentPayload } from "@/lib/labeling/assignment-view";
import type { QueueProgress } from "@/lib/labeling/queue";
import { groupBounds, initialDraft, moveBy, moveTo, rankLabels, tie, toGroups, untie, type DraftRow } from "@/lib/labeling/submission-draft";
import { CompletionCard, FLAG_ORDER } from "./completion-card";
import { Conversation } from "./conversation";
import { KeyboardHelp } from "./keyboard-help";
import { SkipPanel } from "./skip-panel";

type Layout = "stacked" | "side";
const LAYOUT_KEY = "palate.rankingLayout";

type Phase = { kind: "loading" } | { kind: "ready" } | { kind: "done" } | { kind: "error"; message: string };

interface Flash {
  kind: "ok" | "error";
  text: string;
  /** Offer to move on (e.g. the assignment expired and the task went to others). */
  offerNext?: boolean;
}

function letterOf(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : `#${index + 1}`;
}

function isTextField(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

async function errorText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: string };
    return body.error ?? `the server answered ${res.status}`;
  } catch {
    return `the server answered ${res.status}`;
  }
}

export function RankingWorkspace({ project }: { project: { id: number; name: string; guidelines: string } }) {
  const [phase, setPhase] = useState<Phase>({ kind: "loading" });
  const [payload, setPayload] = useState<AssignmentPayload | null>(null);
  const [progress, setProgress] = useState<QueueProgress | null>(null);
  const [draft, setDraft] = useState<DraftRow[]>([]);
  const [flags, setFlags] = useState<Record<number, Flag[]>>({});
  const [noneAcceptable, setNoneAcceptable] = useState(false);
  const [comment, setComment] = useState("");
  const [flagMenuFor, setFlagMenuFor] = useState<number | null>(null);
  const [skipOpen, setSkipOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<Flash | null>(null);
  const [layout, setLayout] = useState<Layout>("stacked");
  const [showGuidelines, setShowGuidelines] = useState(false);
  const [dragging, setDragging] = useState(false);
  const startedAt = useRef(0);
  const focusAfterRender = useRef<number | null>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const busyRef = useRef(false);

  useEffect(() => {
    const saved = window.localStorage.getItem(LAYOUT_KEY);
    if (saved === "stacked" || saved === "side") setLayout(saved);
  }, []);

  const chooseLayout = useCallback((next: Layout) => {
    setLayout(next);
    window.localStorage.setItem(LAYOUT_KEY, next);
  }, []);

  const show = useCallback((next: AssignmentPayload) => {
    setPayload(next);
    setProgress(next.progress);
    setDraft(initialDraft(next.task.completions.map((c) => c.id)));
    setFlags({});
    setNoneAcceptable(false);
    setComment("");
    setFlagMenuFor(null);
    setSkipOpen(false);
    startedAt.current = performance.now();
    setPhase({ kind: "ready" });
    window.scrollTo({ top: 0 });
  }, []);

  const loadNext = useCallback(async () => {
    setPhase({ kind: "loading" });
    try {
      const res = await fetch("/api/annotate/next", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ projectId: project.id }),
      });
      if (res.status === 204) {
        setPayload(null);
        const p = await fetch(`/api/annotate/progress?projectId=${project.id}`);
        if (p.ok) setProgress(((await p.json()) as { progress: QueueProgress }).progress);
        setPhase({ kind: "done" });
        return;
      }
      if (!res.ok) {
        setPhase({ kind: "error", message: await errorText(res) });
        return;
      }
      show((await res.json()) as AssignmentPayload);
    } catch (err) {
      setPhase({ kind: "error", message: err instanceof Error ? err.message : String(err) });
    }
  }, [project.id, show]);

  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  // Keep the focus on the card that just moved.
  useEffect(() => {
    const id = focusAfterRender.current;
    if (id === null) return;
    focusAfterRender.current = null;
    const el = document.querySelector<HTMLElement>(`[data-card-id="${id}"]`);
    el?.focus();
    el?.scrollIntoView({ block: "nearest" });
  }, [draft]);

  const letters = useMemo(() => new Map(payload?.task.completions.map((c, i) => [c.id, letterOf(i)]) ?? []), [payload]);
  const texts = useMemo(() => new Map(payload?.task.completions.map((c) => [c.id, c.text]) ?? []), [payload]);
  const labels = useMemo(() => rankLabels(draft), [draft]);
  const groups = useMemo(() => toGroups(draft), [draft]);
  const summary = groups.map((g) => g.map((id) => letters.get(id)).join(" = ")).join(" > ");

  const update = useCallback((next: (d: DraftRow[]) => DraftRow[], focusId: number | null = null) => {
    focusAfterRender.current = focusId;
    setDraft((d) => next(d));
  }, []);

  const toggleFlag = useCallback((id: number, flag: Flag) => {
    setFlags((all) => {
      const has = all[id]?.includes(flag);
      const list = has ? all[id].filter((f) => f !== flag) : [...(all[id] ?? []), flag];
      return { ...all, [id]: FLAG_ORDER.filter((f) => list.includes(f)) };
    });
  }, []);

  const closeFlagMenu = useCallback((id: number) => {
    setFlagMenuFor(null);
    focusAfterRender.current = id;
    setDraft((d) => [...d]);
  }, []);

  const submit = useCallback(async () => {
    if (!payload || busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setFlash(null);
    try {
      const res = await fetch(`/api/tasks/${payload.task.id}/ranking`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          assignmentId: payload.assignment.id,
          groups,
          noneAcceptable,
          flags: Object.entries(flags).flatMap(([id, list]) => list.map((flag) => ({ completionId: Number(id), flag }))),
          comment: comment.trim() || null,
          secondsSpent: Math.round((performance.now() - startedAt.current) / 100) / 10,
        }),
      });
      if (!res.ok) {
        setFlash({ kind: "error", text: await errorText(res), offerNext: res.status === 409 });
        return;
      }
      setFlash({ kind: "ok", text: `Submitted: ${summary}. Here is the next task.` });
      await loadNext();
    } catch (err) {
      setFlash({ kind: "error", text: err instanceof Error ? err.message : String(err) });
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, [payload, groups, noneAcceptable, flags, comment, summary, loadNext]);

  const skip = useCallback(
    async (reason: string) => {
      if (!payload || busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      setFlash(null);
      try {
        const res = await fetch(`/api/tasks/${payload.task.id}/skip`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ reason }),
        });
        if (!res.ok) {
          setFlash({ kind: "error", text: await errorText(res) });
          return;
        }
        setFlash({ kind: "ok", text: "Skipped. Here is the next task." });
        await loadNext();
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [payload, loadNext],
  );

  // The keyboard: one listener for the page, reading the latest state through a ref.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (phase.kind !== "ready" || skipOpen || dragging || busy) return;
    const target = e.target instanceof HTMLElement ? e.target : null;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
      return;
    }
    if (isTextField(target) || e.altKey || e.ctrlKey || e.metaKey) return;
    if (target?.closest("[data-testid=flag-menu]") || target?.closest("[data-drag-handle]")) return;
    const card = target?.closest<HTMLElement>("[data-card-id]");
    const cardId = card ? Number(card.dataset.cardId) : null;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;

    if (key === "Enter") {
      if (target && target !== card && target.closest("button, a, summary")) return; // let buttons and links work
      e.preventDefault();
      void submit();
      return;
    }
    if (key === "n") {
      e.preventDefault();
      setNoneAcceptable((v) => !v);
      return;
    }
    if (key === "c") {
      e.preventDefault();
      commentRef.current?.focus();
      return;
    }
    if (key === "s") {
      e.preventDefault();
      setSkipOpen(true);
      return;
    }
    if (key === "l") {
      e.preventDefault();
      chooseLayout(layout === "stacked" ? "side" : "stacked");
      return;
    }
    if (cardId === null) {
      // ↓ or J with no card focused: focus the first card, so the keyboard alone gets going.
      if ((key === "ArrowDown" || key === "j") && draft.length > 0 && (!target || target === document.body)) {
        e.preventDefault();
        document.querySelector<HTMLElement>(`[data-card-id="${draft[0].id}"]`)?.focus();
      }
      return;
    }
    if (key === "j" || key === "k") {
      e.preventDefault();
      const at = draft.findIndex((r) => r.id === cardId) + (key === "j" ? 1 : -1);
      const row = draft[Math.max(0, Math.min(draft.length - 1, at))];
      document.querySelector<HTMLElement>(`[data-card-id="${row.id}"]`)?.focus();
    } else if (key === "ArrowUp" || key === "ArrowLeft") {
      e.preventDefault();
      update((d) => moveBy(d, cardId, -1), cardId);
    } else if (key === "ArrowDown" || key === "ArrowRight") {
      e.preventDefault();
      update((d) => moveBy(d, cardId, 1), cardId);
    } else if (/^[1-9]$/.test(key)) {
      e.preventDefault();
      update((d) => moveTo(d, cardId, Number(key) - 1), cardId);
    } else if (key === "t") {
      e.preventDefault();
      update((d) => tie(d, cardId), cardId);
    } else if (key === "u") {
      e.preventDefault();
      update((d) => untie(d, cardId), cardId);
    } else if (key === "f") {
      e.preventDefault();
      setFlagMenuFor((open) => (open === cardId ? null : cardId));
    }
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const onDragStart = useCallback((_e: DragStartEvent) => setDragging(true), []);
  const onDragEnd = useCallback(
    (e: DragEndEvent) => {
      setDragging(false);
      const { active, over } = e;
      if (!over || active.id === over.id) return;
      const id = Number(active.id);
      update((d) => moveTo(d, id, d.findIndex((r) => r.id === Number(over.id))), id);
    },
    [update],
  );

  const guidelines = project.guidelines.trim();

  return (
    <div>
      <header className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2">
        <div className="min-w-0 flex-1">
          <Link href="/annotate" className="text-xs font-medium text-indigo-700 hover:underline">
            ← My queue
          </Link>
          <h1 className="break-words text-xl font-semibold">
            {project.name}
          </h1>
          <p className="text-sm text-slate-600" data-testid="progress" aria-live="polite">
            {progress ? (
              <>
                <span className="font-semibold tabular-nums text-slate-900">{progress.ranked}</span> ranked ·{" "}
                <span className="font-semibold tabular-nums text-slate-900">{progress.left}</span> left in this project
                {progress.skipped > 0 && <> · {progress.skipped} skipped</>}
              </>
            ) : (
              " "
            )}
          </p>
        </div>
        <div className="flex rounded-lg border border-slate-200 bg-white p-0.5 text-xs font-medium shadow-sm" role="group" aria-label="Layout">
          {(
            [
              ["stacked", "Stacked"],
              ["side", "Side by side"],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={layout === value}
              data-testid={`layout-${value}`}
              onClick={() => chooseLayout(value)}
              className={`rounded-md px-3 py-1.5 ${layout === value ? "bg-indigo-600 text-white" : "text-slate-600 hover:bg-slate-100"}`}
            >
              {label}
            </button>
          ))}
        </div>
      </header>

      {flash && (
        <p
          role="status"
          data-testid="flash"
          data-kind={flash.kind}
          className={`mb-4 rounded-lg px-4 py-2 text-sm ${flash.kind === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-rose-50 text-rose-800"}`}
        >
          {flash.text}
          {flash.offerNext && (
            <button
              type="button"
              className="ml-2 font-medium underline"
              onClick={() => {
                setFlash(null);
                void loadNext();
              }}
            >
              Get the next task
            </button>
          )}
        </p>
      )}

      <div className="flex flex-col gap-6 lg:flex-row lg:items-start">
        <section className="min-w-0 flex-1" aria-label="Task">
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
              <p className="mt-1 text-sm text-emerald-800">Thank you! New tasks appear when an admin imports more, or when someone&apos;s assignment times out.</p>
              <div className="mt-4 flex justify-center gap-4 text-sm font-medium">
                <Link href="/annotate" className="text-indigo-700 hover:underline">
                  Back to my queue
                </Link>
                <Link href="/annotate/submissions" className="text-indigo-700 hover:underline">
                  My submissions
                </Link>
              </div>
            </div>
          )}

          {phase.kind === "ready" && payload && (
            <div data-testid="task" data-task-id={payload.task.id} data-assignment-id={payload.assignment.id}>
              <Conversation messages={payload.task.messages} />

              <div className="mt-6 mb-3 flex flex-wrap items-baseline justify-between gap-2">
                <h2 className="font-semibold">
                  Rank the {payload.task.completions.length} completions, best first
                </h2>
                <p className="text-sm text-slate-500">
                  Your order: <span className="font-mono font-medium text-slate-800" data-testid="order-summary">{summary}</span>
                </p>
              </div>

              <DndContext
                sensors={sensors}
                collisionDetection={closestCenter}
                onDragStart={onDragStart}
                onDragEnd={onDragEnd}
                onDragCancel={() => setDragging(false)}
              >
                <SortableContext items={draft.map((r) => r.id)} strategy={layout === "side" ? rectSortingStrategy : verticalListSortingStrategy}>
                  <ol
                    data-testid="ranking-list"
                    data-layout={layout}
                    className={layout === "side" ? "grid grid-cols-1 gap-3 md:grid-cols-2" : "flex flex-col gap-3"}
                  >
                    {draft.map((row, i) => {
                      const [start] = groupBounds(draft, i);
                      return (
                        <li key={row.id} className="min-w-0">
                          <CompletionCard
                            id={row.id}
                            letter={letters.get(row.id) ?? "?"}
                            text={texts.get(row.id) ?? ""}
                            rank={labels[i]}
                            groupIndex={groups.findIndex((g) => g.includes(draft[start].id))}
                            index={i}
                            tiedAbove={row.tiedAbove}
                            flags={flags[row.id] ?? []}
                            flagMenuOpen={flagMenuFor === row.id}
                            onToggleTie={() => update((d) => (row.tiedAbove ? untie(d, row.id) : tie(d, row.id)))}
                            onToggleFlag={(f) => toggleFlag(row.id, f)}
                            onFlagMenu={(open) => (open ? setFlagMenuFor(row.id) : closeFlagMenu(row.id))}
                          />
                        </li>
                      );
                    })}
                  </ol>
                </SortableContext>
              </DndContext>

              <div className="mt-6 rounded-xl border border-slate-200 bg-white px-4 py-4 shadow-sm">
                <div className="flex flex-col gap-3">
                  <label className="flex items-start gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={noneAcceptable}
                      onChange={(e) => setNoneAcceptable(e.target.checked)}
                      data-testid="none-acceptable"
                      className="mt-0.5 accent-rose-600"
                    />
                    <span>
                      <span className="font-medium">None acceptable</span> <span className="text-slate-500">— every completion is bad; still rank them (N)</span>
                    </span>
                  </label>
                  <textarea
                    ref={commentRef}
                    value={comment}
                    onChange={(e) => setComment(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === "Escape") (e.target as HTMLTextAreaElement).blur();
                    }}
                    rows={2}
                    maxLength={5000}
                    placeholder="Comment (optional, C) — Ctrl+Enter submits, Esc leaves the box"
                    data-testid="comment"
                    className="w-full resize-y rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
                  />
                  {skipOpen ? (
                    <SkipPanel busy={busy} onCancel={() => setSkipOpen(false)} onSkip={(reason) => void skip(reason)} />
                  ) : (
                    <div className="flex flex-wrap items-center justify-end gap-3">
                      <button
                        type="button"
                        onClick={() => setSkipOpen(true)}
                        disabled={busy}
                        data-testid="skip"
                        className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
                      >
                        Skip… <kbd className="ml-1 text-xs text-slate-400">S</kbd>
                      </button>
                      <button
                        type="button"
                        onClick={() => void submit()}
                        disabled={busy}
                        data-testid="submit"
                        className="rounded-lg bg-indigo-600 px-5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-700 disabled:opacity-50"
                      >
                        {busy ? "Submitting…" : "Submit ranking"} <kbd className="ml-1 text-xs text-indigo-200">Enter</kbd>
                      </button>
                    </div>
                  )}
                </div>
              </div>
              <div className="mt-6 hidden sm:block lg:hidden">
                <KeyboardHelp />
              </div>
            </div>
          )}
        </section>

        <aside className="order-first flex flex-col gap-4 lg:sticky lg:top-4 lg:order-last lg:max-h-[calc(100vh-2rem)] lg:w-80 lg:shrink-0 lg:overflow-y-auto">
          <section className="rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="guidelines" aria-labelledby="guidelines-title">
            <h2 id="guidelines-title" className="font-semibold">
              <button
                type="button"
                onClick={() => setShowGuidelines((v) => !v)}
                aria-expanded={showGuidelines}
                data-testid="guidelines-toggle"
                className="flex w-full items-center justify-between px-4 py-3 text-left lg:pointer-events-none"
              >
                Guidelines
                <span className="text-xs font-normal text-slate-500 lg:hidden">{showGuidelines ? "Hide ▲" : "Show ▼"}</span>
              </button>
            </h2>
            <div className={`${showGuidelines ? "block" : "hidden"} border-t border-slate-100 px-4 py-3 lg:block`} data-testid="guidelines-body">
              {guidelines ? <Markdown>{guidelines}</Markdown> : <p className="text-sm text-slate-500">This project has no guidelines. Rank the most helpful, correct completion first.</p>}
            </div>
          </section>
          <div className="hidden lg:block">
            <KeyboardHelp />
          </div>
        </aside>
      </div>
    </div>
  );
}
