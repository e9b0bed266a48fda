"use client";

// The project's per-completion questions (lib/labeling/questions.ts): a rating (an integer scale,
// 1–7 unless changed, the ends labelled) or tags (a fixed set, multi-select), each with a key, the
// question and whether it is required; saved through PUT /api/projects/[id]/questions.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";
import type { QualityQuestion } from "@/lib/labeling/questions";

interface Row {
  kind: QualityQuestion["kind"];
  key: string;
  prompt: string;
  required: boolean;
  min: number;
  max: number;
  minLabel: string;
  maxLabel: string;
  /** Tag names, comma-separated. */
  tags: string;
}

function rowOf(q: QualityQuestion): Row {
  const base = { key: q.key, prompt: q.prompt, required: q.required, min: 1, max: 7, minLabel: "", maxLabel: "", tags: "" };
  return q.kind === "rating"
    ? { ...base, kind: "rating", min: q.min, max: q.max, minLabel: q.minLabel, maxLabel: q.maxLabel }
    : { ...base, kind: "tags", tags: q.tags.join(", ") };
}

function questionOf(r: Row): object {
  const base = { kind: r.kind, key: r.key.trim(), prompt: r.prompt, required: r.required };
  if (r.kind === "rating") return { ...base, min: r.min, max: r.max, minLabel: r.minLabel, maxLabel: r.maxLabel };
  return {
    ...base,
    tags: r.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
  };
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm";

export function QualityQuestionsForm({ projectId, questions }: { projectId: number; questions: QualityQuestion[] }) {
  const router = useRouter();
  const [rows, setRows] = useState<Row[]>(() => questions.map(rowOf));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  const change = (i: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  };
  const add = (kind: Row["kind"]) => {
    setSaved(false);
    setRows((rs) => [...rs, { kind, key: "", prompt: "", required: false, min: 1, max: 7, minLabel: "", maxLabel: "", tags: "" }]);
  };

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    setSaved(false);
    const result = await callApi(`/api/projects/${projectId}/questions`, "PUT", { questions: rows.map(questionOf) });
    setPending(false);
    if (!result.ok) return setError(result.error);
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={save} className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Quality questions">
      <p className="text-sm text-slate-600">
        Asked about each completion beside the ranking, so “how good” is recorded apart from “which is better”. Annotators answer on every card; a required
        question must be answered for every completion unless the ranking is marked none acceptable. Answers already given are kept when you change the
        questions.
      </p>
      {rows.length === 0 && <p className="text-sm text-slate-500">No questions: annotators only rank.</p>}
      <ol className="flex flex-col gap-3">
        {rows.map((r, i) => (
          <li key={i} className="flex flex-col gap-2 rounded border border-slate-200 p-3" data-testid="question-row" aria-label={`Question ${i + 1}`}>
            <div className="flex flex-wrap items-end gap-3">
              <span className="rounded bg-slate-100 px-2 py-1 text-xs font-semibold text-slate-600">{r.kind === "rating" ? "Rating" : "Tags"}</span>
              <label className="flex flex-col gap-1 text-sm">
                Key
                <input
                  value={r.key}
                  onChange={(e) => change(i, { key: e.target.value })}
                  placeholder="quality"
                  required
                  className={`${input} w-32 font-mono`}
                />
              </label>
              <label className="flex grow flex-col gap-1 text-sm">
                Question
                <input
                  value={r.prompt}
                  onChange={(e) => change(i, { prompt: e.target.value })}
                  placeholder="How good is this answer?"
                  required
                  className={`${input} min-w-60`}
                />
              </label>
              <label className="flex items-center gap-1 text-sm">
                <input type="checkbox" checked={r.required} onChange={(e) => change(i, { required: e.target.checked })} />
                Required
              </label>
              <button
                type="button"
                onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}
                className="rounded border border-slate-300 px-2 py-1 text-xs text-slate-600 hover:bg-slate-50"
              >
                Remove
              </button>
            </div>
            {r.kind === "rating" ? (
              <div className="flex flex-wrap items-end gap-3">
                <label className="flex flex-col gap-1 text-sm">
                  From
                  <input
                    type="number"
                    min={0}
                    max={10}
                    value={r.min}
                    onChange={(e) => change(i, { min: Number(e.target.value) })}
                    className={`${input} w-20`}
                  />
                </label>
                <label className="flex flex-col gap-1 text-sm">
                  Label of the low end
                  <input value={r.minLabel} onChange={(e) => change(i, { minLabel: e.target.value })} placeholder="useless" className={`${input} w-36`} />
                </label>
                <label className="flex flex-col gap-1 text-sm">
                  To
                  <input
                    type="number"
                    min={1}
                    max={10}
                    value={r.max}
                    onChange={(e) => change(i, { max: Number(e.target.value) })}
                    className={`${input} w-20`}
                  />
                </label>
                <label className="flex flex-col gap-1 text-sm">
                  Label of the high end
                  <input value={r.maxLabel} onChange={(e) => change(i, { maxLabel: e.target.value })} placeholder="excellent" className={`${input} w-36`} />
                </label>
              </div>
            ) : (
              <label className="flex flex-col gap-1 text-sm">
                Tags (comma-separated)
                <input value={r.tags} onChange={(e) => change(i, { tags: e.target.value })} placeholder="verbose, factually wrong, rude" className={input} />
              </label>
            )}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={() => add("rating")} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
          Add a rating question
        </button>
        <button type="button" onClick={() => add("tags")} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50">
          Add a tags question
        </button>
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-4 py-1.5 text-sm font-medium text-white disabled:opacity-50">
          {pending ? "Saving…" : "Save questions"}
        </button>
        {saved && (
          <span role="status" className="text-sm text-emerald-700">
            Saved.
          </span>
        )}
        {error && (
          <span role="alert" className="text-sm text-rose-700">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
