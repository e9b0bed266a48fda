"use client";

// Starting a job from a form: POST /api/jobs {kind, params} → the job's page. A 400's issues are
// kept for the fields that show them; those no field of the form shows go in the summary line
// (`error`), so nothing the server said is lost. Shared by the PPO, GRPO and DPO forms.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi, type ApiIssue } from "./api-client";

/** `hrefOf`: where to go once the job is queued (default its job page; the best-of-n page follows its run itself). */
export function useJobRequest(kind: string, shownFields: ReadonlySet<string>, hrefOf: (jobId: number) => string = (id) => `/research/jobs/${id}`) {
  const router = useRouter();
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function start(params: Record<string, unknown>) {
    setPending(true);
    setError(null);
    setIssues([]);
    const res = await callApi<{ job: { id: number } }>("/api/jobs", "POST", { kind, params });
    if (res.ok) {
      router.push(hrefOf(res.data.job.id));
      return;
    }
    setPending(false);
    setIssues(res.issues);
    const rest = res.issues.filter((i) => !shownFields.has(i.field));
    setError(
      res.issues.length === 0
        ? res.error
        : rest.length > 0
          ? rest.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")
          : "Please correct the fields marked below.",
    );
  }

  return { issues, error, pending, start };
}
