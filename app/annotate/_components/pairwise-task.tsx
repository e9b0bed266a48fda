"use client";
// One pairwise task (a project in pairwise mode, a task with two completions): A and B as this
// annotator sees them, six answers — A much better … B much better, both bad — by button or key
// (1–5, N), flags and the project's questions on each card, a comment, submit (Enter) or skip.
// The answer is sent as an ordinary ranking plus its strength (lib/labeling/pairwise.ts).
// Mount it once per task (keyed by the assignment or the ranking), so its state starts fresh.
import { useCallback, useEffect, useRef, useState } from "react";
import { Markdown } from "@/app/components/markdown";
import type { Flag, Message } from "@/db/schema";
import { PAIRWISE_CHOICES, pairwiseRanking, type PairwiseAnswer } from "@/lib/labeling/pairwise";
import type { AnswerValue, QualityQuestion } from "@/lib/labeling/questions";
import { resolvePairwiseKey } from "../_hooks/pairwise-keys";
import type { RankingMode } from "../_hooks/ranking-keys";
import type { Layout } from "../_hooks/use-layout";
import type { RankingBody } from "../_hooks/use-ranking-queue";
import { CompletionQuestions } from "./completion-questions";
import { FLAG_LABELS, FLAG_ORDER } from "./completion-card";
import { Conversation } from "./conversation";
import { KBD_HINT } from "./kbd-hint";
import { SkipPanel } from "./skip-panel";

/** What the page holds besides the answer: flags and question answers per completion, the comment. */
export interface PairwiseState {
  answer: PairwiseAnswer | null;
  flags: Record<number, Flag[]>;
  answers: Record<number, Record<string, AnswerValue>>;
  comment: string;
}

export interface PairwiseTaskProps {
  mode: RankingMode;
  /** Exactly two completions, A then B (display order). */
  task: { id: number; messages: Message[]; completions: { id: number; text: string }[] };
  questions: readonly QualityQuestion[];
  /** Edit mode: the stored answer; saving needs a change from it. */
  original?: PairwiseState;
  busy: boolean;
  layout: Layout;
  onLayout(layout: Layout): void;
  onSubmit(body: RankingBody, summary: string): Promise<boolean>;
  onSkip?(reason: string): Promise<boolean>;
  onCancelEdit?(): void;
}

const EMPTY: PairwiseState = { answer: null, flags: {}, answers: {}, comment: "" };
const LETTERS = ["A", "B"];

function isAnswered(v: AnswerValue | undefined): boolean {
  return v !== undefined && (typeof v === "number" || v.length > 0);
}

/** The request body of a state with an answer. */
export function pairwiseBody(state: PairwiseState, a: number, b: number): RankingBody & { strength: number } {
  const stored = pairwiseRanking(state.answer!, a, b);
  return {
    groups: stored.groups,
    noneAcceptable: stored.noneAcceptable,
    strength: stored.strength,
    flags: [a, b].flatMap((id) => (state.flags[id] ?? []).map((flag) => ({ completionId: id, flag }))),
    answers: [a, b].flatMap((id) =>
      Object.entries(state.answers[id] ?? {})
        .filter(([, value]) => isAnswered(value))
        .map(([questionKey, value]) => ({ completionId: id, questionKey, value })),
    ),
    comment: state.comment.trim() || null,
  };
}

