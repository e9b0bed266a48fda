"use client";

// The project's settings: name, K, R, assignment timeout, the answering mode (ranking,
// pairwise, which needs K = 2, or demonstration, with or without the completions shown), the task order and the guidelines (markdown, with a preview),
// saved through PATCH /api/projects/[id].
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Project } from "@/lib/projects";
import { callApi } from "@/app/components/api-client";
import { GuidelinesPreview } from "./guidelines-preview";

export function ProjectSettingsForm({ project }: { project: Project }) {
  const router = useRouter();
  const [guidelines, setGuidelines] = useState(project.guidelines);
  const [tab, setTab] = useState<"write" | "preview">("write");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    setSaved(false);
    const result = await callApi(`/api/projects/${project.id}`, "PATCH", {
      name: String(form.get("name") ?? ""),
      guidelines,
      completionsPerTask: Number(form.get("completionsPerTask")),
      redundancy: Number(form.get("redundancy")),
      assignmentTimeoutSeconds: Number(form.get("assignmentTimeoutSeconds")),
      mode: String(form.get("mode")),
      taskOrder: String(form.get("taskOrder")),
      showCompletions: form.get("showCompletions") === "on",
    });
    setPending(false);
    if (!result.ok) return setError(result.error);
    setSaved(true);
    router.refresh();
  }

  const tabClass = (t: typeof tab) => `rounded-t px-3 py-1 text-sm ${tab === t ? "border border-b-0 border-slate-300 bg-white font-medium" : "text-slate-500"}`;
  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Project settings">
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input name="name" defaultValue={project.name} required className="w-72 rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Completions per task (K)
          <input
            name="completionsPerTask"
            type="number"
            min={2}
            max={9}
            defaultValue={project.completionsPerTask}
            className="w-24 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Annotators per task (R)
          <input
            name="redundancy"
            type="number"
            min={1}
            max={50}
            defaultValue={project.redundancy}
            className="w-24 rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Assignment timeout (seconds)
          <input
            name="assignmentTimeoutSeconds"
            type="number"
            min={10}
            defaultValue={project.assignmentTimeoutSeconds}
            className="w-32 rounded border border-slate-300 px-2 py-1"
          />
        </label>
      </div>
      <div className="flex flex-wrap gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Mode
          <select name="mode" defaultValue={project.mode} className="rounded border border-slate-300 px-2 py-1">
            <option value="ranking">Ranking: order every completion</option>
            <option value="pairwise">Pairwise: A or B, with a strength (needs K = 2)</option>
            <option value="demonstration">Demonstration: write the ideal answer (R = demonstrations per prompt)</option>
          </select>
        </label>
        <label className="flex items-center gap-2 self-end text-sm">
          <input name="showCompletions" type="checkbox" defaultChecked={project.showCompletions} />
          Demonstrations: show the model&apos;s completions as starting points
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Task order
          <select name="taskOrder" defaultValue={project.taskOrder} className="rounded border border-slate-300 px-2 py-1">
            <option value="even">Even: least-ranked task first, oldest first</option>
            <option value="uncertain">Most uncertain for the latest reward model first</option>
            <option value="disagreement">Most disagreement first</option>
          </select>
        </label>
      </div>
      <div>
        <div className="flex gap-1" role="tablist" aria-label="Guidelines editor">
          <button type="button" role="tab" aria-selected={tab === "write"} className={tabClass("write")} onClick={() => setTab("write")}>
            Write
          </button>
          <button type="button" role="tab" aria-selected={tab === "preview"} className={tabClass("preview")} onClick={() => setTab("preview")}>
            Preview
          </button>
        </div>
        {tab === "write" ? (
          <label className="flex flex-col gap-1 text-sm">
            <span className="sr-only">Guidelines (markdown)</span>
            <textarea
              value={guidelines}
              onChange={(e) => setGuidelines(e.target.value)}
              rows={12}
              className="rounded border border-slate-300 p-2 font-mono text-sm"
              placeholder="Guidelines for annotators, in markdown"
            />
          </label>
        ) : (
          <div className="min-h-48 rounded border border-slate-300 p-3" data-testid="guidelines-preview">
            <GuidelinesPreview markdown={guidelines} />
          </div>
        )}
      </div>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          Save settings
        </button>
        {saved && (
          <span role="status" className="text-sm text-emerald-700">
            Saved.
          </span>
        )}
        {error && (
          <span role="alert" className="text-sm text-red-700">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
