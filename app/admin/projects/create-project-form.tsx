"use client";

// Creates a project through POST /api/projects and opens its page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";

export function CreateProjectForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await callApi<{ project: { id: number } }>("/api/projects", "POST", {
      name: String(form.get("name") ?? ""),
      completionsPerTask: Number(form.get("completionsPerTask")),
      redundancy: Number(form.get("redundancy")),
    });
    if (!result.ok) {
      setPending(false);
      return setError(result.error);
    }
    router.push(`/admin/projects/${result.data.project.id}`);
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Create a project">
      <label className="flex flex-col gap-1 text-sm">
        Name
        <input name="name" required className="w-72 rounded border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Completions per task (K)
        <input name="completionsPerTask" type="number" min={2} max={9} defaultValue={4} className="w-24 rounded border border-slate-300 px-2 py-1" />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Annotators per task (R)
        <input name="redundancy" type="number" min={1} max={50} defaultValue={3} className="w-24 rounded border border-slate-300 px-2 py-1" />
      </label>
      <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
        Create project
      </button>
      {error && (
        <p role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}
