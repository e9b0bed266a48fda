"use client";

// "Score completions": starts a score job for one reward model over the project's completions
// (POST /api/jobs {kind: "score"}) and goes to its job page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";

export function ScoreButton({ projectId, modelId, modelName }: { projectId: number; modelId: number; modelName: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function start() {
    setPending(true);
    setError(null);
    const res = await callApi<{ job: { id: number } }>("/api/jobs", "POST", { kind: "score", params: { projectId, modelId } });
    if (res.ok) {
      router.push(`/research/jobs/${res.data.job.id}`);
      return;
    }
    setPending(false);
    setError(res.error);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={start}
        disabled={pending}
        aria-label={`Score completions with ${modelName}`}
        className="rounded border border-indigo-300 px-2 py-0.5 text-xs text-indigo-700 hover:bg-indigo-50 disabled:opacity-50"
      >
        {pending ? "Starting…" : "Score completions"}
      </button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
