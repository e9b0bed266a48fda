"use client";

// The admin's generation form: a model, the prompts (all of the project's, a selection, or new
// ones typed in, one per line), K and the sampling settings → POST /api/jobs → the job page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";

interface ModelOption {
  id: number;
  name: string;
  kind: string;
  source: string;
}
interface PromptOption {
  id: number;
  preview: string;
}
type PromptMode = "all" | "selected" | "typed";

export function GenerateForm({
  projectId,
  defaultK,
  models,
  promptIds,
  prompts,
}: {
  projectId: number;
  defaultK: number;
  models: ModelOption[];
  /** Every prompt of the project. */
  promptIds: number[];
  /** The first prompts with previews, to choose a selection from. */
  prompts: PromptOption[];
}) {
  const router = useRouter();
  const [mode, setMode] = useState<PromptMode>(promptIds.length > 0 ? "all" : "typed");
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const num = (name: string) => Number(String(data.get(name) ?? "").trim());
    const typed = String(data.get("typedPrompts") ?? "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const stop = String(data.get("stop") ?? "")
      .split("\n")
      .map((s) => s.replace(/\\n/g, "\n"))
      .filter((s) => s.length > 0);
    const params = {
      projectId,
      modelId: num("modelId"),
      ...(mode === "all" ? { promptIds } : mode === "selected" ? { promptIds: [...selected] } : { prompts: typed }),
      sampling: {
        k: num("k"),
        temperature: num("temperature"),
        topP: num("topP"),
        maxTokens: num("maxTokens"),
        seed: num("seed"),
        ...(stop.length > 0 ? { stop } : {}),
      },
    };
    setPending(true);
    setError(null);
    const res = await callApi<{ job: { id: number } }>("/api/jobs", "POST", { kind: "generate", params });
    if (res.ok) {
      router.push(`/research/jobs/${res.data.job.id}`);
      return;
    }
    setPending(false);
    setError(res.error);
  }

  const input = "rounded border border-slate-300 px-2 py-1";
  return (
    <form onSubmit={onSubmit} aria-label="Generate completions" className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <label className="flex flex-col gap-1 text-sm">
        Model
        <select name="modelId" required className={input} defaultValue={models[0]?.id ?? ""}>
          {models.length === 0 && <option value="">No models registered</option>}
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} ({m.kind}, {m.source === "palate" ? "Palate directory" : "endpoint"})
            </option>
          ))}
        </select>
      </label>

      <fieldset className="flex flex-col gap-2 text-sm">
        <legend className="mb-1">Prompts</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="promptMode" checked={mode === "all"} onChange={() => setMode("all")} disabled={promptIds.length === 0} />
          {`All ${promptIds.length} prompts of the project`}
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="promptMode" checked={mode === "selected"} onChange={() => setMode("selected")} disabled={promptIds.length === 0} />A
          selection ({selected.size} chosen)
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="promptMode" checked={mode === "typed"} onChange={() => setMode("typed")} />
          New prompts, typed in
        </label>
        {mode === "selected" && (
          <ul className="max-h-64 overflow-y-auto rounded border border-slate-200 p-2" aria-label="Choose prompts">
            {prompts.map((p) => (
              <li key={p.id}>
                <label className="flex items-start gap-2">
                  <input
                    type="checkbox"
                    checked={selected.has(p.id)}
                    onChange={(e) =>
                      setSelected((old) => {
                        const next = new Set(old);
                        if (e.target.checked) next.add(p.id);
                        else next.delete(p.id);
                        return next;
                      })
                    }
                  />
                  <span>{p.preview}</span>
                </label>
              </li>
            ))}
            {promptIds.length > prompts.length && <li className="text-slate-500">{`… the first ${prompts.length} of ${promptIds.length} are listed.`}</li>}
          </ul>
        )}
        {mode === "typed" && (
          <label className="flex flex-col gap-1">
            One prompt per line
            <textarea name="typedPrompts" rows={5} className={`${input} font-mono`} placeholder="What is the capital of France?" />
          </label>
        )}
      </fieldset>

      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Completions per prompt (K)
          <input name="k" type="number" min={2} max={9} step={1} defaultValue={Math.min(9, Math.max(2, defaultK))} required className={`${input} w-24`} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Temperature
          <input name="temperature" type="number" min={0} max={5} step="any" defaultValue={1} required className={`${input} w-24`} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Top-p
          <input name="topP" type="number" min={0.01} max={1} step="any" defaultValue={0.95} required className={`${input} w-24`} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Max tokens
          <input name="maxTokens" type="number" min={1} max={4096} step={1} defaultValue={64} required className={`${input} w-24`} />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Seed
          <input name="seed" type="number" min={0} step={1} defaultValue={0} required className={`${input} w-28`} />
        </label>
      </div>
      <label className="flex flex-col gap-1 text-sm">
        Stop sequences (optional, one per line; \n for a newline)
        <textarea name="stop" rows={2} className={`${input} w-80 font-mono`} />
      </label>

      <div className="flex items-center gap-3">
        <button
          type="submit"
          disabled={pending || models.length === 0}
          className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {pending ? "Starting…" : "Start generation"}
        </button>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
