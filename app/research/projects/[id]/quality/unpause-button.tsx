"use client";
// An admin's unpause of an annotator on a project (POST /api/projects/[id]/gold/unpause).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";

export function UnpauseButton({ projectId, userId, email }: { projectId: number; userId: number; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function unpause() {
    setPending(true);
    const res = await callApi(`/api/projects/${projectId}/gold/unpause`, "POST", { userId });
    setPending(false);
    if (!res.ok) return setError(res.error);
    router.refresh();
  }
  return (
    <span>
      <button
        type="button"
        disabled={pending}
        onClick={() => void unpause()}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs"
        aria-label={`Unpause ${email}`}
      >
        Unpause
      </button>
      {error && <span className="ml-2 text-xs text-red-700">{error}</span>}
    </span>
  );
}
