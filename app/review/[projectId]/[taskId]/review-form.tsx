"use client";
// The reviewer's decision (POST /api/projects/[id]/review/[taskId]): the final ranking, in the
// canonical letters, or a send-back for more rankings.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callApi } from "@/app/components/api-client";
import { groupsFromPlaces, placesFromGroups, RankPicker, type PickerCompletion } from "@/app/components/rank-picker";

export function ReviewForm({
  projectId,
  taskId,
  completions,
  start,
  startNoneAcceptable,
  startsFrom,
}: {
  projectId: number;
  taskId: number;
  completions: PickerCompletion[];
  start: number[][];
  startNoneAcceptable: boolean;
  startsFrom: string;
}) {
  const router = useRouter();
  const [places, setPlaces] = useState(() => placesFromGroups(start));
  const [noneAcceptable, setNoneAcceptable] = useState(startNoneAcceptable);
  const [comment, setComment] = useState("");
  const [added, setAdded] = useState(1);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const path = `/api/projects/${projectId}/review/${taskId}`;
  const order = groupsFromPlaces(places)
    .map((g) => g.map((id) => completions.find((c) => c.id === id)?.letter).join(" = "))
    .join(" > ");

  async function post(body: object, done: string) {
    const res = await callApi(path, "POST", { ...body, comment: comment.trim() || null });
    setMessage(res.ok ? { ok: true, text: done } : { ok: false, text: res.error });
    if (res.ok) router.refresh();
  }

  return (
    <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Decision" data-testid="review-form">
      <h2 className="text-lg font-medium">Decision</h2>
      <p className="text-xs text-slate-500">Places start from {startsFrom}. Equal places tie.</p>
      <RankPicker completions={completions} places={places} onChange={setPlaces} label="Final ranking" />
      <p className="text-sm">
        Final ranking:{" "}
        <span className="font-mono" data-testid="final-order">
          {order}
        </span>
      </p>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={noneAcceptable} onChange={(e) => setNoneAcceptable(e.target.checked)} />
        None acceptable
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Comment (optional)
        <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} className="rounded border border-slate-300 p-2" />
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className="rounded bg-indigo-600 px-3 py-1 text-sm text-white"
          onClick={() => void post({ action: "final", groups: groupsFromPlaces(places), noneAcceptable }, "Final ranking saved.")}
        >
          Set final ranking
        </button>
        <span className="text-sm text-slate-500">or</span>
        <label className="flex items-center gap-2 text-sm">
          send back for
          <input
            type="number"
            min={1}
            max={20}
            value={added}
            onChange={(e) => setAdded(Number(e.target.value))}
            className="w-16 rounded border border-slate-300 px-2 py-0.5"
            aria-label="More rankings"
          />
          more rankings
        </label>
        <button
          type="button"
          className="rounded border border-slate-300 px-3 py-1 text-sm"
          onClick={() => void post({ action: "send_back", addedRankings: added }, `Sent back for ${added} more ranking${added === 1 ? "" : "s"}.`)}
        >
          Send back
        </button>
      </div>
      {message && (
        <p className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
