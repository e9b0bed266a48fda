"use client";
// One completion in the ranking: rank badge, letter, drag handle, tie toggle, flags, the text,
// a mark when other completions have the same text (they stay tied to it), and the project's
// per-completion questions below the text.
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useEffect, useRef } from "react";
import { Markdown } from "@/app/components/markdown";
import type { Flag } from "@/db/schema";
import type { AnswerValue, QualityQuestion } from "@/lib/labeling/questions";
import { CompletionQuestions } from "./completion-questions";
import { KBD_HINT } from "./kbd-hint";

export const FLAG_LABELS: Record<Flag, string> = {
  harmful: "Harmful",
  factually_wrong: "Factually wrong",
  off_topic: "Off-topic",
  other: "Other problem",
};
export const FLAG_ORDER = Object.keys(FLAG_LABELS) as Flag[];

/** Group accents, cycling: tied cards share one. */
const ACCENTS = ["border-l-indigo-500", "border-l-sky-500", "border-l-emerald-500", "border-l-amber-500", "border-l-rose-500", "border-l-violet-500"];

export interface CompletionCardProps {
  id: number;
  letter: string;
  text: string;
  /** "1", "2=", … */
  rank: string;
  groupIndex: number;
  index: number;
  tiedAbove: boolean;
  /** Letters of the completions with the same text. */
  sameAs: string[];
  /** Tied to the card above because they have the same text: no tie toggle of its own. */
  twinOfAbove: boolean;
  flags: Flag[];
  flagMenuOpen: boolean;
  /** The project's per-completion questions and this card's answers. */
  questions: readonly QualityQuestion[];
  answers: Readonly<Record<string, AnswerValue>>;
  onAnswer(key: string, value: AnswerValue | null): void;
  onToggleTie(): void;
  onToggleFlag(flag: Flag): void;
  onFlagMenu(open: boolean): void;
}

export function CompletionCard(props: CompletionCardProps) {
  const { id, letter, text, rank, groupIndex, index, tiedAbove, sameAs, twinOfAbove, flags, flagMenuOpen } = props;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id });
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (flagMenuOpen) menuRef.current?.querySelector<HTMLInputElement>("input")?.focus();
  }, [flagMenuOpen]);

  const tied = rank.endsWith("=");
  return (
    <article
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition }}
      tabIndex={0}
      data-testid="completion-card"
      data-card-id={id}
      data-completion-id={id}
      data-letter={letter}
      data-rank={rank}
      aria-label={`Completion ${letter}, rank ${rank.replace("=", " (tied)")}`}
      className={`group relative flex min-w-0 flex-col rounded-xl border border-l-4 border-slate-200 bg-white shadow-sm outline-none transition-shadow focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 ${
        ACCENTS[groupIndex % ACCENTS.length]
      } ${isDragging ? "z-10 opacity-80 shadow-lg ring-2 ring-indigo-300" : ""}`}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-2">
        <button
          type="button"
          ref={setActivatorNodeRef}
          {...attributes}
          {...listeners}
          data-testid="drag-handle"
          data-drag-handle
          aria-label={`Drag completion ${letter}`}
          className="cursor-grab touch-none rounded px-1.5 py-1 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-500 active:cursor-grabbing"
        >
          ⠿
        </button>
        <span
          className={`inline-flex h-7 min-w-9 items-center justify-center rounded-full px-2 text-sm font-bold tabular-nums ${tied ? "bg-amber-100 text-amber-900" : "bg-indigo-600 text-white"}`}
          data-testid="rank-badge"
          title={tied ? "Tied rank" : "Rank"}
        >
          {rank}
        </span>
        <span className="rounded bg-slate-100 px-2 py-0.5 font-mono text-xs font-semibold text-slate-600" data-testid="card-letter">
          {letter}
        </span>
        {sameAs.length > 0 && (
          <span
            className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-900"
            data-testid="same-text"
            data-same-as={sameAs.join(",")}
            title="Identical texts are kept tied and move together"
          >
            same text as {sameAs.join(", ")}
          </span>
        )}
        {flags.map((f) => (
          <span key={f} className="rounded-full bg-rose-100 px-2 py-0.5 text-xs font-medium text-rose-800" data-testid="flag-chip">
            {FLAG_LABELS[f]}
          </span>
        ))}
        <span className="ml-auto flex items-center gap-1">
          {index > 0 && !twinOfAbove && (
            <button
              type="button"
              onClick={props.onToggleTie}
              aria-pressed={tiedAbove}
              data-testid="tie-toggle"
              title={tiedAbove ? "Untie from the card above (U)" : "Tie with the card above (T)"}
              className={`rounded-md border px-2 py-1 text-xs font-medium ${
                tiedAbove ? "border-amber-300 bg-amber-50 text-amber-900 hover:bg-amber-100" : "border-slate-200 text-slate-600 hover:bg-slate-50"
              }`}
            >
              {tiedAbove ? "= tied ✕" : "= tie ↑"}
            </button>
          )}
          <span className="relative">
            <button
              type="button"
              onClick={() => props.onFlagMenu(!flagMenuOpen)}
              aria-expanded={flagMenuOpen}
              aria-haspopup="true"
              data-testid="flag-button"
              title="Flag this completion (F)"
              className={`rounded-md border px-2 py-1 text-xs font-medium ${
                flags.length > 0 ? "border-rose-300 bg-rose-50 text-rose-800" : "border-slate-200 text-slate-600 hover:bg-slate-50"
              }`}
            >
              ⚑ Flag{flags.length > 0 ? ` (${flags.length})` : ""}
            </button>
          </span>
        </span>
      </header>
      {flagMenuOpen && (
        <div
          ref={menuRef}
          role="group"
          aria-label={`Flags of completion ${letter}`}
          data-testid="flag-menu"
          onKeyDown={(e) => {
            if (e.key === "Escape" || e.key === "f" || e.key === "F") {
              e.preventDefault();
              e.stopPropagation();
              props.onFlagMenu(false);
            }
          }}
          className="mx-3 mt-2 rounded-lg border border-slate-200 bg-white p-2 sm:absolute sm:top-11 sm:right-3 sm:z-20 sm:mx-0 sm:mt-0 sm:w-52 sm:shadow-lg"
        >
          {FLAG_ORDER.map((f) => (
            <label key={f} className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-slate-50">
              <input type="checkbox" checked={flags.includes(f)} onChange={() => props.onToggleFlag(f)} data-testid={`flag-${f}`} className="accent-rose-600" />
              {FLAG_LABELS[f]}
            </label>
          ))}
          <p className={`${KBD_HINT} px-2 pt-1 text-xs text-slate-500`}>Space toggles · Esc closes</p>
        </div>
      )}
      <div className="px-4 py-3" data-testid="completion-text">
        <Markdown>{text}</Markdown>
      </div>
      <CompletionQuestions letter={letter} questions={props.questions} answers={props.answers} onAnswer={props.onAnswer} />
    </article>
  );
}
