"use client";
// The review of a demonstration project: its submitted demonstrations (GET
// /api/projects/[id]/demonstrations, pending ones first by default), each with the conversation it
// answers and the answer rendered as markdown; Accept or Reject with an optional comment (POST
// …/demonstrations/[demonstrationId]/review). The sft export can keep only accepted ones.
import { useCallback, useEffect, useState } from "react";
import { callApi } from "@/app/components/api-client";
import { Markdown } from "@/app/components/markdown";
import { Conversation } from "@/app/annotate/_components/conversation";
import type { ListedDemonstration } from "@/lib/demonstrations/demonstration-review";

const FILTERS = [
  ["pending", "Pending"],
  ["accepted", "Accepted"],
  ["rejected", "Rejected"],
  ["", "All"],
] as const;

export function DemonstrationReview({ projectId }: { projectId: number }) {
  const [filter, setFilter] = useState<string>("pending");
  const [items, setItems] = useState<ListedDemonstration[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await callApi<{ demonstrations: ListedDemonstration[] }>(
      `/api/projects/${projectId}/demonstrations${filter ? `?review=${filter}` : ""}`,
      "GET",
    );
    if (!res.ok) return setError(res.error);
    setError(null);
    setItems(res.data.demonstrations);
  }, [projectId, filter]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  return (
    <section className="flex flex-col gap-4" data-testid="demonstration-review">
      <div className="flex gap-2 text-sm" role="tablist" aria-label="Review state">
        {FILTERS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={filter === value}
            onClick={() => setFilter(value)}
            className={`rounded px-3 py-1 ${filter === value ? "bg-indigo-600 text-white" : "border border-slate-300"}`}
          >
            {label}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="rounded bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      {items?.length === 0 && <p className="text-sm text-slate-500">No demonstrations here.</p>}
      {items?.map((d) => (
        <ReviewCard
          key={d.id}
          projectId={projectId}
          demonstration={d}
          onReviewed={(updated) => setItems((all) => all?.map((x) => (x.id === updated.id ? updated : x)) ?? null)}
        />
      ))}
    </section>
  );
}

function ReviewCard({
  projectId,
  demonstration: d,
  onReviewed,
}: {
  projectId: number;
  demonstration: ListedDemonstration;
  onReviewed(d: ListedDemonstration): void;
}) {
  const [comment, setComment] = useState(d.reviewComment ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: "accepted" | "rejected") => {
    setBusy(true);
    const res = await callApi(`/api/projects/${projectId}/demonstrations/${d.id}/review`, "POST", { decision, ...(comment.trim() ? { comment } : {}) });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    onReviewed({ ...d, review: decision, reviewComment: comment.trim() || null });
  };
  return (
    <article className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="demonstration-card" data-review={d.review}>
      <p className="text-xs text-slate-500">
        #{d.id} · task {d.taskId} · by {d.annotator.name}
        {d.source === "imported" && " (imported)"} · <span className="font-medium">{d.review}</span>
      </p>
      <Conversation messages={d.messages} />
      <div className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3">
        <div className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">Demonstration</div>
        <Markdown>{d.text}</Markdown>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={10_000}
          placeholder="Comment (optional)"
          aria-label="Review comment"
          className="min-w-64 flex-1 rounded border border-slate-300 px-2 py-1 text-sm"
        />
        <button
          type="button"
          disabled={busy}
          onClick={() => void decide("accepted")}
          className="rounded bg-emerald-600 px-3 py-1 text-sm text-white disabled:opacity-50"
        >
          Accept
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => void decide("rejected")}
          className="rounded bg-rose-600 px-3 py-1 text-sm text-white disabled:opacity-50"
        >
          Reject
        </button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-800">
          {error}
        </p>
      )}
    </article>
  );
}
