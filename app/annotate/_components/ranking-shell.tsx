"use client";
// The ranking page's frame: header and task on the left; on wide screens the guidelines and the
// keyboard help on the right, sticky and sized to the window so the keyboard help is always
// whole (the guidelines scroll inside). On narrow screens the guidelines fold away above the task.
import { useState, type ReactNode } from "react";
import { Markdown } from "@/app/components/markdown";
import type { RankingMode } from "../_hooks/ranking-keys";
import { KeyboardHelp } from "./keyboard-help";

export function RankingShell({
  header,
  guidelines,
  mode,
  pairwise = false,
  children,
}: {
  header: ReactNode;
  guidelines: string;
  mode: RankingMode;
  /** The task on show is a pairwise one: the keyboard help lists its keys. */
  pairwise?: boolean;
  children: ReactNode;
}) {
  const [showGuidelines, setShowGuidelines] = useState(false);
  const text = guidelines.trim();
  return (
    <div className="grid grid-cols-1 gap-x-6 gap-y-4 lg:grid-cols-[minmax(0,1fr)_20rem] lg:grid-rows-[auto_1fr]">
      <div className="min-w-0 lg:col-start-1">{header}</div>
      <aside className="flex min-h-0 flex-col gap-4 lg:sticky lg:top-4 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:max-h-[calc(100vh-6rem)] lg:self-start">
        <section
          className="flex min-h-0 flex-col rounded-xl border border-slate-200 bg-white shadow-sm lg:flex-1"
          data-testid="guidelines"
          aria-labelledby="guidelines-title"
        >
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
          <div
            className={`${showGuidelines ? "block" : "hidden"} min-h-0 border-t border-slate-100 px-4 py-3 lg:block lg:overflow-y-auto`}
            data-testid="guidelines-body"
          >
            {text ? (
              <Markdown>{text}</Markdown>
            ) : (
              <p className="text-sm text-slate-500">This project has no guidelines. Rank the most helpful, correct completion first.</p>
            )}
          </div>
        </section>
        <div className="hidden shrink-0 lg:pointer-fine:block">
          <KeyboardHelp mode={mode} pairwise={pairwise} />
        </div>
      </aside>
      <section className="min-w-0 lg:col-start-1" aria-label="Task">
        {children}
      </section>
    </div>
  );
}
