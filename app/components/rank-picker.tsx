"use client";
// Places for a task's completions, picked one select per completion (1 = best; equal places
// tie), turned into ranked groups of completion ids, best first. Used where staff set a ranking
// for a task (a reviewer's final ranking, an admin's gold expectation); annotators rank with the
// drag-and-keyboard ranking page instead.

export interface PickerCompletion {
  id: number;
  letter: string;
  snippet: string;
}

/** Groups from places: completions sharing a place are tied; places need not be consecutive. */
export function groupsFromPlaces(places: ReadonlyMap<number, number>): number[][] {
  const byPlace = new Map<number, number[]>();
  for (const [id, place] of places) byPlace.set(place, [...(byPlace.get(place) ?? []), id]);
  return [...byPlace.entries()].sort(([a], [b]) => a - b).map(([, ids]) => ids);
}

/** Places from groups (1-based), for a starting point. */
export function placesFromGroups(groups: readonly (readonly number[])[]): Map<number, number> {
  return new Map(groups.flatMap((g, i) => g.map((id) => [id, i + 1] as const)));
}

export function RankPicker({
  completions,
  places,
  onChange,
  label,
}: {
  completions: readonly PickerCompletion[];
  places: ReadonlyMap<number, number>;
  onChange: (places: Map<number, number>) => void;
  label: string;
}) {
  return (
    <fieldset className="flex flex-col gap-1" aria-label={label}>
      {completions.map((c) => (
        <label key={c.id} className="flex items-center gap-2 text-sm">
          <select
            aria-label={`Place of ${c.letter}`}
            value={places.get(c.id) ?? 1}
            onChange={(e) => onChange(new Map(places).set(c.id, Number(e.target.value)))}
            className="rounded border border-slate-300 px-1 py-0.5"
          >
            {completions.map((_, i) => (
              <option key={i} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </select>
          <span className="font-semibold">{c.letter}</span>
          <span className="text-slate-600">{c.snippet}</span>
        </label>
      ))}
    </fieldset>
  );
}
