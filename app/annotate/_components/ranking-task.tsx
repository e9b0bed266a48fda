"use client";
// One task being ranked (a new one from the queue, or a submitted one reopened for editing):
// the conversation, the sortable cards, the submit panel, and the keyboard. Mount it once per
// task (keyed by the assignment or the ranking), so its state starts fresh.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Flag, Message } from "@/db/schema";
import { lettersFor, orderInLetters } from "@/lib/labeling/letters";
import type { QualityQuestion } from "@/lib/labeling/questions";
import { answersBlocker, submissionOf, submitBlocker, toGroups, twinsOf, type RankingState } from "@/lib/labeling/submission-draft";
import type { RankingMode, ResolvedKey } from "../_hooks/ranking-keys";
import type { Layout } from "../_hooks/use-layout";
import { useRankingDraft, type DraftStorage } from "../_hooks/use-ranking-draft";
import { useRankingKeys } from "../_hooks/use-ranking-keys";
import type { RankingBody } from "../_hooks/use-ranking-queue";
import { FLAG_ORDER } from "./completion-card";
import { Conversation } from "./conversation";
import { KeyboardHelp } from "./keyboard-help";
import { SortableRanking } from "./sortable-ranking";
import { SubmitPanel } from "./submit-panel";

export interface RankingTaskProps {
  mode: RankingMode;
  task: { id: number; messages: Message[]; completions: { id: number; text: string }[] };
  storage: DraftStorage | null;
  /** The project's per-completion questions (shown on each card). */
  questions?: readonly QualityQuestion[];
  /** Edit mode: the stored ranking as a state; saving needs a change from it. */
  original?: RankingState;
  busy: boolean;
  layout: Layout;
  onLayout(layout: Layout): void;
  /** Sends the ranking; resolves true when the server took it (the draft is then dropped). */
  onSubmit(body: RankingBody, summary: string): Promise<boolean>;
  onSkip?(reason: string): Promise<boolean>;
  onCancelEdit?(): void;
}

const NO_QUESTIONS: readonly QualityQuestion[] = [];