export function PairwiseTask(props: PairwiseTaskProps) {
  const { mode, task, busy, layout, questions } = props;
  const [a, b] = task.completions;
  const [state, setState] = useState<PairwiseState>(props.original ?? EMPTY);
  const [skipOpen, setSkipOpen] = useState(false);
  const [nudged, setNudged] = useState(false);
  const startedAt = useRef(0);
  const commentRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    startedAt.current = performance.now();
  }, []);

  const missing = questions
    .filter((q) => q.required && state.answer !== "both-bad")
    .flatMap((q) => [a, b].flatMap((c, i) => (isAnswered(state.answers[c.id]?.[q.key]) ? [] : [`${LETTERS[i]}: ${q.prompt}`])));
  const unchanged = props.original !== undefined && JSON.stringify(state) === JSON.stringify(props.original);
  const blocker =
    state.answer === null
      ? "Choose an answer: 1–5, or N for both bad."
      : missing.length > 0
        ? `Answer the required questions (${missing.join("; ")}).`
        : unchanged
          ? "Change something before saving."
          : null;
  const label = state.answer ? PAIRWISE_CHOICES.find((c) => c.answer === state.answer)!.label : "";

  const submit = useCallback(async () => {
    if (blocker) return setNudged(true);
    const body: RankingBody = pairwiseBody(state, a.id, b.id);
    if (mode === "queue") body.secondsSpent = Math.round((performance.now() - startedAt.current) / 100) / 10;
    await props.onSubmit(body, label);
  }, [blocker, state, a, b, mode, props, label]);

  // One keydown listener, reading the latest state through a ref.
  const latest = useRef({ enabled: true, submit, mode });
  useEffect(() => {
    latest.current = { enabled: !skipOpen && !busy, submit, mode };
  });
  const onLayout = props.onLayout;
  const layoutRef = useRef(layout);
  useEffect(() => {
    layoutRef.current = layout;
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => {
      if (!latest.current.enabled) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      const resolved = resolvePairwiseKey(
        {
          key: e.key,
          ctrl: e.ctrlKey,
          meta: e.metaKey,
          alt: e.altKey,
          inTextField: !!target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)),
          onControl: !!target?.closest("button, a, summary"),
          inWidget: !!target?.closest("[data-testid=flag-menu], [data-testid=completion-questions]"),
        },
        latest.current.mode,
      );
      if (!resolved) return;
      e.preventDefault();
      if (resolved.action === "answer") setState((s) => ({ ...s, answer: resolved.answer }));
      else if (resolved.action === "submit") void latest.current.submit();
      else if (resolved.action === "comment") commentRef.current?.focus();
      else if (resolved.action === "skip") setSkipOpen(true);
      else if (resolved.action === "layout") onLayout(layoutRef.current === "stacked" ? "side" : "stacked");
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, [onLayout]);

  const toggleFlag = (id: number, flag: Flag) =>
    setState((s) => {
      const has = (s.flags[id] ?? []).includes(flag);
      const next = has ? s.flags[id].filter((f) => f !== flag) : FLAG_ORDER.filter((f) => f === flag || (s.flags[id] ?? []).includes(f));
      return { ...s, flags: { ...s.flags, [id]: next } };
    });
  const answer = (id: number, key: string, value: AnswerValue | null) =>
    setState((s) => {
      const mine = { ...s.answers[id] };
      if (value === null) delete mine[key];
      else mine[key] = value;
      return { ...s, answers: { ...s.answers, [id]: mine } };
    });

  const verb = mode === "edit" ? (busy ? "Saving…" : "Save changes") : busy ? "Submitting…" : "Submit answer";
  return (
    <div data-testid="task" data-task-id={task.id} data-mode={mode} data-pairwise="true" data-answer={state.answer ?? ""}>
      <Conversation messages={task.messages} />
      <h2 className="mt-6 mb-3 font-semibold">Which completion is better, A or B?</h2>
      <div className={`grid gap-4 ${layout === "side" ? "md:grid-cols-2" : "grid-cols-1"}`}>
        {[a, b].map((c, i) => (
          <article
            key={c.id}
            data-testid="pairwise-card"
            data-completion-id={c.id}
            data-letter={LETTERS[i]}
            className="flex min-w-0 flex-col rounded-xl border border-slate-200 bg-white shadow-sm"
          >
            <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-2">
              <span className="rounded bg-slate-100 px-2 py-0.5 font-mono text-sm font-semibold text-slate-700" data-testid="card-letter">
                {LETTERS[i]}
              </span>
              <details className="ml-auto text-xs">
                <summary className="cursor-pointer rounded-md border border-slate-200 px-2 py-1 font-medium text-slate-600 hover:bg-slate-50">
                  ⚑ Flag{(state.flags[c.id] ?? []).length > 0 ? ` (${state.flags[c.id].length})` : ""}
                </summary>
                <div role="group" aria-label={`Flags of completion ${LETTERS[i]}`} data-testid="flag-menu" className="mt-1 flex flex-col">
                  {FLAG_ORDER.map((f) => (
                    <label key={f} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 text-sm hover:bg-slate-50">
                      <input
                        type="checkbox"
                        checked={(state.flags[c.id] ?? []).includes(f)}
                        onChange={() => toggleFlag(c.id, f)}
                        data-testid={`flag-${f}`}
                        className="accent-rose-600"
                      />
                      {FLAG_LABELS[f]}
                    </label>
                  ))}
                </div>
              </details>
            </header>
            <div className="px-4 py-3" data-testid="completion-text">
              <Markdown>{c.text}</Markdown>
            </div>
            <CompletionQuestions
              letter={LETTERS[i]}
              questions={questions}
              answers={state.answers[c.id] ?? {}}
              onAnswer={(key, value) => answer(c.id, key, value)}
            />
          </article>
        ))}
      </div>

      <div className="mt-6 rounded-xl border border-slate-200 bg-white px-4 py-4 shadow-sm" data-testid="submit-panel">
        <div role="radiogroup" aria-label="Your answer" className="flex flex-wrap gap-2" data-testid="pairwise-answers">
          {PAIRWISE_CHOICES.map((c) => (
            <button
              key={c.answer}
              type="button"
              role="radio"
              aria-checked={state.answer === c.answer}
              data-testid={`answer-${c.answer}`}
              onClick={() => setState((s) => ({ ...s, answer: c.answer }))}
              className={`rounded-lg border px-3 py-2 text-sm font-medium ${
                state.answer === c.answer
                  ? c.answer === "both-bad"
                    ? "border-rose-400 bg-rose-50 text-rose-900"
                    : "border-indigo-500 bg-indigo-50 text-indigo-900"
                  : "border-slate-300 text-slate-700 hover:bg-slate-50"
              }`}
            >
              <kbd className={`${KBD_HINT} mr-1 font-mono text-xs text-slate-400`}>{c.key.toUpperCase()}</kbd>
              {c.label}
            </button>
          ))}
        </div>
        <label className="mt-3 flex flex-col gap-1 text-sm">
          <span>
            Comment <span className="text-slate-500">(optional)</span> <kbd className={`${KBD_HINT} text-xs text-slate-400`}>C</kbd>
          </span>
          <textarea
            ref={commentRef}
            value={state.comment}
            onChange={(e) => setState((s) => ({ ...s, comment: e.target.value }))}
            onKeyDown={(e) => {
              if (e.key === "Escape") e.currentTarget.blur();
            }}
            rows={2}
            data-testid="comment"
            className="rounded border border-slate-300 p-2"
          />
        </label>
        {blocker && (nudged || state.answer !== null) && (
          <p
            className={`mt-2 text-sm ${nudged ? "font-medium text-rose-700" : "text-slate-500"}`}
            data-testid="submit-blocker"
            role={nudged ? "alert" : undefined}
          >
            {blocker}
          </p>
        )}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <button
            type="button"
            onClick={() => void submit()}
            disabled={busy}
            aria-disabled={blocker !== null}
            data-testid="submit"
            className={`rounded-lg px-4 py-2 text-sm font-semibold text-white ${blocker ? "bg-indigo-300" : "bg-indigo-600 hover:bg-indigo-700"} disabled:opacity-50`}
          >
            {verb} <kbd className={`${KBD_HINT} ml-1 text-xs opacity-70`}>Enter</kbd>
          </button>
          {mode === "queue" && props.onSkip && !skipOpen && (
            <button
              type="button"
              onClick={() => setSkipOpen(true)}
              data-testid="skip"
              className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              Skip <kbd className={`${KBD_HINT} ml-1 text-xs text-slate-400`}>S</kbd>
            </button>
          )}
          {mode === "edit" && props.onCancelEdit && (
            <button type="button" onClick={props.onCancelEdit} className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700">
              Cancel
            </button>
          )}
        </div>
        {skipOpen && props.onSkip && (
          <div className="mt-3">
            <SkipPanel busy={busy} onSkip={(reason) => void props.onSkip?.(reason)} onCancel={() => setSkipOpen(false)} />
          </div>
        )}
      </div>
    </div>
  );
}
