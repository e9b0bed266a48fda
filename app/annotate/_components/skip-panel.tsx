"use client";
// Skipping a task needs a reason: one of the common ones, or the annotator's own words.
import { useEffect, useRef, useState } from "react";

const REASONS = [
  "I don't know enough about this topic",
  "The prompt is unclear or broken",
  "The completions are unreadable or truncated",
  "The content is too disturbing for me",
];

export function SkipPanel({ busy, onSkip, onCancel }: { busy: boolean; onSkip(reason: string): void; onCancel(): void }) {
  const [choice, setChoice] = useState(REASONS[0]);
  const [other, setOther] = useState("");
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const reason = choice === "other" ? other.trim() : choice;

  return (
    <form
      className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm"
      data-testid="skip-panel"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason) onSkip(reason);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <fieldset>
        <legend className="mb-2 font-medium text-amber-900">Why do you skip this task? You will not see it again.</legend>
        <div className="flex flex-col gap-1">
          {REASONS.map((r, i) => (
            <label key={r} className="flex items-center gap-2">
              <input
                ref={i === 0 ? first : undefined}
                type="radio"
                name="skip-reason"
                checked={choice === r}
                onChange={() => setChoice(r)}
                className="accent-amber-600"
              />
              {r}
            </label>
          ))}
          <label className="flex items-center gap-2">
            <input type="radio" name="skip-reason" checked={choice === "other"} onChange={() => setChoice("other")} className="accent-amber-600" />
            Other:
            <input
              type="text"
              value={other}
              maxLength={1000}
              onChange={(e) => {
                setOther(e.target.value);
                setChoice("other");
              }}
              data-testid="skip-reason"
              placeholder="say why"
              className="min-w-0 flex-1 rounded border border-amber-300 bg-white px-2 py-1"
            />
          </label>
        </div>
      </fieldset>
      <div className="mt-3 flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded-lg px-3 py-1.5 font-medium text-slate-700 hover:bg-amber-100">
          Cancel <kbd className="text-xs text-slate-400">Esc</kbd>
        </button>
        <button
          type="submit"
          disabled={busy || !reason}
          data-testid="skip-confirm"
          className="rounded-lg bg-amber-600 px-4 py-1.5 font-semibold text-white hover:bg-amber-700 disabled:opacity-50"
        >
          Skip task
        </button>
      </div>
    </form>
  );
}
