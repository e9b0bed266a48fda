"use client";
// Below the cards: none acceptable, the comment, and the way out — submit (or save, when
// editing), confirm the order as shown, or skip. Submit says why it cannot go yet.
import type { Ref } from "react";
import type { RankingMode } from "../_hooks/ranking-keys";
import { KBD_HINT } from "./kbd-hint";
import { SkipPanel } from "./skip-panel";

export interface SubmitPanelProps {
  mode: RankingMode;
  busy: boolean;
  noneAcceptable: boolean;
  comment: string;
  commentRef: Ref<HTMLTextAreaElement>;
  /** Why the ranking cannot be submitted yet, or null. */
  blocker: string | null;
  /** The order itself still needs an act (not only answers missing): "Confirm this order" helps. Default: any blocker. */
  orderBlocked?: boolean;
  /** The annotator just tried to submit while blocked: say it louder. */
  nudged: boolean;
  confirmed: boolean;
  skipOpen: boolean;
  onNoneAcceptable(value: boolean): void;
  onComment(value: string): void;
  onSubmit(): void;
  onConfirm(): void;
  onSkipOpen(open: boolean): void;
  onSkip(reason: string): void;
  onCancelEdit?(): void;
}

const secondary = "rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";

export function SubmitPanel({ commentRef, ...props }: SubmitPanelProps) {
  const { mode, busy, blocker, nudged } = props;
  const verb = mode === "edit" ? (busy ? "Saving…" : "Save changes") : busy ? "Submitting…" : "Submit ranking";
  return (
    <div className="mt-6 rounded-xl border border-slate-200 bg-white px-4 py-4 shadow-sm" data-testid="submit-panel">
      <div className="flex flex-col gap-3">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            checked={props.noneAcceptable}
            onChange={(e) => props.onNoneAcceptable(e.target.checked)}
            data-testid="none-acceptable"
            className="mt-0.5 accent-rose-600"
          />
          <span>
            <span className="font-medium">None acceptable</span> <span className="text-slate-500">— every completion is bad; still rank them</span>{" "}
            <kbd className={`${KBD_HINT} text-xs text-slate-400`}>N</kbd>
          </span>
        </label>
        <div>
          <textarea
            ref={commentRef}
            value={props.comment}
            onChange={(e) => props.onComment(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") (e.target as HTMLTextAreaElement).blur();
            }}
            rows={2}
            maxLength={5000}
            placeholder="Comment (optional)"
            aria-label="Comment (optional)"
            data-testid="comment"
            className="w-full resize-y rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-indigo-500 focus:ring-1 focus:ring-indigo-500 focus:outline-none"
          />
          <p className={`${KBD_HINT} text-xs text-slate-400`}>C writes a comment · Ctrl+Enter {mode === "edit" ? "saves" : "submits"} · Esc leaves the box</p>
        </div>
        {props.skipOpen ? (
          <SkipPanel busy={busy} onCancel={() => props.onSkipOpen(false)} onSkip={props.onSkip} />
        ) : (
          <div className="flex flex-wrap items-center justify-end gap-3">
            {mode === "queue" && (
              <button type="button" onClick={() => props.onSkipOpen(true)} disabled={busy} data-testid="skip" className={secondary}>
                Skip… <kbd className={`${KBD_HINT} ml-1 text-xs text-slate-400`}>S</kbd>
              </button>
            )}
            {mode === "edit" && props.onCancelEdit && (
              <button type="button" onClick={props.onCancelEdit} disabled={busy} data-testid="cancel-edit" className={secondary}>
                Cancel
              </button>
            )}
            {mode === "queue" && (props.confirmed || (props.orderBlocked ?? blocker !== null)) && (
              <button
                type="button"
                onClick={props.onConfirm}
                disabled={busy || props.confirmed}
                aria-pressed={props.confirmed}
                data-testid="confirm-order"
                title="The order shown is right as it is: allow submitting it unchanged"
                className={`${secondary} ${props.confirmed ? "border-emerald-300 bg-emerald-50 text-emerald-800 disabled:opacity-100" : ""}`}
              >
                {props.confirmed ? "✓ Order confirmed" : "Confirm this order"} <kbd className={`${KBD_HINT} ml-1 text-xs text-slate-400`}>O</kbd>
              </button>
            )}
            <button
              type="button"
              onClick={props.onSubmit}
              disabled={busy}
              aria-disabled={blocker !== null}
              aria-describedby={blocker ? "submit-blocker" : undefined}
              data-testid="submit"
              data-blocked={blocker !== null}
              className={`rounded-lg px-5 py-2 text-sm font-semibold shadow-sm disabled:opacity-50 ${
                blocker ? "cursor-not-allowed bg-slate-200 text-slate-500" : "bg-indigo-600 text-white hover:bg-indigo-700"
              }`}
            >
              {verb} <kbd className={`${KBD_HINT} ml-1 text-xs ${blocker ? "text-slate-400" : "text-indigo-200"}`}>Enter</kbd>
            </button>
          </div>
        )}
        {blocker && !props.skipOpen && (
          <p
            id="submit-blocker"
            role={nudged ? "alert" : undefined}
            data-testid="submit-blocker"
            data-nudged={nudged}
            className={`text-right text-sm ${nudged ? "font-medium text-amber-800" : "text-slate-500"}`}
          >
            {blocker}
          </p>
        )}
      </div>
    </div>
  );
}
