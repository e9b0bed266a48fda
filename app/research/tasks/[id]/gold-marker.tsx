"use client";
// The task's gold status (canonical letters), and for admins the control that marks it gold —
// with a full expected ranking, only the expected first completion, or "none acceptable" — or
// unmarks it (one line of a gold file, POST /api/projects/[id]/gold).
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { GoldExpectation } from "@/db/schema";
import { callApi } from "@/app/components/api-client";
import { groupsFromPlaces, placesFromGroups, RankPicker, type PickerCompletion } from "@/app/components/rank-picker";

type Kind = "not" | GoldExpectation["kind"];

function describe(gold: GoldExpectation | null, letter: (id: number) => string): string {
  if (!gold) return "not a gold task";
  if (gold.kind === "none") return "gold: expects “none acceptable”";
  if (gold.kind === "first") return `gold: expects ${letter(gold.completionId)} first`;
  return `gold: expects ${gold.groups.map((g) => g.map(letter).join(" = ")).join(" > ")}`;
}

export function GoldMarker({
  projectId,
  taskId,
  completions,
  gold,
  canEdit,
}: {
  projectId: number;
  taskId: number;
  completions: PickerCompletion[];
  gold: GoldExpectation | null;
  canEdit: boolean;
}) {
  const router = useRouter();
  const letter = (id: number) => completions.find((c) => c.id === id)?.letter ?? `#${id}`;
  const [kind, setKind] = useState<Kind>(gold?.kind ?? "not");
  const [places, setPlaces] = useState(() => (gold?.kind === "ranking" ? placesFromGroups(gold.groups) : new Map(completions.map((c, i) => [c.id, i + 1]))));
  const [first, setFirst] = useState<number>(gold?.kind === "first" ? gold.completionId : (completions[0]?.id ?? 0));
  const [error, setError] = useState<string | null>(null);

  async function save() {
    const line =
      kind === "not"
        ? { task_id: taskId, gold: false }
        : kind === "none"
          ? { task_id: taskId, none_acceptable: true }
          : kind === "first"
            ? { task_id: taskId, by: "id", first }
            : { task_id: taskId, by: "id", ranking: groupsFromPlaces(places) };
    const res = await callApi(`/api/projects/${projectId}/gold`, "POST", { lines: [line] });
    setError(res.ok ? null : res.error);
    if (res.ok) router.refresh();
  }

  return (
    <section className="flex flex-col gap-2 rounded border border-amber-200 bg-amber-50 p-3 text-sm" aria-label="Gold" data-testid="gold-marker">
      <p data-testid="gold-status">{describe(gold, letter)}</p>
      {canEdit && (
        <div className="flex flex-col gap-2">
          <label className="flex items-center gap-2">
            Mark as
            <select
              aria-label="Gold kind"
              value={kind}
              onChange={(e) => setKind(e.target.value as Kind)}
              className="rounded border border-slate-300 px-1 py-0.5"
            >
              <option value="not">not gold</option>
              <option value="ranking">gold: this full ranking</option>
              <option value="first">gold: this completion first</option>
              <option value="none">gold: none acceptable</option>
            </select>
          </label>
          {kind === "ranking" && <RankPicker completions={completions} places={places} onChange={setPlaces} label="Expected ranking" />}
          {kind === "first" && (
            <select
              aria-label="Expected first"
              value={first}
              onChange={(e) => setFirst(Number(e.target.value))}
              className="w-fit rounded border border-slate-300 px-1 py-0.5"
            >
              {completions.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.letter}: {c.snippet}
                </option>
              ))}
            </select>
          )}
          <button type="button" onClick={() => void save()} className="w-fit rounded bg-amber-700 px-3 py-1 text-white">
            Save gold
          </button>
          {error && <p className="text-red-700">{error}</p>}
        </div>
      )}
    </section>
  );
}
