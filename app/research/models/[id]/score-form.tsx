"use client";

// Try a reward model by hand: a prompt and 2–4 completions → POST /api/models/[id]/score → the
// completions ranked by reward, best first. A 400 is shown beside the field it names.
import { useState } from "react";
import { callApi, type ApiIssue } from "@/app/components/api-client";
import type { ScoreTypedResult } from "@/lib/reward/score-typed";
import { FieldError, issueText } from "@/app/components/field-issues";

const MIN = 2;
const MAX = 4;
const LETTERS = "ABCD";
const input = "rounded border border-slate-300 px-2 py-1";

export function ScoreForm({ modelId, modelName }: { modelId: number; modelName: string }) {
  const [completions, setCompletions] = useState<string[]>(["", ""]);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ScoreTypedResult | null>(null);
  const [pending, setPending] = useState(false);

  const issueFor = (field: string) => issueText(issues, field);
  const fieldError = (field: string) => <FieldError issues={issues} field={field} />;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const prompt = String(new FormData(event.currentTarget).get("prompt") ?? "");
    setPending(true);
    setError(null);
    setIssues([]);
    const res = await callApi<ScoreTypedResult>(`/api/models/${modelId}/score`, "POST", { prompt, completions });
    setPending(false);
    if (res.ok) {
      setResult(res.data);
      return;
    }
    setResult(null);
    setIssues(res.issues);
    const shown = (f: string) => f === "prompt" || f.startsWith("completions");
    const rest = res.issues.filter((i) => !shown(i.field));
    setError(res.issues.length === 0 ? res.error : rest.length > 0 ? rest.map((i) => `${i.field}: ${i.message}`).join("; ") : "Please correct the fields marked below.");
  }

  return (
    <section className="flex flex-col gap-2" aria-label="Try the reward model">
      <h2 className="text-lg font-medium">Try it</h2>
      <p className="text-xs text-slate-500">
        Type a prompt and 2–4 completions; {modelName} scores each one (the prompt as one user turn, in the chat template it was trained with) and
        ranks them. Only the differences between scores mean anything.
      </p>
      <form onSubmit={onSubmit} aria-label="Score completions" className="flex max-w-3xl flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="flex flex-col gap-1 text-sm">
          Prompt
          <textarea name="prompt" rows={2} className={input} aria-invalid={issueFor("prompt") ? true : undefined} />
          {fieldError("prompt")}
        </label>
        {completions.map((text, i) => (
          <div key={i} className="flex flex-col gap-1 text-sm">
            <label className="flex flex-col gap-1">
              {`Completion ${LETTERS[i]}`}
              <textarea
                rows={2}
                value={text}
                onChange={(e) => setCompletions(completions.map((c, j) => (j === i ? e.target.value : c)))}
                className={input}
                aria-invalid={issueFor(`completions.${i}`) ? true : undefined}
              />
            </label>
            {fieldError(`completions.${i}`)}
          </div>
        ))}
        {fieldError("completions")}
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <button
            type="button"
            disabled={completions.length >= MAX}
            onClick={() => setCompletions([...completions, ""])}
            className="rounded border border-slate-300 px-2 py-1 disabled:opacity-50"
          >
            Add a completion
          </button>
          <button
            type="button"
            disabled={completions.length <= MIN}
            onClick={() => setCompletions(completions.slice(0, -1))}
            className="rounded border border-slate-300 px-2 py-1 disabled:opacity-50"
          >
            Remove the last
          </button>
          <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
            {pending ? "Scoring…" : "Score"}
          </button>
          {error && (
            <p role="alert" className="text-red-700" data-testid="score-error">
              {error}
            </p>
          )}
        </div>
      </form>
      {result && (
        <ol className="flex max-w-3xl flex-col gap-1 text-sm" aria-label="Completions ranked by reward" data-testid="score-results">
          {result.ranked.map((r, place) => (
            <li key={r.index} className="flex items-baseline gap-3 border-t border-slate-100 py-1">
              <span className="w-6 text-slate-500">{place + 1}.</span>
              <span className="w-24 shrink-0 font-mono" data-testid="score-value">
                {r.score.toFixed(3)}
              </span>
              <span className="font-medium">{LETTERS[r.index]}</span>
              <span className="whitespace-pre-wrap break-words">{r.completion}</span>
              {r.truncated && <span className="text-xs text-amber-800">(cut to the model&apos;s {r.tokens} tokens)</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