export function RankingTask(props: RankingTaskProps) {
  const { mode, task, busy, layout } = props;
  const questions = props.questions ?? NO_QUESTIONS;
  const { state, dispatch, clear, restored } = useRankingDraft(task, props.storage, props.original ? () => props.original! : undefined);
  const [flagMenuFor, setFlagMenuFor] = useState<number | null>(null);
  const [skipOpen, setSkipOpen] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [nudged, setNudged] = useState(false);
  const pendingFocus = useRef<number | null>(null);
  const startedAt = useRef(0);
  const commentRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    startedAt.current = performance.now();
  }, []);

  // Keep the focus on the card that just moved (or whose flag menu closed).
  useEffect(() => {
    const id = pendingFocus.current;
    if (id === null) return;
    pendingFocus.current = null;
    const el = document.querySelector<HTMLElement>(`[data-card-id="${id}"]`);
    el?.focus();
    el?.scrollIntoView({ block: "nearest" });
  }, [state.order, flagMenuFor]);

  const twins = useMemo(() => twinsOf(state.twinSets), [state.twinSets]);
  const letters = useMemo(() => lettersFor(task.completions.map((c) => c.id)), [task]);
  const texts = useMemo(() => new Map(task.completions.map((c) => [c.id, c.text])), [task]);
  const summary = orderInLetters(toGroups(state.order), letters);
  const orderBlocker = submitBlocker(state, props.original);
  const blocker = orderBlocker ?? answersBlocker(state, questions, letters);

  const submit = useCallback(async () => {
    if (blocker) return setNudged(true);
    const body: RankingBody = { ...submissionOf(state) };
    if (mode === "queue") body.secondsSpent = Math.round((performance.now() - startedAt.current) / 100) / 10;
    if (await props.onSubmit(body, summary)) clear();
  }, [blocker, state, mode, props, summary, clear]);

  const skip = useCallback(
    async (reason: string) => {
      if (props.onSkip && (await props.onSkip(reason))) clear();
    },
    [props, clear],
  );

  const focusCard = (id: number | undefined) => id !== undefined && document.querySelector<HTMLElement>(`[data-card-id="${id}"]`)?.focus();
  const moved = (id: number) => {
    pendingFocus.current = id;
  };

  useRankingKeys(!skipOpen && !dragging && !busy, mode, (key: ResolvedKey, cardId: number | null) => {
    const at = cardId === null ? -1 : state.order.findIndex((r) => r.id === cardId);
    switch (key.action) {
      case "submit":
        return void submit();
      case "confirm":
        return dispatch({ type: "confirm" });
      case "toggleNone":
        return dispatch({ type: "noneAcceptable", value: !state.noneAcceptable });
      case "comment":
        return commentRef.current?.focus();
      case "skip":
        return setSkipOpen(true);
      case "layout":
        return props.onLayout(layout === "stacked" ? "side" : "stacked");
      case "focusNext":
        return void focusCard(key.first ? state.order[0]?.id : state.order[Math.min(state.order.length - 1, at + 1)]?.id);
      case "focusPrev":
        return void focusCard(state.order[Math.max(0, at - 1)]?.id);
    }
    if (cardId === null) return;
    if (key.action === "flags") return setFlagMenuFor((open) => (open === cardId ? null : cardId));
    if (key.action === "moveUp" || key.action === "moveDown") dispatch({ type: "step", id: cardId, direction: key.action === "moveUp" ? -1 : 1 });
    else if (key.action === "place") dispatch({ type: "move", id: cardId, to: key.place ?? 0 });
    else if (key.action === "tie") dispatch({ type: "tie", id: cardId });
    else if (key.action === "untie") dispatch({ type: "untie", id: cardId });
    moved(cardId);
  });

  return (
    <div data-testid="task" data-task-id={task.id} data-mode={mode} data-touched={state.touched} data-confirmed={state.confirmed}>
      {restored && (
        <p className="mb-3 rounded-lg bg-sky-50 px-4 py-2 text-sm text-sky-900" data-testid="draft-restored" role="status">
          Your unfinished ranking of this task was restored from this browser.
        </p>
      )}
      <Conversation messages={task.messages} />

      <div className="mt-6 mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="font-semibold">Rank the {task.completions.length} completions, best first</h2>
        <p className="text-sm text-slate-500">
          Your order <span className="text-slate-400">(letters as you see them)</span>:{" "}
          <span className="font-mono font-medium text-slate-800" data-testid="order-summary">
            {summary}
          </span>
        </p>
      </div>

      <SortableRanking
        order={state.order}
        twins={twins}
        letters={letters}
        texts={texts}
        flags={state.flags}
        flagMenuFor={flagMenuFor}
        questions={questions}
        answers={state.answers}
        layout={layout}
        onMove={(id, to) => {
          dispatch({ type: "move", id, to });
          moved(id);
        }}
        onToggleTie={(id, tied) => dispatch({ type: tied ? "tie" : "untie", id })}
        onToggleFlag={(id, flag: Flag) => dispatch({ type: "toggleFlag", id, flag, order: FLAG_ORDER })}
        onAnswer={(id, key, value) => dispatch({ type: "answer", id, key, value })}
        onFlagMenu={(id, open) => {
          setFlagMenuFor(open ? id : null);
          if (!open) moved(id);
        }}
        onDragging={setDragging}
      />

      <SubmitPanel
        mode={mode}
        busy={busy}
        noneAcceptable={state.noneAcceptable}
        comment={state.comment}
        commentRef={commentRef}
        blocker={blocker}
        orderBlocked={orderBlocker !== null}
        nudged={nudged}
        confirmed={state.confirmed}
        skipOpen={skipOpen}
        onNoneAcceptable={(value) => dispatch({ type: "noneAcceptable", value })}
        onComment={(value) => dispatch({ type: "comment", value })}
        onSubmit={() => void submit()}
        onConfirm={() => dispatch({ type: "confirm" })}
        onSkipOpen={setSkipOpen}
        onSkip={(reason) => void skip(reason)}
        onCancelEdit={props.onCancelEdit}
      />
      <div className="mt-6 hidden sm:max-lg:pointer-fine:block">
        <KeyboardHelp mode={mode} />
      </div>
    </div>
  );
}
